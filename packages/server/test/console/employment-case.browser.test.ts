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
import { consentAtSource } from '../support/oauth-source.ts';
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

  /**
   * A candidate declares three jobs: Globex, proven by the payroll source; Acme Widgets, with an overstated income,
   * by three payslips (and someone else's payslip besides); Initech, by nothing.
   */
  async function decidedCase(): Promise<string> {
    const body = employmentSessionBody(env.workflowId);
    body.employment.declared[1]!.annualIncome = 50000;
    body.employment.declared.unshift({
      employer: 'Initech',
      jobTitle: 'Clerk',
      startDate: '2017-03-01',
      endDate: '2018-12-31',
      annualIncome: 21000,
    });
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
    const state = (await (await j('employment')).json()) as { declared: { id: string; employer: string }[] };
    const globex = state.declared.find((d) => d.employer === 'Globex')!;
    const started = await j('employment/connections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sourceId: 'payroll', declaredId: globex.id }),
    });
    expect(started.status).toBe(201);
    const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
    const back = await consentAtSource(authorizationUrl, 'jane', `${env.base}/j/employment/callback`);
    expect((await fetch(back, { redirect: 'manual' })).status).toBe(303);
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
    // Initech: declared, nothing shows it.
    await expect(history.getByRole('row', { name: /^Initech/ }).textContent()).resolves.toMatch(
      /2017-03-01 – 2018-12-31.*Nothing shows this job.*unverified/,
    );
    // Globex: the payroll source's record matches the declaration.
    const globex = history.getByRole('row', { name: /^Globex/ });
    await expect(globex.textContent()).resolves.toMatch(
      /2019-01-07 – 2023-06-30.*Globex Corporation.*40,000 a year.*from data source Test Payroll.*verified/,
    );
    expect(await globex.getAttribute('class')).not.toContain('mismatch');
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

    // The source, with the job it was connected for; each document with what was read; John Doe's with its flag.
    await expect(
      section.getByRole('article', { name: 'Data source Test Payroll' }).textContent(),
    ).resolves.toMatch(/connected.*For Globex/);
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

    // On a tablet the history scrolls inside its own box; the page does not scroll sideways.
    const tablet = await browser.newContext(TABLET);
    tablet.setDefaultTimeout(15_000);
    const onTablet = await tablet.newPage();
    await signIn(onTablet, env.base, 'reviewer', `/sessions/${id}`);
    await onTablet.getByRole('table', { name: 'Declared history against the evidence' }).waitFor();
    expect(await overflowX(onTablet)).toBe(0);
    await screenshot(onTablet, 'employment-case-tablet');
    await tablet.close();
  });

  it('says the result comes with the decision while the candidate is still at work', async () => {
    const created = await env.server.api.json('POST', '/v1/sessions', employmentSessionBody(env.workflowId));
    expect(created.status).toBe(201);
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await signIn(page, env.base, 'reviewer', `/sessions/${created.body.id}`);
    const section = page.getByRole('region', { name: 'Employment and income' });
    await section.getByText('The result is ready once the session is decided.').waitFor();
    expect(await section.getByRole('alert').count()).toBe(0);
    expect(await section.getByRole('link', { name: 'Download the report (PDF)' }).count()).toBe(0);
    await context.close();
  });
});
