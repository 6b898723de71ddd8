import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/browser.ts';
import { issueDialectCredential, startReceiver, waitFor } from '../support/harness.ts';
import { startIntegratorSite, startTestServerForIntegrators } from '../support/integrator-site.ts';
import { diditClient, verifyDiditWebhook } from './didit-client.ts';

/**
 * Didit's own web SDK against openidv: the integrator's backend creates a session through `/compat/didit`, and
 * `@didit-protocol/sdk-web`, unmodified, opens the session URL in its modal on the integrator's page (another
 * origin). Needs Debian's chromium (.ci/run installs it).
 */
const require = createRequire(import.meta.url);
// The package exports only its module entries; the UMD build sits next to them in dist/.
const sdkWeb = readFileSync(
  join(dirname(require.resolve('@didit-protocol/sdk-web')), 'didit-sdk.umd.min.js'),
  'utf8',
);

/** The integrator's page: Didit's documented script-tag integration, given the URL its backend got. */
function integratorPage(sessionUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Acme onboarding</title></head><body>
<button id="verify">Verify identity</button>
<script src="/didit-sdk.umd.min.js"></script>
<script>
  const { DiditSdk } = DiditSDK;
  window.diditEvents = [];
  DiditSdk.shared.onEvent = function (event) { window.diditEvents.push(event.type); };
  DiditSdk.shared.onComplete = function (result) { window.diditResult = result; };
  document.getElementById('verify').onclick = function () {
    DiditSdk.shared.startVerification({ url: ${JSON.stringify(sessionUrl)} });
  };
</script></body></html>`;
}

describe.skipIf(!chromiumAvailable())('Didit web SDK in Chromium, against /compat/didit', () => {
  let server: Awaited<ReturnType<typeof startTestServerForIntegrators>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let credential: { key: string; secret: string };

  beforeAll(async () => {
    server = await startTestServerForIntegrators();
    receiver = await startReceiver();
    credential = await issueDialectCredential(server.api, {
      name: 'browser',
      dialect: 'didit',
      webhookUrl: receiver.url,
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  it("opens the session URL from /compat/didit in the SDK's modal; the start is a signed In Progress webhook", async () => {
    const didit = diditClient(`${server.api.base}/compat/didit`, credential.key);
    const created = await didit.createSession({ vendor_data: 'browser-user-9' });
    expect(created.status).toBe(201);
    const { session_id: id, url } = created.body as { session_id: string; url: string };

    const site = await startIntegratorSite({
      '/': ['text/html; charset=utf-8', integratorPage(url)],
      '/didit-sdk.umd.min.js': ['text/javascript', sdkWeb],
    });
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const failures: string[] = [];
      tab.on('pageerror', (e) => failures.push(e.message));
      await tab.goto(site.url); // another origin than the API
      await tab.click('#verify');
      const frame = await waitFor(
        async () => tab.frames().find((f) => f.url() === url),
        15_000,
        `the journey in the SDK's frame (frames: ${tab
          .frames()
          .map((f) => f.url())
          .join(', ')}; errors: ${failures.join('; ')})`,
      );
      await frame.waitForLoadState();
      await frame.locator('h1').first().waitFor();
      expect(await frame.locator('h1').first().textContent()).toMatch(/verification|phone|consent|identity/i);
      expect(
        await tab.evaluate(() => (globalThis as unknown as { diditEvents: string[] }).diditEvents),
      ).toContain('didit:started');

      const hook = await waitFor(
        async () =>
          receiver.received.find((h) => (h.json as unknown as { session_id: string }).session_id === id),
        15_000,
        'the In Progress webhook',
      );
      expect(hook.json).toMatchObject({
        session_id: id,
        status: 'In Progress',
        vendor_data: 'browser-user-9',
      });
      expect(verifyDiditWebhook(hook.body, hook.headers, credential.secret)).toEqual({
        raw: true,
        v2: true,
        simple: true,
      });
      expect(failures).toEqual([]);
    } finally {
      await browser.close();
      await site.close();
    }
  });
});
