import { ensureConsoleBuilt } from '@openidv/console/build';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, DESKTOP, launchChromium, screenshot } from '../console/browser.ts';
import { startTestServer, waitFor } from '../support/harness.ts';
import { signIn, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

describe.skipIf(!chromiumAvailable())('eID providers in the console', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let idp: TestProvider;
  let browser: Browser;
  const password = 'a long enough password';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    idp = await startTestProvider(() => `${server.config.publicUrl}/eid/callback`);
    await server.api.json('POST', '/v1/staff', { email: 'admin@example.com', password, role: 'admin' });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await server?.close();
  });

  it('an admin adds a provider (metadata read, secret kept), disables and removes it', async () => {
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${server.api.base}/console/eid-providers`);
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'eID providers' }).waitFor();
    await page.getByText(`${server.config.publicUrl}/eid/callback`).waitFor();

    await page.getByLabel('Provider id').fill('smartid');
    await page.getByLabel('Name shown to applicants').fill('Smart-ID');
    await page.getByLabel('Issuer URL').fill(idp.issuer);
    await page.getByLabel('Client id').fill(idp.clientId);
    await page.getByLabel('Client secret').fill(idp.clientSecret);
    await page.getByLabel('Level of assurance it reaches').selectOption('high');
    await page.getByLabel('push (CIBA)').check();
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByRole('button', { name: 'Disable Smart-ID' }).waitFor();
    await screenshot(page, 'eid-providers');
    expect(await axeViolations(page)).toEqual([]);

    const stored = await server.api.json('GET', '/v1/identity-providers/smartid');
    expect(stored.body).toMatchObject({
      levelOfAssurance: 'high',
      flows: ['redirect', 'qr', 'push'],
      hasSecret: true,
    });

    await page.getByRole('button', { name: 'Disable Smart-ID' }).click();
    await page.getByRole('button', { name: 'Enable Smart-ID' }).waitFor();
    expect((await server.api.json('GET', '/v1/identity-providers/smartid')).body.hasSecret).toBe(true);

    // A wrong issuer is refused with the server's message.
    await page.getByLabel('Provider id').fill('broken');
    await page.getByLabel('Name shown to applicants').fill('Broken');
    await page.getByLabel('Issuer URL').fill('http://127.0.0.1:9/');
    await page.getByLabel('Client id').fill('x');
    await page.getByLabel('Client secret').fill('y');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/could not be read/);

    // A session verified through the provider shows where the person came from in its case view.
    await page.getByRole('button', { name: 'Enable Smart-ID' }).click();
    await page.getByRole('button', { name: 'Disable Smart-ID' }).waitFor();
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'eID',
      checks: [{ type: 'eid', config: {} }],
    });
    const s = await server.api.json('POST', '/v1/sessions', { workflowId: w.body.id });
    const publicBase = server.config.publicUrl;
    const back = await signIn(
      `${publicBase}${new URL(s.body.url).pathname}/eid/smartid/start`,
      '19900101-1234',
    );
    expect(back.searchParams.get('eid')).toBe('done');
    await waitFor(async () => (await server.api.json('GET', `/v1/sessions/${s.body.id}`)).body.decidedAt);
    await page.goto(`${server.api.base}/console/sessions/${s.body.id}`);
    await page.getByRole('heading', { name: 'Verified by eID' }).waitFor();
    await page.getByText(idp.issuer, { exact: true }).waitFor();
    await screenshot(page, 'eid-case');
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${server.api.base}/console/eid-providers`);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove Smart-ID' }).click();
    await page.getByText('No eID providers yet.').waitFor();
    await context.close();
  });
});
