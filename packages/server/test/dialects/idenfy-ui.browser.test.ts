import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/browser.ts';
import { startTestServer, waitFor } from '../support/harness.ts';
import { idenfyClient } from './idenfy-client.ts';

/**
 * iDenfy's two web integrations against openidv in Chromium: the integrator's page frames the UI with iDenfy's
 * own iFrame snippet (only the host changed from ui.idenfy.com), and the applicant follows the token's
 * `redirectUrl`. Needs Debian's chromium (.ci/run installs it).
 */
if (!existsSync(CHROMIUM) && process.env.CI === 'true') {
  throw new Error(
    'CI needs Debian chromium at /usr/bin/chromium for the iDenfy UI tests (.ci/run installs it).',
  );
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!existsSync(CHROMIUM))(
  'iDenfy iFrame and redirect in Chromium, against /compat/idenfy',
  () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let site: Server;
    let siteUrl: string;
    let idenfy: ReturnType<typeof idenfyClient>;
    let uiBase: string;
    let authToken = '';

    beforeAll(async () => {
      // A fixed port, so that the links the server hands out (its public URL) are real.
      const port = await freePort();
      server = await startTestServer('sqlite', {
        PORT: String(port),
        OPENIDV_PUBLIC_URL: `http://127.0.0.1:${port}`,
        // The integrator's page (another origin) frames the journey, which the deployment must allow.
        OPENIDV_JOURNEY_FRAME_ANCESTORS: '*',
      });
      const created = await server.api.json('POST', '/v1/dialect-credentials', {
        name: 'ui',
        dialect: 'idenfy',
      });
      const credential = created.body as { key: string; secret: string; baseUrl: string };
      idenfy = idenfyClient(credential.baseUrl, credential.key, credential.secret);
      uiBase = credential.baseUrl;
      site = createServer((_req, res) => {
        // iDenfy's embedding snippet, with ui.idenfy.com replaced by the dialect's base URL.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<!doctype html><html><head><meta charset="utf-8"><title>Acme onboarding</title></head><body>
<iframe id="idenfy-iframe" src="${uiBase}/?authToken=${authToken}" allow="camera" allowfullscreen
  style="width:670px; height:800px; border:none;"></iframe></body></html>`,
        );
      });
      await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
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
        await page.goto(siteUrl);
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
  },
);
