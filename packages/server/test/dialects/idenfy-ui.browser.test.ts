import { ensureJourneyBuilt } from '@openidv/journey/build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, PHONE } from '../support/browser.ts';
import { issueDialectCredential, waitFor } from '../support/harness.ts';
import { startIntegratorSite, startTestServerForIntegrators } from '../support/integrator-site.ts';
import { idenfyClient } from './idenfy-client.ts';

/**
 * iDenfy's two web integrations against openidv in Chromium: the integrator's page frames the UI with iDenfy's
 * own iFrame snippet (only the host changed from ui.idenfy.com), and the applicant follows the token's
 * `redirectUrl`; at the end the applicant lands on the token's successUrl, errorUrl or unverifiedUrl by outcome.
 * Needs Debian's chromium (.ci/run installs it).
 */
describe.skipIf(!chromiumAvailable())(
  'iDenfy iFrame and redirect in Chromium, against /compat/idenfy',
  () => {
    let server: Awaited<ReturnType<typeof startTestServerForIntegrators>>;
    let site: Awaited<ReturnType<typeof startIntegratorSite>>;
    let idenfy: ReturnType<typeof idenfyClient>;
    let uiBase: string;
    let authToken = '';

    beforeAll(async () => {
      await ensureJourneyBuilt();
      // Test mode: dummyStatus gives a session its result at once, without photos.
      server = await startTestServerForIntegrators({ OPENIDV_TEST_MODE: 'true' });
      const credential = await issueDialectCredential(server.api, { name: 'ui', dialect: 'idenfy' });
      idenfy = idenfyClient(credential.baseUrl, credential.key, credential.secret);
      uiBase = credential.baseUrl;
      site = await startIntegratorSite({
        // iDenfy's embedding snippet, with ui.idenfy.com replaced by the dialect's base URL.
        '/': [
          'text/html; charset=utf-8',
          () => `<!doctype html><html><head><meta charset="utf-8"><title>Acme onboarding</title></head><body>
<iframe id="idenfy-iframe" src="${uiBase}/?authToken=${authToken}" allow="camera" allowfullscreen
  style="width:670px; height:800px; border:none;"></iframe></body></html>`,
        ],
        ...Object.fromEntries(
          ['ok', 'failed', 'unverified'].map((outcome) => [
            `/kyc/${outcome}`,
            [
              'text/html; charset=utf-8',
              `<!doctype html><html><head><title>Acme: ${outcome}</title></head><body><h1>${outcome}</h1></body></html>`,
            ] as const,
          ]),
        ),
      });
    });
    afterAll(async () => {
      await site?.close();
      await server?.close();
    });

    it('opens the journey in the integrator’s iFrame and at the redirect URL', async () => {
      const token = await idenfy.token({ clientId: 'browser-user-1', locale: 'en' });
      expect(token.status).toBe(201);
      authToken = token.body.authToken;
      const journey = `${new URL(uiBase).origin}/j/${authToken}`;
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const failures: string[] = [];
        page.on('pageerror', (e) => failures.push(e.message));
        await page.goto(site.url);
        const frame = await waitFor(
          async () => page.frames().find((f) => f.url() === journey),
          10_000,
          `the journey frame (frames: ${page
            .frames()
            .map((f) => f.url())
            .join(', ')})`,
        );
        await frame.waitForLoadState();
        await frame.locator('h1').first().waitFor();
        expect(await frame.locator('h1').first().textContent()).toMatch(
          /verification|phone|consent|identity/i,
        );

        const redirected = await browser.newPage();
        await redirected.goto(token.body.redirectUrl);
        expect(redirected.url()).toBe(journey);
        await redirected.locator('h1').first().waitFor();
        expect(failures).toEqual([]);
        // Opening the UI does not use the token up: it is still ACTIVE until the applicant finishes.
        expect((await idenfy.status(token.body.scanRef)).body.status).toBe('ACTIVE');
      } finally {
        await browser.close();
      }
    });

    it('sends the applicant at the end to successUrl, errorUrl or unverifiedUrl by outcome', async () => {
      const urls = {
        successUrl: `${site.url}kyc/ok`,
        errorUrl: `${site.url}kyc/failed`,
        unverifiedUrl: `${site.url}kyc/unverified`,
      };
      const browser = await launchChromium();
      try {
        const context = await browser.newContext({ ...PHONE, locale: 'en-GB' });
        const failures: string[] = [];
        const landed: Record<string, string> = {};
        for (const dummyStatus of ['APPROVED', 'DENIED']) {
          const token = await idenfy.token({ clientId: `browser-${dummyStatus}`, dummyStatus, ...urls });
          expect(token.status).toBe(201);
          const page = await context.newPage();
          page.on('pageerror', (e) => failures.push(e.message));
          await page.goto(token.body.redirectUrl);
          // The journey's end page, then on through the result page to the integrator.
          await page.waitForURL((u) => u.href.startsWith(site.url), { timeout: 30_000 });
          landed[dummyStatus] = page.url();
        }
        // The applicant declines at the consent screen: cancelled, nothing analysed.
        const token = await idenfy.token({ clientId: 'browser-cancel', ...urls });
        const page = await context.newPage();
        page.on('pageerror', (e) => failures.push(e.message));
        await page.goto(token.body.redirectUrl);
        await page.getByRole('button', { name: 'No, cancel' }).click();
        await page.getByRole('button', { name: 'Yes, cancel' }).click();
        await page.waitForURL((u) => u.href.startsWith(site.url), { timeout: 30_000 });
        landed['cancelled'] = page.url();
        expect(landed).toEqual({
          APPROVED: urls.successUrl,
          DENIED: urls.errorUrl,
          cancelled: urls.unverifiedUrl,
        });
        expect(await page.locator('h1').textContent()).toBe('unverified');
        expect(failures).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  },
);
