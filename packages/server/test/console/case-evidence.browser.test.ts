import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from '@openidv/console/build';
import { renderSyntheticDocument } from '@openidv/document-reader/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/platform/platform.ts';
import { importList } from '../../src/usecases/screening/import-list.ts';
import { ofacXml } from '../screening/lists.ts';
import { ROOT } from '../support/browser.ts';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';
import {
  addStaff,
  axeViolations,
  chromiumAvailable,
  DESKTOP,
  fillSignIn,
  launchChromium,
  overflowX,
  screenshot,
  TABLET,
} from './browser.ts';

const PASSPORT = readFileSync(join(ROOT, 'examples/fixtures/specimen-passport-td3.jpg'));
const SELFIE = readFileSync(join(ROOT, 'packages/biometrics/fixtures/person-a.jpg'));

/** Every check that leaves evidence a reviewer must see, each sending its failures to a person. */
const WORKFLOW = {
  name: 'Evidence for the reviewer',
  checks: [
    { type: 'document', config: { minAge: 18 }, action: 'review' },
    { type: 'face-match', config: {}, action: 'review' },
    {
      type: 'active-liveness',
      config: { steps: ['move-closer', 'move-back'], stepCount: 2 },
      action: 'review',
    },
    { type: 'aml', config: {}, action: 'review' },
  ],
};

