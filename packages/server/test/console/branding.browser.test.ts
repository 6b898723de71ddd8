import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from '@openidv/console/build';
import { ensureJourneyBuilt } from '@openidv/journey/build';
import type { Browser, Locator } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE } from '../support/browser.ts';
import { startTestServer } from '../support/harness.ts';
import {
  addStaff,
  axeViolations,
  chromiumAvailable,
  DESKTOP,
  launchChromium,
  overflowX,
  screenshot,
  signIn,
  TABLET,
} from './browser.ts';

/** A computed style of an element (the tests compile without the DOM library, so the page's global is typed here). */
const style = (l: Locator, property: 'backgroundColor' | 'color') =>
  l.evaluate(
    (e, p) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(e)[
        p
      ],
    property,
  );

/**
 * An admin brands the application in the console — name, logo upload, colour — and the applicant journey of a
 * new session shows it. Bad logos and colours too pale to see on white are refused in the form and by the API.
 */
describe.skipIf(!chromiumAvailable())(
  'branding in the console reaches the journey',
  { timeout: 120_000 },
  () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let browser: Browser;
    let dir: string;

    beforeAll(async () => {
      await Promise.all([ensureConsoleBuilt(), ensureJourneyBuilt()]);
      server = await startTestServer('sqlite');
      await addStaff(server.api, ['admin', 'reviewer']);
      dir = mkdtempSync(join(tmpdir(), 'openidv-branding-'));
      browser = await launchChromium();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('the API refuses a colour with less than 3:1 contrast on white, and keeps the stored one', async () => {
      await server.api.json('PATCH', '/v1/application', { branding: { primaryColor: '#1f4f99' } });
      const pale = await server.api.json('PATCH', '/v1/application', {
        branding: { primaryColor: '#FFEE00' },
      });
      expect(pale.status).toBe(400);
      expect(pale.body.error.code).toBe('VALIDATION_FAILED');
      expect(pale.body.error.message).toMatch(/contrast of 1\.\d\d:1 .* at least 3:1/);
      // 3:1 exactly passes: #949494 is 3.03:1 on white.
      const edge = await server.api.json('PATCH', '/v1/application', {
        branding: { primaryColor: '#949494' },
      });
      expect(edge.status).toBe(200);
      const now = await server.api.json('GET', '/v1/application');
      expect(now.body.branding.primaryColor).toBe('#949494');
      await server.api.json('PATCH', '/v1/application', { branding: { primaryColor: null } });
    });

    it('an admin sets name, logo and colour in the console; the journey shows them; axe is clean', async () => {
      const logo = await sharp({ create: { width: 180, height: 48, channels: 3, background: '#7a1f5c' } })
        .png()
        .toBuffer();
      writeFileSync(join(dir, 'logo.png'), logo);
      writeFileSync(join(dir, 'big.png'), Buffer.alloc(150_000, 1));
      writeFileSync(join(dir, 'notes.txt'), 'not an image');

      const context = await browser.newContext(DESKTOP);
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await signIn(page, server.api.base, 'admin');
      await page.getByRole('link', { name: 'Branding' }).click();
      const form = page.getByRole('form', { name: 'Branding' });
      await form.waitFor();
      await expect.poll(() => page.getByLabel('Application name').inputValue()).toBe('Acme');

      // Files the journey cannot show are refused before they are sent.
      await page.getByLabel('Logo').setInputFiles(join(dir, 'notes.txt'));
      await page.getByText('notes.txt is not a PNG, JPEG or WebP image.').waitFor();
      await page
        .getByLabel('Logo')
        .setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(150_000, 1) });
      await page.getByText(/big\.png has 150 kB; at most 100 kB/).waitFor();
      expect(await page.getByRole('button', { name: 'Save branding' }).isDisabled()).toBe(true);
      // A pale yellow would hide the journey's focus rings: the form says so and will not save it.
      await page.getByLabel('Logo').setInputFiles(join(dir, 'logo.png'));
      await page.getByLabel('Primary colour').fill('#ffee00');
      await expect.poll(() => page.locator('#colour-contrast').textContent()).toMatch(/below 3:1/);
      expect(await page.getByRole('button', { name: 'Save branding' }).isDisabled()).toBe(true);
      await screenshot(page, 'branding-01-refused-colour');

      await page.getByLabel('Application name').fill('Nordbank');
      await page.getByLabel('Primary colour').fill('#7a1f5c');
      await expect
        .poll(() => page.locator('#colour-contrast').textContent())
        .toMatch(/Contrast \d+\.\d\d:1 against white/);
      await page.getByLabel('Terms link').fill('https://nordbank.example/terms');
      await page.getByRole('button', { name: 'Save branding' }).click();
      await page.getByText('Saved. New journeys show it at once.').waitFor();
      expect(await overflowX(page), 'branding-02-saved fits the window').toBe(0);
      await screenshot(page, 'branding-02-saved');
      expect(await axeViolations(page)).toEqual([]);

      const app = await server.api.json('GET', '/v1/application');
      expect(app.body).toMatchObject({
        name: 'Nordbank',
        branding: { primaryColor: '#7a1f5c', termsUrl: 'https://nordbank.example/terms', privacyUrl: null },
      });
      expect(Buffer.from(app.body.branding.logo.split(',')[1], 'base64').equals(logo)).toBe(true);

      // The applicant's journey: the logo, the name in the text, buttons in the colour with readable text.
      const s = await server.api.json('POST', '/v1/sessions', { vendorData: 'brand-check' });
      const journey = await browser.newContext({ ...PHONE, locale: 'en-GB' });
      const jp = await journey.newPage();
      await jp.goto(`${server.api.base}${new URL(s.body.url).pathname}`);
      await jp
        .getByText('Nordbank asks you to verify your identity', { exact: false })
        .waitFor({ timeout: 15_000 });
      const shown = jp.getByRole('img', { name: 'Nordbank' });
      expect(await shown.getAttribute('src')).toBe(app.body.branding.logo);
      const start = jp.getByRole('button', { name: 'I agree, start' });
      expect(await style(start, 'backgroundColor')).toBe('rgb(122, 31, 92)');
      expect(await style(start, 'color')).toBe('rgb(255, 255, 255)');
      expect(await jp.getByRole('link', { name: /terms/i }).getAttribute('href')).toBe(
        'https://nordbank.example/terms',
      );
      expect(await overflowX(jp), 'branding-03-journey fits the window').toBe(0);
      await screenshot(jp, 'branding-03-journey');
      expect(await axeViolations(jp)).toEqual([]);
      await journey.close();

      // Removing the logo puts the name back at the top of the journey.
      await page.getByRole('button', { name: 'Remove logo' }).click();
      await page.getByRole('button', { name: 'Save branding' }).click();
      await expect
        .poll(async () => (await server.api.json('GET', '/v1/application')).body.branding.logo)
        .toBeNull();
      expect(errors).toEqual([]);
      await context.close();

      const tablet = await browser.newContext(TABLET);
      const tp = await tablet.newPage();
      await signIn(tp, server.api.base, 'admin');
      await tp.goto(`${server.api.base}/console/branding`);
      await tp.getByRole('form', { name: 'Branding' }).waitFor();
      expect(await overflowX(tp), 'branding-04-tablet fits the window').toBe(0);
      await screenshot(tp, 'branding-04-tablet');
      expect(await axeViolations(tp)).toEqual([]);
      await tablet.close();
    });

    it('a reviewer can neither open the branding page nor change branding through the API', async () => {
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      await signIn(page, server.api.base, 'reviewer');
      expect(await page.getByRole('link', { name: 'Branding' }).count()).toBe(0);
      await page.goto(`${server.api.base}/console/branding`);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
      const statuses = await page.evaluate(async () => {
        const me = (await (await fetch('/v1/auth/session')).json()) as { csrfToken: string };
        const read = await fetch('/v1/application');
        const change = await fetch('/v1/application', {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ name: 'Hijacked' }),
        });
        return [read.status, change.status];
      });
      expect(statuses).toEqual([403, 403]);
      expect((await server.api.json('GET', '/v1/application')).body.name).toBe('Nordbank');
      await context.close();
    });
  },
);
