import { ensureJourneyBuilt } from '@openidv/journey/build';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  browserAvailable,
  DESKTOP,
  fakeCamera,
  launchChromium,
  PHONE,
  screenshot,
} from '../support/browser.ts';
import { startTestServer, waitFor } from '../support/harness.ts';

/** Branching (a follow-up shown only for "yes"), a choice, a country and a phone, with German and Arabic texts. */
const QUESTIONNAIRE = {
  title: 'A few questions',
  description: 'Required by anti-money-laundering rules.',
  questions: [
    {
      id: 'purpose',
      type: 'single_choice',
      label: 'Purpose of the account',
      required: true,
      options: [
        { value: 'savings', label: 'Savings' },
        { value: 'business', label: 'Business' },
      ],
    },
    { id: 'pep', type: 'yes_no', label: 'Do you hold a public office?', required: true },
    {
      id: 'pep_role',
      type: 'short_text',
      label: 'Which office?',
      required: true,
      showIf: { question: 'pep', equals: true },
    },
    { id: 'residence', type: 'country', label: 'Country of residence', required: true },
    { id: 'phone', type: 'phone', label: 'Mobile phone', help: 'With the country code, like +372.' },
    { id: 'income', type: 'number', label: 'Yearly income (EUR)', validation: { min: 0 } },
  ],
  translations: {
    de: {
      title: 'Ein paar Fragen',
      questions: {
        pep: { label: 'Haben Sie ein öffentliches Amt inne?' },
        purpose: { options: { savings: 'Sparen' } },
      },
    },
    ar: { title: 'بعض الأسئلة' },
  },
};

const run = browserAvailable();