/** A camera frame: the face `faceWidth` px wide on a 640×480 background, as a phone sees it move. */
async function frame(faceWidth: number, background: number): Promise<Buffer> {
  const face = await sharp(SELFIE).resize({ width: faceWidth }).toBuffer();
  const { height = 0 } = await sharp(face).metadata();
  return sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: background, g: 90, b: 120 } },
  })
    .composite([
      {
        input: face,
        left: Math.round((640 - faceWidth) / 2),
        top: Math.max(0, Math.round((480 - height) / 2)),
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * The case view shows the evidence behind each check, from a real run of the pipeline: the MRZ with each check
 * digit marked, the document portrait beside the selfie with score and threshold, the liveness challenge's frames
 * as a strip, and the sanctions hit with the list entry and the per-feature explanation. Every image zooms.
 */
describe.skipIf(!chromiumAvailable())('the evidence in the case view', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let full: string;
  let badDigit: string;
  let frames: number;

  async function decided(id: string) {
    await server.api.json('PATCH', `/v1/sessions/${id}`, { status: 'submitted' });
    return waitFor(
      async () => {
        const r = await server.api.json('GET', `/v1/sessions/${id}/decision`);
        return r.body.status !== 'pending' && r.body;
      },
      120_000,
      'the decision',
    );
  }

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    await addStaff(server.api, ['reviewer']);
    // A list naming the ICAO specimen's holder, so screening her passport hits.
    const dir = mkdtempSync(join(tmpdir(), 'openidv-evidence-'));
    try {
      const list = join(dir, 'sdn.xml');
      writeFileSync(
        list,
        ofacXml('11/20/2026', [{ uid: 770001, first: 'Anna Maria', last: 'ERIKSSON', dob: '12 Aug 1974' }]),
      );
      const platform = await createPlatform(server.config);
      try {
        await importList(platform, [list]);
      } finally {
        await platform.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const workflowId = (await server.api.json('POST', '/v1/workflows', WORKFLOW)).body.id;

    // The specimen passport, a selfie, and the challenge done in front of the camera.
    full = (await server.api.json('POST', '/v1/sessions', { workflowId, vendorData: 'evidence-anna' })).body
      .id;
    const challenge = (await server.api.json('POST', `/v1/sessions/${full}/liveness-challenge`)).body;
    await server.api.request('POST', `/v1/sessions/${full}/media`, multipart('document-front', PASSPORT));
    await server.api.request('POST', `/v1/sessions/${full}/media`, multipart('face', SELFIE));
    const sizes = [300];
    for (const s of challenge.steps as string[])
      sizes.push(s === 'move-closer' ? sizes.at(-1)! * 1.45 : sizes.at(-1)! / 1.45);
    frames = sizes.length;
    for (const [i, w] of sizes.entries())
      await server.api.request(
        'POST',
        `/v1/sessions/${full}/media`,
        multipart('liveness', await frame(Math.round(w), 60 + i * 30)),
      );

    // A TD2 card whose composite check digit is wrong.
    badDigit = (await server.api.json('POST', '/v1/sessions', { workflowId, vendorData: 'evidence-digit' }))
      .body.id;
    const card = await renderSyntheticDocument({
      mrz: ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<5'],
      width: 900,
    });
    await server.api.request(
      'POST',
      `/v1/sessions/${badDigit}/media`,
      multipart('document-front', card, 'card.png', 'image/png'),
    );
    const [a, b] = await Promise.all([decided(full), decided(badDigit)]);
    expect(a.status).toBe('review');
    expect(b.status).toBe('review');
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openCase(page: Page, id: string) {
    await page.goto(`${server.api.base}/console/sessions/${id}`);
    // The console renders after its script loads: wait for the sign-in form or the case, whichever it shows.
    const heading = page.getByRole('heading', { name: `Session ${id}` });
    await page.getByLabel('Email').or(heading).first().waitFor();
    if (await page.getByLabel('Email').isVisible()) {
      await fillSignIn(page, 'reviewer');
    }
    await heading.waitFor();
  }
  const loaded = (img: Locator) =>
    expect
      .poll(() => img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(20);
  const check = (page: Page, type: string) => page.getByRole('article', { name: `${type} check` });

  it('shows the MRZ with valid digits, both faces with score and threshold, the frames and the explained hit', async () => {
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openCase(page, full);

    // MRZ: the specimen's two lines, every check digit marked valid.
    const doc = check(page, 'document');
    await expect.poll(() => doc.locator('pre.mrz').textContent()).toContain('P<UTOERIKSSON<<ANNA<MARIA');
    expect(await doc.locator('mark.digit-ok').count()).toBe(5);
    expect(await doc.locator('mark.digit-bad').count()).toBe(0);
    expect(await doc.getByRole('row', { name: /Date of birth/ }).textContent()).toMatch(
      /line 2, position 20: 2\s*valid/,
    );

    // Face match: the document portrait beside the selfie, the score below the threshold.
    const face = check(page, 'face-match');
    await loaded(face.getByRole('img', { name: 'Document portrait' }));
    await loaded(face.getByRole('img', { name: 'Selfie' }));
    const decision = (await server.api.json('GET', `/v1/sessions/${full}/decision`)).body;
    const fm = decision.checks.find((c: { type: string }) => c.type === 'face-match');
    expect(await face.locator('.similarity').textContent()).toBe(
      `Similarity ${fm.score.toFixed(3)} < threshold ${fm.threshold.toFixed(3)}: not the same person · model ${fm.evidence.model}`,
    );

    // Liveness: every frame in order, the completed steps marked.
    const strip = check(page, 'active-liveness').getByRole('list', { name: /Liveness frames/ });
    expect(await strip.getByRole('img').count()).toBe(frames);
    await loaded(strip.getByRole('img', { name: `Liveness frame 1 of ${frames}` }));
    const al = decision.checks.find((c: { type: string }) => c.type === 'active-liveness');
    expect(await strip.locator('li.done').count()).toBe(al.evidence.completed?.length ?? 0);

    // Screening: the entry, its list, and why it matched, feature by feature.
    const hit = check(page, 'aml').getByRole('article', { name: /Hit .*ERIKSSON/i });
    await hit.waitFor();
    expect(await hit.textContent()).toMatch(/List.*OFAC/);
    expect(await hit.textContent()).toContain('770001');
    const why = hit.getByRole('table', { name: 'Why it matched' });
    const aml = decision.checks.find((c: { type: string }) => c.type === 'aml');
    expect(await why.locator('tbody tr').count()).toBe(aml.evidence.hits[0].explanation.length);
    expect(await why.getByRole('rowheader', { name: 'Name' }).count()).toBe(1);
    // Nothing widens the page beyond the window (long MRZ values wrap).
    expect(await overflowX(page)).toBe(0);
    await screenshot(page, 'evidence-01-case');
    expect(await axeViolations(page)).toEqual([]);

    // Every image zooms: the document portrait, then a liveness frame.
    await face.getByRole('button', { name: 'Zoom Document portrait' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/125%/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await strip.getByRole('button', { name: `Zoom Liveness frame 2 of ${frames}` }).click();
    await loaded(page.getByRole('dialog').getByRole('img'));
    await screenshot(page, 'evidence-02-frame-zoomed');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks the check digit that failed, in the lines and in the table; on a tablet too', async () => {
    const context = await browser.newContext(TABLET);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await openCase(page, badDigit);
    const doc = check(page, 'document');
    await doc.locator('pre.mrz').waitFor();
    const bad = doc.locator('mark.digit-bad');
    expect(await bad.count()).toBe(1);
    expect(await bad.getAttribute('title')).toBe('Composite check digit: invalid');
    expect(await doc.getByRole('row', { name: /Composite/ }).textContent()).toMatch(
      /line 2, position 36: 5\s*invalid/,
    );
    expect(await doc.locator('mark.digit-ok').count()).toBe(3);
    expect(await overflowX(page)).toBe(0);
    await screenshot(page, 'evidence-03-tablet-bad-digit');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
