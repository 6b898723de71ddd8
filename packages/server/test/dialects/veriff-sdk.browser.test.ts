import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { issueDialectCredential, startReceiver, waitFor } from '../support/harness.ts';
import { startIntegratorSite, startTestServerForIntegrators } from '../support/integrator-site.ts';

/**
 * Veriff's own browser libraries against openidv: `@veriff/js-sdk` (only its `host` points at
 * `/compat/veriff`) creates a session from an integrator's page on another origin, and `@veriff/incontext-sdk`
 * opens the returned URL in its frame. Needs Debian's chromium (.ci/run installs it).
 */
const require = createRequire(import.meta.url);
const jsSdk = readFileSync(require.resolve('@veriff/js-sdk'), 'utf8');
const inContext = readFileSync(
  join(dirname(require.resolve('@veriff/incontext-sdk/package.json')), 'dist/v2.5.0/veriff.js'),
  'utf8',
);

/** The integrator's page, served from its own origin. */
function integratorPage(apiBase: string, apiKey: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Acme onboarding</title></head><body>
<div id="veriff-root" style="width:400px"></div>
<script>var module = { exports: {} };</script>
<script src="/veriff-js-sdk.js"></script>
<script src="/veriff-incontext.js"></script>
<script>
  const veriff = module.exports.Veriff({
    host: ${JSON.stringify(apiBase)},
    apiKey: ${JSON.stringify(apiKey)},
    parentId: 'veriff-root',
    onSession: function (err, response) {
      window.sessionResult = { err, response };
      if (response) {
        window.veriffSDK.createVeriffFrame({
          url: response.verification.url,
          onEvent: function (msg) { (window.frameEvents = window.frameEvents || []).push(msg); },
        });
      }
    },
  });
  veriff.setParams({ person: { givenName: 'Anna', lastName: 'Meier' }, vendorData: 'browser-user-7' });
  veriff.mount({ submitBtnText: 'Get verified' });
</script></body></html>`;
}

describe.skipIf(!chromiumAvailable())(
  'Veriff JS SDK and InContext SDK in Chromium, against /compat/veriff',
  () => {
    let server: Awaited<ReturnType<typeof startTestServerForIntegrators>>;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let site: Awaited<ReturnType<typeof startIntegratorSite>>;
    let credential: { key: string; secret: string };

    beforeAll(async () => {
      // The InContext SDK frames the journey in the integrator's page (here on an ephemeral port).
      server = await startTestServerForIntegrators();
      receiver = await startReceiver();
      credential = await issueDialectCredential(server.api, {
        name: 'browser',
        dialect: 'veriff',
        webhookUrl: receiver.url,
      });
      site = await startIntegratorSite({
        '/': ['text/html; charset=utf-8', integratorPage(`${server.api.base}/compat/veriff`, credential.key)],
        '/veriff-js-sdk.js': ['text/javascript', jsSdk],
        '/veriff-incontext.js': ['text/javascript', inContext],
      });
    });
    afterAll(async () => {
      await site?.close();
      await receiver?.close();
      await server?.close();
    });

    it('the JS SDK creates a session and gets the journey URL; the InContext SDK opens it in its frame', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const failures: string[] = [];
        page.on('pageerror', (e) => failures.push(e.message));
        await page.goto(site.url); // another origin than the API
        // The SDK renders its form (names given by setParams, so only the button) and posts on submit.
        await page.click('#veriff-root input[type="submit"]');
        await page.waitForFunction(
          () => (globalThis as unknown as { sessionResult?: unknown }).sessionResult,
          null,
          {
            timeout: 10_000,
          },
        );
        const result = (await page.evaluate(
          () => (globalThis as unknown as { sessionResult: unknown }).sessionResult,
        )) as {
          err: unknown;
          response: {
            status: string;
            verification: { id: string; url: string; status: string; vendorData: string };
          };
        };
        expect(result.err).toBeNull();
        expect(result.response.status).toBe('success');
        const v = result.response.verification;
        expect(v.status).toBe('created');
        expect(v.vendorData).toBe('browser-user-7');
        expect(new URL(v.url).pathname).toMatch(/^\/j\/[A-Za-z0-9_-]+$/);

        // The InContext SDK put our journey into its iframe; opening it starts the session (Veriff event 7001).
        const frame = await waitFor(
          async () => page.frames().find((f) => f.url() === v.url),
          10_000,
          `the journey frame (frames: ${page
            .frames()
            .map((f) => f.url())
            .join(', ')}; errors: ${failures.join('; ')})`,
        );
        await frame.waitForLoadState();
        // The applicant journey runs in the frame (on a desktop viewport it first offers the phone hand-off).
        await frame.locator('h1').first().waitFor();
        expect(await frame.locator('h1').first().textContent()).toMatch(
          /verification|phone|consent|identity/i,
        );
        const started = await waitFor(
          async () =>
            receiver.received.find((h) => (h.json as unknown as { id: string; action?: string }).id === v.id),
          10_000,
          'the started event webhook',
        );
        expect(started.json).toMatchObject({
          id: v.id,
          action: 'started',
          code: 7001,
          vendorData: 'browser-user-7',
        });
        expect(failures).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  },
);
