import { ensureConsoleBuilt } from '@openidv/console/build';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import {
  addStaff,
  axeViolations,
  chromiumAvailable,
  DESKTOP,
  launchChromium,
  screenshot,
  signIn,
  TABLET,
} from './browser.ts';
import { REVIEW_WORKFLOW, sessionInReview } from './support.ts';

/**
 * The console in real headless Chromium, against a real server on SQLite: a compliance officer signs in, finds
 * a session created through the API, looks at it, declines it, and the webhook and audit log show it; every
 * page passes axe-core without serious or critical violations; roles hold in the browser as in the API.
 */
describe.skipIf(!chromiumAvailable())('the console in Chromium', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let workflowId: string;
  const axe: Record<string, string[]> = {};

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    receiver = await startReceiver();
    await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['session.decided'] });
    workflowId = (await server.api.json('POST', '/v1/workflows', REVIEW_WORKFLOW)).body.id;
    await addStaff(server.api, ['admin', 'reviewer', 'viewer']);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  const console_ = (path = '') => `${server.api.base}/console${path}`;

  /** Opens a console page, waits for it, screenshots it and runs axe. */
  async function visit(page: Page, path: string, name: string, ready: (p: Page) => Promise<unknown>) {
    await page.goto(console_(path));
    await ready(page);
    await screenshot(page, name);
    axe[name] = await axeViolations(page);
  }

  it('signs in, finds a session made through the API, looks at it and declines it; webhook and audit log follow', async () => {
    const s = await sessionInReview(server.api, workflowId, {
      vendorData: 'browser-anna',
      person: { firstName: 'Anna', lastName: 'Browserova' },
    });
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(console_());
    await page.getByRole('heading', { name: /openidv/ }).waitFor();
    await screenshot(page, '01-sign-in');
    axe['sign-in'] = await axeViolations(page);
    // A wrong password says so and stays on the form.
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/email or password is wrong/);
    await signIn(page, server.api.base, 'admin');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Waiting for review').waitFor();
    await screenshot(page, '02-dashboard');
    axe['dashboard'] = await axeViolations(page);

    // Find the session by the applicant's name.
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByLabel('Search').fill('browserova');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 session · page 1').waitFor();
    await screenshot(page, '03-sessions');
    axe['sessions'] = await axeViolations(page);
    await page.getByRole('link', { name: s.id }).click();

    // The case: its media, its checks, its reasons.
    await page.getByRole('heading', { name: `Session ${s.id}` }).waitFor();
    const img = page.getByRole('img', { name: 'document-front' });
    await img.waitFor();
    await expect
      .poll(() =>
        img.evaluate((i) => (i as unknown as { complete: boolean; naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(100);
    const check = page.getByRole('article', { name: 'image-quality check' });
    await expect.poll(() => check.textContent()).toMatch(/MEDIA_MISSING/);
    expect(await check.textContent()).toMatch(/failed/);
    await screenshot(page, '04-case');
    axe['case'] = await axeViolations(page);
    // Zoom the photo, then close with Escape.
    await page.getByRole('button', { name: /Zoom document-front/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/125%/);
    await screenshot(page, '05-case-zoom');
    axe['zoom'] = await axeViolations(page);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Claim with "c", decline with "d", pick the reason, confirm with Ctrl+Enter.
    await page.locator('#page-title').focus();
    await page.keyboard.press('c');
    await page.getByText('You are working on this case').waitFor();
    await page.keyboard.press('d');
    await page.getByLabel('Reason').selectOption('DOCUMENT_FORGED');
    await page.getByLabel(/Note/).fill('Photo substituted on the data page.');
    await page.keyboard.press('Control+Enter');
    await page.getByText("Reviewer's note: Photo substituted on the data page.").waitFor();
    expect(await page.locator('.page-header .badge').textContent()).toBe('declined');
    await screenshot(page, '06-case-declined');

    // The API agrees, the webhook went out, the audit log has it.
    const decision = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
    expect(decision.body).toMatchObject({ status: 'declined', review: { reasonCode: 'DOCUMENT_FORGED' } });
    const hook = await waitFor(
      async () =>
        receiver.received.find(
          (h) => h.json.data.session?.id === s.id && h.json.data.decision.status === 'declined',
        ),
      15_000,
      'the session.decided webhook',
    );
    expect(hook.json.data.decision.decidedBy.reviewer).toMatch(/^staff:stf_/);
    const trail = page.getByRole('heading', { name: 'Audit trail' }).locator('..');
    await expect.poll(() => trail.textContent()).toMatch(/review\.decline by admin@example\.com/);
    await visit(page, `/audit`, '07-audit', (p) => p.getByRole('cell', { name: 'review.decline' }).waitFor());
    // The webhook page shows the delivery; the test button sends one more.
    await visit(page, '/webhooks', '08-webhooks', (p) =>
      p.getByRole('cell', { name: 'session.decided' }).first().waitFor(),
    );
    await page.getByRole('button', { name: 'Send test webhook' }).click();
    await waitFor(
      async () => receiver.received.find((h) => h.json.type === 'webhook.test'),
      15_000,
      'the test webhook',
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('cell', { name: 'webhook.test' }).first().waitFor();
    // A delivery opens with its attempts and payload.
    await page
      .getByRole('button', { name: /^Show delivery / })
      .first()
      .click();
    await page.getByRole('heading', { name: /^Delivery / }).waitFor();
    // An endpoint added from the form: only the events ticked, its signing secret shown once.
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/second`);
    await page.getByLabel('all events').uncheck();
    await page.getByLabel('session.created').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    expect(await page.getByLabel('Signing secret').inputValue()).toMatch(/\S{20,}/);
    await page.getByText('No deliveries yet.').waitFor();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByLabel('Signing secret').waitFor({ state: 'detached' });
    const endpoints = (await server.api.json('GET', '/v1/webhooks')).body.data;
    expect(endpoints.find((w: { url: string }) => w.url === `${receiver.url}/second`).events).toEqual([
      'session.created',
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows every page without serious accessibility violations, at 1280 px and on a tablet', async () => {
    await sessionInReview(server.api, workflowId, {
      vendorData: 'browser-bert',
      person: { firstName: 'Bert' },
    });
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, server.api.base, 'admin');
    await visit(page, '/queue', '09-queue', (p) =>
      p.getByText('waiting', { exact: false }).first().waitFor(),
    );
    await visit(page, '/users', '10-users', (p) => p.getByRole('link', { name: 'browser-bert' }).waitFor());
    await visit(page, '/users/browser-bert', '11-user', (p) =>
      p.getByRole('heading', { name: 'User browser-bert' }).waitFor(),
    );
    await visit(page, '/alerts', '12-alerts', (p) => p.getByText('No open alerts.').waitFor());
    await visit(page, '/usage', '13-usage', (p) => p.getByRole('rowheader', { name: 'Total' }).waitFor());
    await visit(page, '/workflows', '14-workflows', (p) =>
      p.getByRole('form', { name: 'Workflow editor' }).waitFor(),
    );
    // Blocklists: block an email from the console, see it masked, and remove it again.
    await visit(page, '/blocklists', '14b-blocklists', (p) =>
      p.getByRole('button', { name: 'Block' }).waitFor(),
    );
    await page.getByLabel('Value').fill('Fraud.Ring+kyc@Example.com');
    await page.getByLabel('Note').fill('chargebacks');
    await page.getByRole('button', { name: 'Block' }).click();
    await page.getByRole('cell', { name: 'chargebacks' }).waitFor();
    const listed = await server.api.json('GET', '/v1/blocklists/email');
    expect(listed.body.data).toEqual([expect.objectContaining({ note: 'chargebacks' })]);
    expect(JSON.stringify(listed.body)).not.toContain('fraud.ring@example.com');
    axe['14c-blocklists-entry'] = await axeViolations(page);
    await page.getByRole('button', { name: /^Remove / }).click();
    await page.getByText('Nothing on this blocklist.').waitFor();
    expect((await server.api.json('GET', '/v1/blocklists/email')).body.data).toEqual([]);
    await visit(page, '/keys', '15-keys', (p) => p.getByRole('button', { name: 'Create key' }).waitFor());
    await visit(page, '/staff', '16-staff', (p) =>
      p.getByRole('cell', { name: 'viewer@example.com', exact: true }).waitFor(),
    );
    await visit(page, '/account', '17-account', (p) =>
      p.getByRole('button', { name: 'Set up a second factor' }).waitFor(),
    );

    // Keys: created, shown once, revoked.
    await page.goto(console_('/keys'));
    await page.getByLabel('New key name').fill('from the console');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = await page.getByLabel('API key').inputValue();
    expect(shown).toMatch(/^oidv_/);
    const keyWorks = await fetch(`${server.api.base}/v1/sessions`, {
      headers: { authorization: `Bearer ${shown}` },
    });
    expect(keyWorks.status).toBe(200);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Revoke from the console' }).click();
    await page.getByText('revoked').waitFor();

    // Workflow editor: the workflow's rules are shown, and a save from the console keeps them.
    const rule = {
      id: 'blurry_to_person',
      name: 'Blurry photos go to a person',
      if: { reason: 'IMAGE_TOO_BLURRY' },
      then: 'review',
    };
    expect(
      (await server.api.json('PUT', `/v1/workflows/${workflowId}`, { ...REVIEW_WORKFLOW, rules: [rule] }))
        .status,
    ).toBe(200);
    // Change a threshold and the action, save a new version.
    await page.goto(console_('/workflows'));
    await page.getByRole('button', { name: REVIEW_WORKFLOW.name }).click();
    expect(await page.getByLabel('Rules (JSON)').inputValue()).toContain('Blurry photos go to a person');
    await page.getByLabel('On failure').first().selectOption('resubmit');
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText(/Saved as version 3/).waitFor();
    const w = await server.api.json('GET', `/v1/workflows/${workflowId}`);
    expect(w.body.checks[0].action).toBe('resubmit');
    expect(w.body.rules).toEqual([expect.objectContaining({ id: 'blurry_to_person', then: 'review' })]);
    await server.api.json('PUT', `/v1/workflows/${workflowId}`, REVIEW_WORKFLOW);

    const tablet = await browser.newContext(TABLET);
    tablet.setDefaultTimeout(10_000);
    const tp = await tablet.newPage();
    await signIn(tp, server.api.base, 'admin');
    await visit(tp, '/sessions', '18-tablet-sessions', (p) => p.getByText(/sessions · page 1/).waitFor());
    await tp.getByRole('link', { name: /^ses_/ }).first().click();
    await tp.getByRole('heading', { name: 'Checks' }).waitFor();
    await screenshot(tp, '19-tablet-case');
    axe['tablet-case'] = await axeViolations(tp);
    // The menu folds away on a tablet and opens with its button.
    await tp.getByRole('button', { name: 'Menu' }).click();
    await tp.getByRole('link', { name: 'Review queue' }).click();
    await tp.getByRole('heading', { name: 'Review queue' }).waitFor();
    await screenshot(tp, '20-tablet-queue');
    axe['tablet-queue'] = await axeViolations(tp);
    await tablet.close();
    await context.close();

    for (const [name, violations] of Object.entries(axe))
      expect({ name, violations }).toEqual({ name, violations: [] });
    expect(Object.keys(axe).length).toBeGreaterThanOrEqual(18);
  });

  it('a reviewer works the queue with the keyboard but cannot open the API keys page', async () => {
    await sessionInReview(server.api, workflowId, { vendorData: 'queue-a' });
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, server.api.base, 'reviewer');
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await page.goto(console_('/keys'));
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await screenshot(page, '21-reviewer-keys-refused');
    axe['reviewer-keys'] = await axeViolations(page);
    // The API refuses it too, with the same cookie.
    const apiAnswer = await page.evaluate(async () => (await fetch('/v1/keys')).status);
    expect(apiAnswer).toBe(403);

    // Work the queue: start, approve with "a" + Ctrl+Enter, and the next case opens by itself.
    await page.goto(console_('/queue'));
    await page.getByRole('button', { name: /Start reviewing/ }).click();
    await page.getByText('You are working on this case').waitFor();
    const opened = page.url();
    await page.keyboard.press('a');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.url()).not.toBe(opened);
    const decided = opened.split('/sessions/')[1]!.split('?')[0]!;
    expect((await server.api.json('GET', `/v1/sessions/${decided}`)).body.status).toBe('approved');
    await context.close();
  });

  it('a viewer reads cases but cannot review them', async () => {
    const s = await sessionInReview(server.api, workflowId, { vendorData: 'viewer-only' });
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, server.api.base, 'viewer');
    await page.goto(console_(`/sessions/${s.id}`));
    await page.getByRole('heading', { name: 'Checks' }).waitFor();
    expect(await page.getByRole('form', { name: 'Decide' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Claim case/ }).count()).toBe(0);
    await screenshot(page, '22-viewer-case');
    axe['viewer-case'] = await axeViolations(page);
    // Even a hand-made request with the CSRF token is refused by role.
    const status = await page.evaluate(async (id) => {
      const me = (await (await fetch('/v1/auth/session')).json()) as { csrfToken: string };
      const r = await fetch(`/v1/sessions/${id}/review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ decision: 'approved' }),
      });
      return r.status;
    }, s.id);
    expect(status).toBe(403);
    expect((await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe('review');
    for (const name of ['reviewer-keys', 'viewer-case']) expect(axe[name]).toEqual([]);
    await context.close();
  });
});
