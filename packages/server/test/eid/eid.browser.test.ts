import { ensureJourneyBuilt } from '@openidv/journey/build';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  browserAvailable,
  DESKTOP,
  launchChromium,
  PHONE,
  screenshot,
} from '../support/browser.ts';
import { startTestServer, waitFor } from '../support/harness.ts';
import { bankIdProvider, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

const PERSON = '19900101-1234';

describe.skipIf(!browserAvailable())('eID in the journey (headless Chromium)', () => {
  let server: Server;
  let idp: TestProvider;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    await ensureJourneyBuilt();
    server = await startTestServer('sqlite');
    base = server.api.base.replace('127.0.0.1', 'localhost');
    idp = await startTestProvider(() => `${base}/eid/callback`);
    const p = await server.api.json(
      'POST',
      '/v1/identity-providers',
      bankIdProvider(idp, { loginHintLabel: 'Personal code' }),
    );
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'eID or document',
      checks: [
        { type: 'eid', config: { minimumLevelOfAssurance: 'substantial' } },
        { type: 'document', config: {} },
        { type: 'aml', config: {} },
      ],
      isDefault: true,
    });
    expect(w.status).toBe(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await server?.close();
  });

  async function newSession() {
    const r = await server.api.json('POST', '/v1/sessions', {
      person: { firstName: 'Ingrid', lastName: 'Johansson', dateOfBirth: '1990-01-01' },
    });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, url: `${base}${new URL(r.body.url).pathname}` };
  }
  const decision = (id: string) =>
    waitFor(async () => {
      const d = await server.api.json('GET', `/v1/sessions/${id}/decision`);
      return d.body.status !== 'pending' && (d.body as Json);
    });
  const expectHeading = (page: Page, text: string) =>
    expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(text);

  /** The test provider's login page: type the personal code and sign in. */
  async function signInAtProvider(page: Page) {
    await expectHeading(page, 'Test eID');
    await page.getByLabel('Personal code').fill(PERSON);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('redirect: the journey offers the provider, the applicant signs in there and comes back verified', async () => {
    const s = await newSession();
    const context = await browser.newContext({ ...PHONE, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(s.url);
    await page.getByRole('button', { name: 'I agree, start' }).click();
    await expectHeading(page, 'Verify with your electronic ID');
    await screenshot(page, 'phone', 'eid-01-choice');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Continue with BankID' }).click();
    await signInAtProvider(page);
    await expectHeading(page, 'Thank you');
    const d = await decision(s.id);
    expect(d.status).toBe('approved');
    expect(d.provenance).toMatchObject({
      provider: 'bankidse',
      channel: 'redirect',
      levelOfAssurance: 'high',
    });
    expect(d.person).toMatchObject({ firstName: 'Ingrid', lastName: 'Johansson' });
    await context.close();
  });

  it('QR: the desktop shows a code, the phone signs in, the desktop follows live', async () => {
    const s = await newSession();
    const desktop = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
    const page = await desktop.newPage();
    await page.goto(s.url);
    await page.getByRole('button', { name: 'I agree, start' }).click();
    await expectHeading(page, 'Verify with your electronic ID');
    const qr = page.locator('.qr[data-link]');
    await expect.poll(() => qr.locator('img').count()).toBe(1);
    await screenshot(page, 'desktop', 'eid-02-qr');
    expect(await axeViolations(page)).toEqual([]);
    const link = (await qr.getAttribute('data-link'))!;
    expect(link).toContain('channel=qr');

    // The phone that holds the eID scans the code.
    const phone = await browser.newContext({ ...PHONE, locale: 'en-GB' });
    const phonePage = await phone.newPage();
    await phonePage.goto(link);
    await signInAtProvider(phonePage);
    await expectHeading(phonePage, 'Thank you');
    // The desktop moves on by itself.
    await expectHeading(page, 'Thank you');
    const d = await decision(s.id);
    expect(d.provenance).toMatchObject({ channel: 'qr', provider: 'bankidse' });
    await phone.close();
    await desktop.close();
  });

  it('push: the applicant types their code and confirms in the app; the page moves on', async () => {
    const s = await newSession();
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(s.url);
    await page.getByRole('button', { name: 'I agree, start' }).click();
    await page.getByLabel('Personal code').fill(PERSON);
    await page.getByRole('button', { name: 'Send a request to my app' }).click();
    await waitFor(async () => idp.pendingPush().includes(PERSON));
    await idp.answerPush(PERSON, true);
    await expectHeading(page, 'Thank you');
    expect((await decision(s.id)).provenance).toMatchObject({ channel: 'push' });
    await context.close();
  });

  it('cancel at the provider: the journey says so and offers the document instead', async () => {
    const s = await newSession();
    const context = await browser.newContext({ ...PHONE, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(s.url);
    await page.getByRole('button', { name: 'I agree, start' }).click();
    await page.getByRole('link', { name: 'Continue with BankID' }).click();
    await expectHeading(page, 'Test eID');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expectHeading(page, 'Verify with your electronic ID');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The sign-in was cancelled. You can try again or choose another way.');
    await page.getByRole('button', { name: 'Use an identity document instead' }).click();
    await expect.poll(() => page.locator('h1').textContent()).not.toBe('Verify with your electronic ID');
    await context.close();
  });
});
