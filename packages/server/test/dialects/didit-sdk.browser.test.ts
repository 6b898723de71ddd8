import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensureJourneyBuilt } from '@openidv/journey/build';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  chromiumAvailable,
  fakeCamera,
  launchChromium,
  PHONE,
} from '../support/browser.ts';
import { issueDialectCredential, startReceiver, waitFor } from '../support/harness.ts';
import { startIntegratorSite, startTestServerForIntegrators } from '../support/integrator-site.ts';
import { diditClient, verifyDiditWebhook } from './didit-client.ts';

/**
 * Didit's own web SDK against openidv: the integrator's backend creates a session through `/compat/didit`, and
 * `@didit-protocol/sdk-web`, unmodified, opens the session URL in its modal on the integrator's page (another
 * origin), the applicant goes through the journey in it, and the SDK's onEvent and onComplete hear Didit's
 * frame messages. Needs Debian's chromium (.ci/run installs it), and ffmpeg for the fake camera.
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
  window.diditData = [];
  DiditSdk.shared.onEvent = function (event) {
    window.diditEvents.push(event.type);
    window.diditData.push({ type: event.type, data: event.data });
  };
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
    await ensureJourneyBuilt();
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
  /** The integrator's page with the SDK for a session, on another origin; returns the journey's frame. */
  async function openInSdk(tab: Page, url: string): Promise<Frame> {
    const site = await startIntegratorSite({
      '/': ['text/html; charset=utf-8', integratorPage(url)],
      '/didit-sdk.umd.min.js': ['text/javascript', sdkWeb],
    });
    sites.push(site);
    await tab.goto(site.url);
    await tab.click('#verify');
    const frame = await waitFor(async () => tab.frames().find((f) => f.url() === url), 15_000, 'the frame');
    await frame.locator('h1').first().waitFor();
    return frame;
  }
  const sites: { close(): Promise<void> }[] = [];
  type Seen = { type: string; data?: Record<string, unknown> };
  const seen = (tab: Page) => tab.evaluate(() => (globalThis as unknown as { diditData: Seen[] }).diditData);
  const result = (tab: Page) =>
    tab.evaluate(
      () =>
        (globalThis as unknown as { diditResult?: { type: string; session?: Record<string, unknown> } })
          .diditResult ?? null,
    );

  it.runIf(browserAvailable())(
    "the applicant completes the journey in the SDK's modal with the camera: Didit's messages reach onEvent and onComplete",
    async () => {
      const didit = diditClient(`${server.api.base}/compat/didit`, credential.key);
      const created = await didit.createSession({ vendor_data: 'browser-user-10' });
      expect(created.status).toBe(201);
      const { session_id: id, url } = created.body as { session_id: string; url: string };
      const camera = fakeCamera('didit-sdk');
      const browser = await launchChromium(camera.file);
      try {
        const tab = await (await browser.newContext(PHONE)).newPage();
        const failures: string[] = [];
        tab.on('pageerror', (e) => failures.push(e.message));
        const frame = await openInSdk(tab, url);
        const heading = () => frame.locator('h1').first().textContent();
        await expect.poll(heading, { timeout: 15_000 }).toBe('Verify your identity');
        await frame.getByRole('button', { name: 'I agree, start' }).click();
        await frame.getByLabel('Passport').check();
        await frame.getByRole('button', { name: 'Continue' }).click();
        const take = frame.getByRole('button', { name: 'Take photo' });
        await expect.poll(() => take.isEnabled(), { timeout: 15_000 }).toBe(true);
        await take.click();
        camera.shows(camera.face);
        await frame.getByRole('button', { name: 'Use this photo' }).click();
        await expect.poll(heading, { timeout: 15_000 }).toBe('Take a selfie');
        await expect.poll(() => take.isEnabled(), { timeout: 15_000 }).toBe(true);
        await take.click();
        await frame.getByRole('button', { name: 'Use this photo' }).click();
        await expect.poll(heading, { timeout: 15_000 }).toBe('Ready to send');
        expect(await result(tab)).toBeNull();
        await frame.getByRole('button', { name: 'Send verification' }).click();

        const done = (await waitFor(async () => result(tab), 15_000, "the SDK's onComplete"))!;
        expect(done.type).toBe('completed');
        expect(done.session?.['sessionId']).toBe(id);
        const events = await seen(tab);
        // The SDK hands every message of its frame to onEvent: openidv's own ({source: "openidv"}) too.
        expect(events.map((e) => e.type)).toContain('finished');
        const [own, ...from] = events.filter((e) => e.type.startsWith('didit:'));
        // The SDK's own didit:started comes first; then the journey's, each with the Didit id.
        expect(own).toEqual({ type: 'didit:started', data: {} });
        expect(from.filter((e) => e.data?.['sessionId'] !== id)).toEqual([]);
        expect(from.map((e) => e.type)).toContain('didit:ready');
        expect(from.map((e) => e.type)).toContain('didit:started');
        expect(from.filter((e) => e.type === 'didit:step_started').map((e) => e.data?.['step'])).toEqual([
          'document_selection',
          'document_front',
          'face',
        ]);
        expect(from.at(-1)).toMatchObject({ type: 'didit:completed', data: { sessionId: id } });
        // Sent at the submission: undecided then ("Pending"), unless the checks had already decided.
        const decision = await waitFor(
          async () => {
            const d = await didit.decision(id);
            return ['Approved', 'Declined'].includes(d.body.status) && d.body;
          },
          60_000,
          'the decision',
        );
        expect(['Pending', decision.status]).toContain(done.session?.['status']);
        expect(failures).toEqual([]);
      } finally {
        await browser.close();
        camera.remove();
      }
    },
    120_000,
  );

  it("the applicant declines in the SDK's modal: onComplete says cancelled, with the session, and the modal closes", async () => {
    const didit = diditClient(`${server.api.base}/compat/didit`, credential.key);
    const created = await didit.createSession({ vendor_data: 'browser-user-11' });
    const { session_id: id, url } = created.body as { session_id: string; url: string };
    const browser = await launchChromium();
    try {
      const tab = await (await browser.newContext(PHONE)).newPage();
      const frame = await openInSdk(tab, url);
      await expect
        .poll(() => frame.locator('h1').first().textContent(), { timeout: 15_000 })
        .toBe('Verify your identity');
      await frame.getByRole('button', { name: 'No, cancel' }).click();
      await frame.getByRole('button', { name: 'Yes, cancel' }).click();
      const done = (await waitFor(async () => result(tab), 15_000, "the SDK's onComplete"))!;
      expect(done).toEqual({ type: 'cancelled', session: { sessionId: id, status: 'Pending' } });
      expect((await seen(tab)).at(-1)).toMatchObject({ type: 'didit:cancelled', data: { sessionId: id } });
      await expect.poll(() => tab.frames().some((f) => f.url() === url), { timeout: 10_000 }).toBe(false);
      expect((await didit.decision(id)).body.status).toBe('Abandoned');
    } finally {
      await browser.close();
    }
  }, 60_000);

  afterAll(async () => {
    for (const site of sites) await site.close();
  });
});
