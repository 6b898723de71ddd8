import { readFileSync } from 'node:fs';
import { ensureConsoleBuilt } from '@openidv/console/build';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  employmentSessionBody,
  payslip,
  recentMonthEnds,
  startEmploymentServer,
} from '../employment/employment-fixture.ts';
import { waitFor } from '../support/harness.ts';
import {
  addStaff,
  axeViolations,
  chromiumAvailable,
  DESKTOP,
  launchChromium,
  screenshot,
  signIn,
} from './browser.ts';

/**
 * A reviewer opens a decided employment case: the declared history beside what the evidence showed, the job whose
 * income does not match marked with the difference in words, the payslip of another person with its flag, the
 * gap, and the link to the same PDF report the business received.
 */
describe.skipIf(!chromiumAvailable())('an employment case in the console', { timeout: 180_000 }, () => {
  let env: Awaited<ReturnType<typeof startEmploymentServer>>;
  let browser: Browser;
  beforeAll(async () => {
    await ensureConsoleBuilt();
    [env, browser] = await Promise.all([startEmploymentServer('sqlite'), launchChromium()]);
    await addStaff(env.server.api, ['reviewer']);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  /** A candidate declares two jobs, overstates one income and uploads three payslips and someone else's. */
  async function decidedCase(): Promise<string> {
    const body = employmentSessionBody(env.workflowId);
    body.employment.declared[1]!.annualIncome = 50000;
    const created = await env.server.api.json('POST', '/v1/sessions', body);
    expect(created.status).toBe(201);
    const token = new URL(created.body.url).pathname.split('/')[2]!;
    const j = (path: string, init: RequestInit = {}) => fetch(`${env.base}/j/${token}/api/${path}`, init);
    expect(
      (
        await j('consent', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ accept: true }),
        })
      ).status,
    ).toBe(200);
    const months = recentMonthEnds(3);
    const slips = [
      ...(await Promise.all(months.map((d) => payslip(d)))),
      await payslip(months[2]!, { employee: 'John Doe' }),
    ];
    for (const pdf of slips) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'payslip.pdf');
      expect((await j('employment/documents', { method: 'POST', body: form })).status).toBe(201);
    }
    expect((await j('submit', { method: 'POST' })).status).toBe(200);
    await waitFor(
      async () =>
        (await env.server.api.json('GET', `/v1/sessions/${created.body.id}/employment`)).status === 200,
      60_000,
      'the employment result',
    );
    return created.body.id;
  }

  it('shows declared against verified history, the mismatch, the flagged document, the gap and the report link', async () => {
    const id = await decidedCase();
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, env.base, 'reviewer', `/sessions/${id}`);
    await page.getByRole('heading', { name: `Session ${id}` }).waitFor();

    const section = page.getByRole('region', { name: 'Employment and income' });
    const history = section.getByRole('table', { name: 'Declared history against the evidence' });
    await history.waitFor();
    // Globex: declared, nothing shows it (the payroll source was never connected).
    const globex = history.getByRole('row', { name: /^Globex/ });
    await expect(globex.textContent()).resolves.toMatch(
      /2019-01-07 – 2023-06-30.*Nothing shows this job.*unverified/,
    );
    // Acme Widgets: the payslips show the job, but at 36,000 a year, not the 50,000 declared.
    const acme = history.getByRole('row', { name: /^Acme Widgets/ });
    const acmeText = await acme.textContent();
    expect(acmeText).toContain('Acme Widgets Ltd');
    expect(acmeText).toContain('36,000 a year');
    expect(acmeText).toContain('partly verified');
    expect(acmeText).toContain('Declared income 50000 a year; the evidence shows 36000 (28% apart).');
    expect(await acme.getAttribute('class')).toContain('mismatch');
    // The break since Globex ended is longer than the 60 days allowed.
    await expect(section.locator('.gaps').textContent()).resolves.toMatch(
      /\d+ days without declared work: 2023-06-30 – /,
    );

    // Each document with what was read, and John Doe's payslip with its flag.
    const flagged = section.getByRole('article', { name: 'Document 4: Payslip' });
    await expect(flagged.getByRole('list', { name: 'Flags' }).textContent()).resolves.toContain(
      'EMPLOYMENT_DOCUMENT_OTHER_PERSON',
    );
    await expect(flagged.textContent()).resolves.toContain('EmployeeJohn Doe');
    const first = section.getByRole('article', { name: 'Document 1: Payslip' });
    await expect(first.textContent()).resolves.toContain(`Pay dates${recentMonthEnds(3)[0]}`);
    await expect(first.textContent()).resolves.toContain('Net pay2,310.40');
    expect(await first.getByRole('list', { name: 'Flags' }).count()).toBe(0);

    // The report link downloads the same PDF the API serves, with the reviewer's cookie.
    const link = section.getByRole('link', { name: 'Download the report (PDF)' });
    expect(await link.getAttribute('href')).toBe(`/v1/sessions/${id}/report.pdf`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`${id}-report.pdf`);
    expect(await download.failure()).toBeNull();
    const saved = readFileSync(await download.path());
    expect(saved.subarray(0, 5).toString()).toBe('%PDF-');

    // Reachable from the keyboard: tabbing from the page title arrives at the report link.
    await page.locator('#page-title').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('document.activeElement?.textContent')) === 'Download the report (PDF)';
    }
    expect(reached).toBe(true);
    await screenshot(page, 'employment-case');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
