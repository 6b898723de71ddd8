import { ensureConsoleBuilt } from '@openidv/console/build';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.ts';
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

/** A workflow that uses every kind of setting the editor shows, and the fields around the checks. */
const WORKFLOW = {
  name: 'Editor round trip',
  description: 'Every field set, so a save that drops one shows.',
  sessionLifetimeSeconds: 7200,
  checks: [
    { type: 'image-quality', config: { required: ['document-front', 'face'] }, action: 'resubmit' },
    {
      type: 'document',
      config: { acceptedTypes: ['passport', 'id_card'], acceptedCountries: ['EST', 'DEU'], minAge: 18 },
      reasonActions: { DOC_EXPIRED: 'review' },
    },
    { type: 'face-match', config: { threshold: 0.4 } },
    { type: 'liveness', config: {} },
    { type: 'aml', config: { threshold: 0.8, lists: ['us-ofac-sdn'] } },
    { type: 'velocity', config: { ip: { windowHours: 12 } } },
  ],
  rules: [{ id: 'minor', name: 'Under 21', if: { field: 'person.age', lt: 21 }, then: 'review' }],
};

/** What a save must keep: the workflow without the fields the server sets anew. */
// biome-ignore lint/suspicious/noExplicitAny: a workflow as the API returns it
const stable = ({ version, updatedAt, createdAt, ...rest }: any) => rest;

/**
 * The workflow editor shows each check's settings as form fields generated from the schema the server validates
 * with: thresholds, the age limit, accepted document types and a searchable country picker. A save sends back
 * every field; the server's validation errors appear at the field they concern.
 */
describe.skipIf(!chromiumAvailable())('the workflow editor in Chromium', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let id: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    await addStaff(server.api, ['admin']);
    const w = await server.api.json('POST', '/v1/workflows', WORKFLOW);
    expect(w.body).toMatchObject({ version: 1 });
    id = w.body.id;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openEditor(page: Page) {
    await page.goto(`${server.api.base}/console/workflows`);
    await fillSignIn(page, 'admin');
    await page.getByRole('button', { name: WORKFLOW.name }).click();
    await page.getByRole('region', { name: 'Step 3: face-match' }).waitFor();
  }
  const step = (page: Page, n: number, type: string) =>
    page.getByRole('region', { name: `Step ${n}: ${type}` });
  const saveAndWait = async (page: Page, version: number) => {
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText(`Saved as version ${version}.`).waitFor();
  };

  it('saving unchanged keeps every field; edited thresholds, types and countries are saved and nothing else changes', async () => {
    const before = (await server.api.json('GET', `/v1/workflows/${id}`)).body;
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openEditor(page);

    // The stored settings are in the fields.
    const doc = step(page, 2, 'document');
    expect(await step(page, 3, 'face-match').getByLabel('Threshold', { exact: true }).inputValue()).toBe(
      '0.4',
    );
    expect(await doc.getByLabel('Min age').inputValue()).toBe('18');
    expect(await doc.getByRole('checkbox', { name: 'passport' }).isChecked()).toBe(true);
    expect(await doc.getByRole('checkbox', { name: 'driving licence' }).isChecked()).toBe(false);
    expect(await doc.getByRole('list', { name: 'Accepted countries chosen' }).textContent()).toMatch(
      /Estonia EST.*Germany DEU/,
    );
    expect(
      await step(page, 6, 'velocity')
        .getByRole('group', { name: 'Ip' })
        .getByLabel('Window hours')
        .inputValue(),
    ).toBe('12');
    expect(await overflowX(page), 'workflow-01-editor fits the window').toBe(0);
    await screenshot(page, 'workflow-01-editor');
    expect(await axeViolations(page)).toEqual([]);

    // Unchanged: a new version equal to the old one in every field.
    await saveAndWait(page, 2);
    const same = (await server.api.json('GET', `/v1/workflows/${id}`)).body;
    expect(same.version).toBe(2);
    expect(stable(same)).toEqual(stable(before));

    // Thresholds, the age limit, document types and countries.
    await step(page, 3, 'face-match').getByLabel('Threshold', { exact: true }).fill('0.5');
    await step(page, 4, 'liveness').getByLabel('Threshold', { exact: true }).fill('0.1');
    await step(page, 5, 'aml').getByLabel('Threshold', { exact: true }).fill('0.9');
    await doc.getByLabel('Min age').fill('21');
    await doc.getByRole('checkbox', { name: 'id card' }).uncheck();
    await doc.getByRole('checkbox', { name: 'driving licence' }).check();
    await doc.getByLabel('Find a country for accepted countries').fill('finl');
    await doc.getByRole('checkbox', { name: 'Finland FIN' }).check();
    await doc.getByRole('button', { name: 'Remove Germany from accepted countries' }).click();
    // The search finds by code too.
    await doc.getByLabel('Find a country for accepted countries').fill('lva');
    await doc.getByRole('checkbox', { name: 'Latvia LVA' }).check();
    await screenshot(page, 'workflow-02-edited');
    await saveAndWait(page, 3);

    const after = (await server.api.json('GET', `/v1/workflows/${id}`)).body;
    const expected = structuredClone(stable(before));
    expected.checks[1].config = {
      ...expected.checks[1].config,
      acceptedTypes: ['passport', 'driving_licence'],
      acceptedCountries: ['EST', 'FIN', 'LVA'],
      minAge: 21,
    };
    expected.checks[2].config.threshold = 0.5;
    expected.checks[3].config.threshold = 0.1;
    expected.checks[4].config.threshold = 0.9;
    expect(stable(after)).toEqual(expected);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the server's validation errors at the fields and saves nothing until they are fixed", async () => {
    const before = (await server.api.json('GET', `/v1/workflows/${id}`)).body;
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await openEditor(page);
    const threshold = step(page, 3, 'face-match').getByLabel('Threshold', { exact: true });
    const minAge = step(page, 2, 'document').getByLabel('Min age');
    await threshold.fill('1.5');
    await minAge.fill('200');
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText('Not saved:').waitFor();
    // The messages are the server's (zod's), beside the fields, and the fields are marked invalid.
    const thresholdError = step(page, 3, 'face-match').locator('.field-error');
    await expect.poll(() => thresholdError.textContent()).toMatch(/<=\s*1/);
    expect(await step(page, 2, 'document').locator('.field-error').textContent()).toMatch(/<=\s*120/);
    expect(await threshold.getAttribute('aria-invalid')).toBe('true');
    expect(await threshold.getAttribute('aria-describedby')).toContain('error');
    expect(await overflowX(page), 'workflow-03-server-errors fits the window').toBe(0);
    await screenshot(page, 'workflow-03-server-errors');
    expect(await axeViolations(page)).toEqual([]);
    expect((await server.api.json('GET', `/v1/workflows/${id}`)).body.version).toBe(before.version);

    await threshold.fill('0.45');
    await minAge.fill('18');
    await saveAndWait(page, before.version + 1);
    expect(await page.locator('.field-error').count()).toBe(0);
    const fixed = (await server.api.json('GET', `/v1/workflows/${id}`)).body;
    expect(fixed.checks[2].config.threshold).toBe(0.45);
    expect(fixed.checks[1].config.minAge).toBe(18);
    await context.close();

    const tablet = await browser.newContext(TABLET);
    tablet.setDefaultTimeout(10_000);
    const tp = await tablet.newPage();
    await openEditor(tp);
    expect(await overflowX(tp), 'workflow-04-tablet fits the window').toBe(0);
    await screenshot(tp, 'workflow-04-tablet');
    expect(await axeViolations(tp)).toEqual([]);
    await tablet.close();
  });
});
