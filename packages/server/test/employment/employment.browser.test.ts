import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureJourneyBuilt } from '@openidv/journey/build';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, DESKTOP, launchChromium, ROOT } from '../support/browser.ts';
import { waitFor } from '../support/harness.ts';
import {
  employmentSessionBody,
  payslip,
  recentMonthEnds,
  startEmploymentServer,
} from './employment-fixture.ts';

const require = createRequire(import.meta.url);

/**
 * A page that draws a PDF's first page on a canvas with pdf.js (the build unpdf ships), so the report can be
 * looked at as an image: Chromium's own PDF viewer draws nothing in headless mode.
 */
async function startPdfViewer(pdf: Buffer): Promise<{ url: string; server: Server }> {
  const pdfjs = readFileSync(join(require.resolve('unpdf').replace(/index\.(c|m)js$/, ''), 'pdfjs.mjs'));
  const page = `<!doctype html><html lang="en"><title>report</title><body style="margin:0;background:#fff">
<canvas id="c"></canvas><script type="module">
import { getDocument } from '/pdfjs.mjs';
const data = new Uint8Array(await (await fetch('/report.pdf')).arrayBuffer());
const doc = await getDocument({ data }).promise;
const p = await doc.getPage(1);
const viewport = p.getViewport({ scale: 1.5 });
const canvas = document.getElementById('c');
canvas.width = viewport.width; canvas.height = viewport.height;
await p.render({ canvasContext: canvas.getContext('2d'), viewport, canvas }).promise;
document.body.dataset.rendered = String(doc.numPages);
</script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/pdfjs.mjs') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(pdfjs);
    if (req.url === '/report.pdf') return res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe.skipIf(!browserAvailable())('employment journey in Chromium', () => {
  let env: Awaited<ReturnType<typeof startEmploymentServer>>;
  let browser: Browser;
  beforeAll(async () => {
    await ensureJourneyBuilt();
    [env, browser] = await Promise.all([startEmploymentServer('sqlite'), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('a candidate proves one employer by a connected source and one by payslips; the business gets timeline, comparison, report and webhook', async () => {
    const created = await env.server.api.json('POST', '/v1/sessions', employmentSessionBody(env.workflowId));
    expect(created.status).toBe(201);
    const dir = mkdtempSync(join(tmpdir(), 'openidv-payslips-'));
    const files = await Promise.all(
      recentMonthEnds(3).map(async (date) => {
        const file = join(dir, `payslip-${date}.pdf`);
        writeFileSync(file, await payslip(date));
        return file;
      }),
    );

    const context = await browser.newContext({ ...DESKTOP, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(created.body.url);

    // Consent names the business and every source.
    await page.getByRole('heading', { name: 'Prove your employment and income' }).waitFor();
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Acme receives your employment and income records from',
    );
    await expect(page.locator('main li').allInnerTexts()).resolves.toEqual(['Test Payroll']);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'I agree, start' }).click();

    // Globex: connect the payroll source, sign in and consent there, come back.
    await page.getByRole('heading', { name: 'Your jobs' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const globex = page.locator('li.job', { hasText: 'Globex' });
    await globex.getByRole('button', { name: 'Connect Test Payroll' }).click();
    await page.waitForURL((u) => u.href.startsWith(env.source.issuer));
    await page.locator('input[name=login]').fill('jane');
    await page.locator('input[name=password]').fill('any');
    await page.locator('button[type=submit]').first().click();
    await page.locator('button[autofocus]').click();
    await page.waitForURL(created.body.url);
    await globex.getByText('Proven by Test Payroll').waitFor();

    // Acme Widgets: the payslips made above.
    const acme = page.locator('li.job', { hasText: 'Acme Widgets' });
    await acme.locator('input[type=file]').setInputFiles(files);
    await acme.getByText('Documents uploaded: 3').waitFor();
    await page.screenshot({ path: join(ROOT, 'test-results/employment/jobs.png'), fullPage: true });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send verification' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await context.close();

    // The business: webhook, result and report.
    const hook = await waitFor(
      async () =>
        env.receiver.received.find(
          (h) => h.json.type === 'employment.completed' && h.json.data.sessionId === created.body.id,
        ),
      60_000,
      'the employment.completed webhook',
    );
    expect(
      hook.json.data.comparison.map((c: { employer: string; status: string }) => [c.employer, c.status]),
    ).toEqual([
      ['Globex', 'verified'],
      ['Acme Widgets', 'verified'],
    ]);
    expect(hook.json.data.timeline.map((t: { sources: { kind: string }[] }) => t.sources[0]!.kind)).toEqual([
      'connector',
      'document',
    ]);
    const report = await env.server.api.request('GET', `/v1/sessions/${created.body.id}/report.pdf`);
    expect(report.status).toBe(200);
    const pdf = Buffer.from(await report.arrayBuffer());

    const viewer = await startPdfViewer(pdf);
    try {
      const view = await browser.newPage({ viewport: { width: 900, height: 1270 } });
      await view.goto(viewer.url);
      await view.waitForSelector('body[data-rendered]', { timeout: 30_000 });
      const png = await view
        .locator('#c')
        .screenshot({ path: join(ROOT, 'test-results/employment/report.png') });
      await view.close();
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      let ink = 0;
      let green = 0;
      for (let i = 0; i < data.length; i += info.channels) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (r + g + b < 450) ink++;
        if (g > 100 && r < 80 && b < 100) green++;
      }
      const pixels = info.width * info.height;
      // Text covers a few percent of a report page; the "Verified" lines are drawn in green.
      expect(ink / pixels).toBeGreaterThan(0.01);
      expect(green).toBeGreaterThan(200);
    } finally {
      viewer.server.close();
    }
  }, 180_000);
});