describe.runIf(run)('the questionnaire step in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let camera: ReturnType<typeof fakeCamera>;
  let workflowId: string;

  beforeAll(async () => {
    await ensureJourneyBuilt();
    camera = fakeCamera('questionnaire');
    server = await startTestServer('sqlite');
    const q = await server.api.json('POST', '/v1/questionnaires', QUESTIONNAIRE);
    expect(q.status).toBe(201);
    const wf = await server.api.json('POST', '/v1/workflows', {
      name: 'Passport, selfie and questions',
      checks: [
        { type: 'image-quality', config: { required: ['document-front', 'face'] } },
        { type: 'document', config: { acceptedTypes: ['passport'] } },
      ],
      questionnaire: { id: q.body.id },
    });
    expect(wf.status).toBe(201);
    workflowId = wf.body.id;
    browser = await launchChromium(camera.file);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    camera?.remove();
  });

  const heading = (page: Page) => page.locator('h1');
  const expectHeading = (page: Page, text: string) =>
    expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe(text);

  async function photograph(page: Page) {
    const take = page.getByRole('button', { name: 'Take photo' });
    await expect.poll(() => take.isEnabled(), { timeout: 10_000 }).toBe(true);
    await take.click();
    await expectHeading(page, 'Check your photo');
  }

  it('phone: consent, passport, selfie, then the questionnaire with a live branch, translations and errors; answers reach the API', async () => {
    camera.shows(camera.passport);
    const created = await server.api.json('POST', '/v1/sessions', { workflowId });
    const url = `${server.api.base}${new URL(created.body.url).pathname}`;
    const context = await browser.newContext({ ...PHONE, locale: 'en-GB' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(url);
    await expectHeading(page, 'Verify your identity');
    await page.getByRole('button', { name: 'I agree, start' }).click();
    await expectHeading(page, 'Choose your document');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectHeading(page, 'Photo page of your passport');
    await photograph(page);
    camera.shows(camera.face);
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await expectHeading(page, 'Take a selfie');
    await photograph(page);
    await page.getByRole('button', { name: 'Use this photo' }).click();

    await expectHeading(page, 'A few questions');
    await expect.poll(() => page.locator('main').textContent()).toContain('Step 3 of 4');
    // The follow-up is hidden until "yes".
    expect(await page.getByLabel('Which office?').count()).toBe(0);

    // Sending empty: each required question says so, tied to its field, and an alert summarises.
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Some answers need your attention.');
    // The summary takes focus (read out), and Tab goes on to the first question.
    await expect.poll(() => page.evaluate('document.activeElement.getAttribute("role")')).toBe('alert');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.name')).toBe('purpose');
    // Errors follow a change of language like the rest of the page.
    await page.getByLabel('Language').selectOption('et');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Mõni vastus vajab parandamist.');
    await page.locator('header select').selectOption('en');
    const residence = page.getByLabel('Country of residence');
    expect(await residence.getAttribute('aria-invalid')).toBe('true');
    const described = await residence.getAttribute('aria-describedby');
    expect(await page.locator(`#${described}`).textContent()).toBe('Please answer this question.');
    await screenshot(page, 'phone', 'questionnaire-01-errors');
    expect(await axeViolations(page), 'questionnaire with errors').toEqual([]);

    // Keyboard: the choices are radio buttons reached and picked with the keyboard.
    await page.getByLabel('Business').focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Business').isChecked()).toBe(true);
    await page
      .getByRole('group', { name: /Do you hold a public office/ })
      .getByLabel('Yes')
      .check();
    const office = page.getByLabel('Which office?');
    await expect.poll(() => office.count()).toBe(1);
    await office.fill('Mayor of Tartu');
    await residence.selectOption('EE');
    await page.getByLabel('Mobile phone').fill('+372 5123 4567');
    await page.getByLabel('Yearly income (EUR)').fill('-5');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => page.locator('#err-income').textContent())
      .toBe('The smallest accepted value is 0.');
    await page.getByLabel('Yearly income (EUR)').fill('42000');
    // Every error answered: the summary goes too.
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'phone', 'questionnaire-02-branch');
    expect(await axeViolations(page), 'questionnaire with the branch open').toEqual([]);

    // The texts follow the language, and Arabic lays the step out right to left.
    await page.getByLabel('Language').selectOption('de');
    await expectHeading(page, 'Ein paar Fragen');
    expect(await page.getByLabel('Sparen').count()).toBe(1);
    await page.getByLabel('Sprache').selectOption('ar');
    await expectHeading(page, 'بعض الأسئلة');
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    await screenshot(page, 'phone', 'questionnaire-03-arabic');
    expect(await axeViolations(page), 'questionnaire in Arabic').toEqual([]);
    await page.locator('header select').selectOption('en');
    await expectHeading(page, 'A few questions');
    // Answers survive the language switch.
    expect(await office.inputValue()).toBe('Mayor of Tartu');

    await page.getByRole('button', { name: 'Continue' }).click();
    await expectHeading(page, 'Ready to send');
    expect(await page.locator('.done-list').textContent()).toContain('Questionnaire');
    await page.getByRole('button', { name: 'Send verification' }).click();
    await expectHeading(page, 'Thank you');

    const answers = await server.api.json('GET', `/v1/sessions/${created.body.id}/questionnaire-answers`);
    expect(answers.body.answers).toEqual({
      purpose: 'business',
      pep: true,
      pep_role: 'Mayor of Tartu',
      residence: 'EE',
      phone: '+37251234567',
      income: 42000,
    });
    const decision = await waitFor(
      async () => {
        const d = await server.api.json('GET', `/v1/sessions/${created.body.id}/decision`);
        return d.body.status !== 'pending' && d.body;
      },
      90_000,
      'the decision',
    );
    expect(decision.questionnaire.answers.residence).toBe('EE');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('desktop, German: a questionnaire placed before the capture comes right after the consent', async () => {
    const q = await server.api.json('POST', '/v1/questionnaires', QUESTIONNAIRE);
    const wf = await server.api.json('POST', '/v1/workflows', {
      name: 'Questions only',
      checks: [],
      questionnaire: { id: q.body.id, placement: 'before-capture' },
    });
    const created = await server.api.json('POST', '/v1/sessions', {
      workflowId: wf.body.id,
      locale: 'de-DE',
    });
    const url = `${server.api.base}${new URL(created.body.url).pathname}`;
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(url);
    // Nothing to photograph: a computer is not sent to a phone, it goes straight to the consent.
    await expectHeading(page, 'Bestätigen Sie Ihre Identität');
    await page.getByRole('button', { name: /Ich stimme zu/ }).click();
    await expectHeading(page, 'Ein paar Fragen');
    await page.getByLabel('Sparen').check();
    await page
      .getByRole('group', { name: /Haben Sie ein öffentliches Amt inne/ })
      .getByLabel('Nein')
      .check();
    await page.getByLabel('Country of residence').selectOption('DE');
    // Country names come in the page's language.
    expect(await page.getByLabel('Country of residence').locator('option:checked').textContent()).toBe(
      'Deutschland',
    );
    await screenshot(page, 'desktop', 'questionnaire-01-german');
    expect(await axeViolations(page), 'desktop questionnaire in German').toEqual([]);
    await page.getByRole('button', { name: 'Weiter' }).click();
    await expectHeading(page, 'Bereit zum Senden');
    await page.getByRole('button', { name: /senden/i }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe('Vielen Dank');
    const answers = await server.api.json('GET', `/v1/sessions/${created.body.id}/questionnaire-answers`);
    expect(answers.body.answers).toEqual({ purpose: 'savings', pep: false, residence: 'DE' });
    await context.close();
  }, 120_000);
});
