import { ensureConsoleBuilt } from '@openidv/console/build';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.ts';
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

/**
 * The questionnaires editor in Chromium: an admin writes a questionnaire with a branch and a translation,
 * watches the preview follow, saves versions, and gives it to a workflow; a viewer reads but cannot edit.
 */
describe.skipIf(!chromiumAvailable())('the questionnaires editor in Chromium', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let workflowId: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    workflowId = (
      await server.api.json('POST', '/v1/workflows', {
        name: 'Onboarding',
        checks: [{ type: 'image-quality', config: { required: ['document-front'] } }],
      })
    ).body.id;
    await addStaff(server.api, ['admin', 'viewer']);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const console_ = (path = '') => `${server.api.base}/console${path}`;
  const preview = (page: Page) => page.getByRole('complementary', { name: 'Preview' });

  it('an admin builds a questionnaire with a branch and a translation, previews it live, saves versions and gives it to a workflow', async () => {
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, server.api.base, 'admin');
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Questionnaires' })
      .click();
    await page.getByRole('heading', { name: 'Questionnaires', level: 1 }).waitFor();
    await page.getByText('No questionnaires yet.').waitFor();

    await page.getByRole('button', { name: 'New questionnaire' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Source of funds');
    // Question 1: yes / no, required.
    await page.getByLabel('Question 1 text').fill('Are you employed?');
    await page.getByLabel('Question 1 id').fill('employed');
    await page.getByLabel('Question 1 type').selectOption('yes_no');
    await page.getByRole('listitem').filter({ hasText: '1. Yes / no' }).getByLabel('Required').check();
    // Question 2: a follow-up shown only for "yes".
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByLabel('Question 2 text').fill('Who is your employer?');
    await page.getByLabel('Question 2 id').fill('employer');
    await page.getByLabel('Show question 2 only if').selectOption('employed');
    await page.getByLabel('Answer is').selectOption('true');
    // Question 3: a choice with two options.
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByLabel('Question 3 text').fill('Where does your money come from?');
    await page.getByLabel('Question 3 id').fill('source');
    await page.getByLabel('Question 3 type').selectOption('single_choice');
    await page.getByLabel('Option 1 label').fill('Salary');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByLabel('Option 2 value').fill('inheritance');
    await page.getByLabel('Option 2 label').fill('Inheritance');

    // The preview follows the editor, and answering in it opens the branch.
    const p = preview(page);
    await expect.poll(() => p.getByText('Source of funds').count()).toBe(1);
    expect(await p.getByLabel('Who is your employer?').count()).toBe(0);
    await p.getByRole('radio', { name: 'Yes' }).check();
    await expect.poll(() => p.getByLabel('Who is your employer?').count()).toBe(1);
    expect(await p.getByRole('radio', { name: 'Inheritance' }).count()).toBe(1);

    // A German translation, seen in the preview.
    await page.getByLabel(/^Language/).selectOption('de');
    await page.getByLabel('Title (German)').fill('Herkunft der Mittel');
    await page.getByLabel('Question employed (German)').fill('Sind Sie angestellt?');
    await p.getByLabel('Preview language').selectOption('de');
    await expect.poll(() => p.getByText('Herkunft der Mittel').count()).toBe(1);
    expect(await p.getByText('Sind Sie angestellt?').count()).toBe(1);
    await screenshot(page, '20-questionnaire-editor');
    expect(await axeViolations(page), 'questionnaire editor').toEqual([]);

    await page.getByRole('button', { name: 'Save questionnaire' }).click();
    await page.getByText('Saved as version 1.').waitFor();
    const list = await server.api.json('GET', '/v1/questionnaires');
    expect(list.body.data).toHaveLength(1);
    const saved = list.body.data[0];
    expect(saved).toMatchObject({
      title: 'Source of funds',
      version: 1,
      translations: {
        de: { title: 'Herkunft der Mittel', questions: { employed: { label: 'Sind Sie angestellt?' } } },
      },
    });
    expect(saved.questions).toEqual([
      { id: 'employed', type: 'yes_no', label: 'Are you employed?', required: true },
      {
        id: 'employer',
        type: 'short_text',
        label: 'Who is your employer?',
        required: false,
        showIf: { question: 'employed', equals: true },
      },
      {
        id: 'source',
        type: 'single_choice',
        label: 'Where does your money come from?',
        required: false,
        options: [
          { value: 'option_1', label: 'Salary' },
          { value: 'inheritance', label: 'Inheritance' },
        ],
      },
    ]);

    // A broken branch is refused with the server's words, and nothing is saved.
    await page.getByLabel('Question 1 id').fill('job');
    await page.getByRole('button', { name: 'Save questionnaire' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no question "employed"');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('QUESTIONNAIRE_INVALID');
    expect((await server.api.json('GET', `/v1/questionnaires/${saved.id}`)).body.version).toBe(1);
    await page.getByLabel('Question 1 id').fill('employed');
    await page.getByLabel('Question 2 text').fill('Your employer');
    await page.getByRole('button', { name: 'Save questionnaire' }).click();
    await page.getByText('Saved as version 2.').waitFor();

    // The workflow editor gives the questionnaire to a workflow; the API shows the pinned version.
    await page.goto(console_('/workflows'));
    await page.getByRole('button', { name: 'Onboarding' }).click();
    await page.getByLabel(/^Questionnaire/).selectOption(saved.id);
    await page.getByLabel('Asked').selectOption('before-capture');
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText(/Saved as version 2/).waitFor();
    const w = await server.api.json('GET', `/v1/workflows/${workflowId}`);
    expect(w.body.questionnaire).toEqual({ id: saved.id, version: 2, placement: 'before-capture' });
    await screenshot(page, '21-workflow-questionnaire');
    expect(await axeViolations(page), 'workflow editor with a questionnaire').toEqual([]);

    // A third version: the workflow stays on 2 until someone moves it.
    const { questions, translations } = (await server.api.json('GET', `/v1/questionnaires/${saved.id}`)).body;
    const v3 = await server.api.json('PUT', `/v1/questionnaires/${saved.id}`, {
      title: 'Source of funds v3',
      questions,
      translations,
    });
    expect(v3.body.version).toBe(3);
    await page.reload();
    await page.getByRole('button', { name: 'Onboarding' }).click();
    await page.getByText(/Uses version 2 \(latest: 3\)/).waitFor();
    await page.getByRole('button', { name: 'Use version 3' }).click();
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.getByText(/Saved as version 3/).waitFor();
    expect((await server.api.json('GET', `/v1/workflows/${workflowId}`)).body.questionnaire.version).toBe(3);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a tablet, a viewer reads the questionnaires and their preview but cannot change them', async () => {
    const context = await browser.newContext(TABLET);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, server.api.base, 'viewer');
    await page.goto(console_('/questionnaires'));
    await page.getByRole('heading', { name: 'Questionnaires', level: 1 }).waitFor();
    await page.getByLabel('Question 1 text').waitFor();
    expect(await page.getByRole('button', { name: 'New questionnaire' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save questionnaire' }).count()).toBe(0);
    expect(await page.getByLabel('Question 1 text').isDisabled()).toBe(true);
    await expect.poll(() => preview(page).getByText('Source of funds v3').count()).toBe(1);
    await screenshot(page, '22-tablet-questionnaires-viewer');
    expect(await axeViolations(page), 'questionnaires as a viewer on a tablet').toEqual([]);
    await context.close();
  });
});
