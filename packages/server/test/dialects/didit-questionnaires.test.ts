import { testDialects } from '@openidv/storage/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';
import { KYC } from '../support/questionnaires.ts';
import { diditClient, djson, verifyDiditWebhook } from './didit-client.ts';
import { dialectTestbed, journeyApi } from './testbed.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Didit's documented create example, with a translation and the element types openidv maps. */
const ONBOARDING = {
  title: 'Customer Onboarding',
  description: 'Additional information needed for verification',
  default_language: 'en',
  languages: ['en', 'de'],
  is_active: true,
  form_elements: [
    {
      id: 'occupation',
      element_type: 'short_text',
      label: { en: 'What is your occupation?', de: 'Was ist Ihr Beruf?' },
      is_required: true,
    },
    {
      element_type: 'multiple_choice',
      label: { en: 'Source of funds', de: 'Herkunft der Mittel' },
      is_required: true,
      options: [
        { label: { en: 'Employment', de: 'Anstellung' } },
        { label: { en: 'Business' } },
        { value: 'other', label: { en: 'Something else' } },
      ],
    },
    {
      id: 'residence',
      element_type: 'DROPDOWN',
      label: { en: 'Where do you live?' },
      options: [
        { value: 'ee', label: { en: 'Estonia' } },
        { value: 'lv', label: { en: 'Latvia' } },
      ],
    },
    { id: 'tax_id', element_type: 'short_text', label: 'Tax number', validation: { pattern: '[0-9]{11}' } },
    { id: 'moved_in', element_type: 'date_picker', label: { en: 'Since when?' } },
  ],
};

describe.each(await testDialects())('Didit dialect questionnaires, on %s', (dialect) => {
  const bed = dialectTestbed(dialect, { name: 'didit-questionnaires', dialect: 'didit' });
  let didit: ReturnType<typeof diditClient>;
  beforeAll(() => {
    didit = diditClient(
      bed.credential.baseUrl.replace(/^https?:\/\/[^/]+/, bed.server.api.base),
      bed.credential.key,
    );
  });

  /** The openidv questionnaire behind a Didit one, found by title through the native API. */
  async function coreQuestionnaire(title: string) {
    const list = await bed.server.api.json('GET', '/v1/questionnaires');
    return list.body.data.find((q: { title: string }) => q.title === title);
  }

  it('creates, lists, shows, updates (a new version each time) and deletes questionnaires', async () => {
    const created = await didit.call('POST', '/v3/questionnaires/', ONBOARDING);
    expect(created.status).toBe(201);
    const q = created.body;
    expect(q.questionnaire_id).toMatch(UUID);
    expect(q).toMatchObject({
      title: 'Customer Onboarding',
      description: 'Additional information needed for verification',
      languages: ['en', 'de'],
      default_language: 'en',
      is_active: true,
      is_simple_questionnaire: true,
      questionnaire_group_id: q.questionnaire_id,
      version: 1,
      status: 'published',
      is_editable: false,
    });
    // Ids and option values left out are made from the labels, as Didit does.
    expect(q.graph.start_node).toBe('occupation');
    expect(Object.keys(q.graph.nodes)).toEqual([
      'occupation',
      'source_of_funds',
      'residence',
      'tax_id',
      'moved_in',
    ]);
    expect(q.graph.nodes.occupation).toEqual({
      element_type: 'SHORT_TEXT',
      is_required: true,
      title: { en: 'What is your occupation?', de: 'Was ist Ihr Beruf?' },
      next: 'source_of_funds',
    });
    expect(q.graph.nodes.source_of_funds.choices).toEqual([
      { value: 'employment', label: { en: 'Employment', de: 'Anstellung' } },
      { value: 'business', label: { en: 'Business' } },
      { value: 'other', label: { en: 'Something else' } },
    ]);
    expect(q.graph.nodes.residence.element_type).toBe('DROPDOWN');
    expect(q.graph.nodes.tax_id.validation).toEqual({ pattern: '[0-9]{11}' });
    expect(q.graph.nodes.moved_in).toMatchObject({ element_type: 'DATE_PICKER', next: null });
    expect(q.sections[0].items.map((i: { value: string }) => i.value)).toEqual(Object.keys(q.graph.nodes));
    expect(q.sections[0].items[0].uuid).toMatch(UUID);

    // It is an openidv questionnaire: same questions, types and translations through the native API.
    const core = await coreQuestionnaire('Customer Onboarding');
    expect(core.questions.map((x: { type: string }) => x.type)).toEqual([
      'short_text',
      'multiple_choice',
      'single_choice',
      'short_text',
      'date',
    ]);
    expect(core.translations.de.questions.occupation.label).toBe('Was ist Ihr Beruf?');
    expect(core.translations.de.questions.source_of_funds.options).toEqual({ employment: 'Anstellung' });

    const list = await didit.call('GET', '/v3/questionnaires/');
    expect(list.status).toBe(200);
    const row = list.body.results.find((r: { uuid: string }) => r.uuid === q.questionnaire_id);
    expect(row).toMatchObject({
      title: 'Customer Onboarding',
      version: 1,
      question_types: ['SHORT_TEXT', 'MULTIPLE_CHOICE', 'DROPDOWN', 'DATE_PICKER'],
      workflow_names: [],
    });
    const got = await didit.call('GET', `/v3/questionnaires/${q.questionnaire_id}/`);
    expect(got.status).toBe(200);
    expect(got.body.graph).toEqual(q.graph);

    // Renaming publishes version 2 under a new id; the old id keeps naming version 1.
    const renamed = await didit.call('PATCH', `/v3/questionnaires/${q.questionnaire_id}/`, {
      title: 'Updated Customer Onboarding',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      title: 'Updated Customer Onboarding',
      version: 2,
      questionnaire_group_id: q.questionnaire_id,
    });
    expect(renamed.body.questionnaire_id).not.toBe(q.questionnaire_id);
    expect(renamed.body.graph).toEqual(q.graph);
    expect((await didit.call('GET', `/v3/questionnaires/${q.questionnaire_id}/`)).body).toMatchObject({
      title: 'Customer Onboarding',
      version: 1,
    });

    // form_elements replace the questions; patching through an older id updates the latest version.
    const replaced = await didit.call('PATCH', `/v3/questionnaires/${q.questionnaire_id}/`, {
      status: 'published',
      form_elements: [{ id: 'occupation', element_type: 'long_text', label: { en: 'Your work' } }],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ title: 'Updated Customer Onboarding', version: 3 });
    expect(Object.keys(replaced.body.graph.nodes)).toEqual(['occupation']);
    expect((await coreQuestionnaire('Updated Customer Onboarding')).version).toBe(3);

    const draft = await didit.call('PATCH', `/v3/questionnaires/${replaced.body.questionnaire_id}/`, {
      status: 'draft',
    });
    expect(draft.status).toBe(400);
    expect(draft.body).toEqual({ detail: 'Cannot revert a published version to draft.' });

    const listed = await didit.call('GET', '/v3/questionnaires/');
    const ids = listed.body.results.map((r: { uuid: string }) => r.uuid);
    expect(ids).toContain(replaced.body.questionnaire_id);
    expect(ids).not.toContain(q.questionnaire_id);

    const deleted = await didit.call('DELETE', `/v3/questionnaires/${renamed.body.questionnaire_id}/`);
    expect(deleted.status).toBe(204);
    for (const id of [q.questionnaire_id, renamed.body.questionnaire_id, replaced.body.questionnaire_id])
      expect((await didit.call('GET', `/v3/questionnaires/${id}/`)).body).toEqual({ detail: 'Not found.' });
    expect(await coreQuestionnaire('Updated Customer Onboarding')).toBeUndefined();
  });

  it('keeps the default language through versions made with the native API', async () => {
    const { body: q } = await didit.call('POST', '/v3/questionnaires/', {
      title: 'Fragen',
      default_language: 'de',
      languages: ['de', 'en'],
      form_elements: [{ id: 'beruf', element_type: 'short_text', label: { de: 'Beruf', en: 'Occupation' } }],
    });
    expect(q.graph.nodes.beruf.title).toEqual({ de: 'Beruf', en: 'Occupation' });
    const core = await coreQuestionnaire('Fragen');
    const { id, version: _v, createdAt: _c, updatedAt: _u, ...definition } = core;
    const put = await bed.server.api.json('PUT', `/v1/questionnaires/${id}`, {
      ...definition,
      title: 'Fragen 2',
    });
    expect(put.status).toBe(200);
    const list = await didit.call('GET', '/v3/questionnaires/');
    const row = list.body.results.find(
      (r: { questionnaire_group_id: string }) => r.questionnaire_group_id === q.questionnaire_id,
    );
    expect(row).toMatchObject({
      title: 'Fragen 2',
      version: 2,
      default_language: 'de',
      languages: ['de', 'en'],
    });
    expect((await didit.call('GET', `/v3/questionnaires/${row.uuid}/`)).body.graph.nodes.beruf.title).toEqual(
      {
        de: 'Beruf',
        en: 'Occupation',
      },
    );
  });

  it("shows a native questionnaire's yes/no questions and branching, and leaves hidden questions out of the responses", async () => {
    const native = await bed.server.api.json('POST', '/v1/questionnaires', KYC);
    expect(native.status).toBe(201);
    const list = await didit.call('GET', '/v3/questionnaires/');
    const row = list.body.results.find((r: { title: string }) => r.title === 'About you');
    expect(row).toMatchObject({ is_simple_questionnaire: false, default_language: 'en' });
    const { body: q } = await didit.call('GET', `/v3/questionnaires/${row.uuid}/`);
    expect(q.graph.nodes.pep).toMatchObject({
      element_type: 'SINGLE_CHOICE',
      choices: [
        { value: 'yes', label: { en: 'Yes' } },
        { value: 'no', label: { en: 'No' } },
      ],
    });
    expect(q.graph.nodes.pep_role.show_if).toEqual({ question: 'pep', equals: true });

    const w = await bed.server.api.json('POST', '/v1/workflows', {
      name: 'PEP',
      checks: [{ type: 'image-quality', config: { required: ['document-front'] } }],
      questionnaire: { id: native.body.id },
    });
    const session = await bed.server.api.json('POST', '/v1/sessions', { workflowId: w.body.id });
    const answered = await bed.server.api.json(
      'POST',
      `/v1/sessions/${session.body.id}/questionnaire-answers`,
      {
        answers: { pep: false, residence: 'EST' },
      },
    );
    expect(answered.status).toBe(200);
    const sessions = await didit.call('GET', '/v3/sessions/?limit=200');
    const mine = sessions.body.results.find((r: { workflow_id: string }) => r.workflow_id === w.body.id);
    const responses = (await didit.decision(mine.session_id)).body.questionnaire_responses;
    expect(responses[0]).toMatchObject({ questionnaire_id: row.uuid, title: 'About you', version: 1 });
    expect(
      responses[0].sections[0].items.map((i: { value: string; answer: unknown }) => [i.value, i.answer]),
    ).toEqual([
      ['pep', { value: 'no' }],
      ['phone', null],
      ['residence', { value: 'EE' }],
    ]);
  });

  it('refuses what openidv cannot ask with Didit field errors, and stores nothing', async () => {
    const before = (await bed.server.api.json('GET', '/v1/questionnaires')).body.data.length;
    const refused = async (body: unknown, field: string, message?: RegExp) => {
      const r = await didit.call('POST', '/v3/questionnaires/', body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body[field], JSON.stringify(r.body)).toEqual([expect.any(String)]);
      if (message) expect(r.body[field][0]).toMatch(message);
    };
    const element = (e: Record<string, unknown>) => ({
      title: 'Bad',
      form_elements: [{ id: 'ok', element_type: 'short_text', label: { en: 'Fine' } }, e],
    });
    await refused(
      element({ element_type: 'file_upload', label: { en: 'Upload your payslip' } }),
      'form_elements.1.element_type',
      /no files/,
    );
    await refused(
      element({ element_type: 'SECTION_HEADER', label: { en: 'Part 2' } }),
      'form_elements.1.element_type',
      /layout/,
    );
    await refused(
      element({ element_type: 'slider', label: { en: 'How much?' } }),
      'form_elements.1.element_type',
    );
    await refused(
      element({ element_type: 'single_choice', label: { en: 'Pick' } }),
      'form_elements.1.options',
    );
    await refused(
      element({ element_type: 'short_text', label: { de: 'Nur Deutsch' } }),
      'form_elements.1.label',
    );
    await refused(element({ id: 'ok', element_type: 'email', label: { en: 'Email' } }), 'form_elements.1.id');
    await refused(
      element({ element_type: 'short_text', label: { en: 'X' }, next: 'ok' }),
      'form_elements.1.next',
    );
    await refused(
      element({ element_type: 'number', label: { en: 'Age' }, validation: { min_value: 18 } }),
      'form_elements.1.validation.min_value',
    );
    // The domain's own checks come back as field errors too: here an invalid regular expression.
    await refused(
      element({ element_type: 'short_text', label: { en: 'Code' }, validation: { pattern: '([a-z' } }),
      'form_elements.1.validation.pattern',
    );
    await refused({ form_elements: [{ element_type: 'short_text', label: { en: 'X' } }] }, 'title');
    await refused({ title: 'No questions' }, 'form_elements');
    await refused({ title: 'Graph', graph: { start_node: 'a', nodes: {} } }, 'graph');
    await refused({ ...ONBOARDING, is_active: false }, 'is_active');
    const notJson = await didit.call('POST', '/v3/questionnaires/', '{"title":');
    expect(notJson.status).toBe(400);
    expect(typeof notJson.body.detail).toBe('string');
    expect((await bed.server.api.json('GET', '/v1/questionnaires')).body.data).toHaveLength(before);

    // A bad update keeps the version there is.
    const { body: q } = await didit.call('POST', '/v3/questionnaires/', { ...ONBOARDING, title: 'Kept' });
    const bad = await didit.call('PATCH', `/v3/questionnaires/${q.questionnaire_id}/`, {
      form_elements: [{ element_type: 'image', label: { en: 'Selfie' } }],
    });
    expect(bad.status).toBe(400);
    expect((await coreQuestionnaire('Kept')).version).toBe(1);
    expect((await didit.call('GET', `/v3/questionnaires/${crypto.randomUUID()}/`)).status).toBe(404);
    expect((await didit.call('GET', '/v3/questionnaires/not-a-uuid/')).status).toBe(404);
  });

  it('shows the answers given in the journey as questionnaire_responses in the decision and the webhook', async () => {
    const { body: q } = await didit.call('POST', '/v3/questionnaires/', {
      ...ONBOARDING,
      title: 'KYC questions',
    });
    const core = await coreQuestionnaire('KYC questions');
    const w = await bed.server.api.json('POST', '/v1/workflows', {
      name: 'With questions',
      checks: [{ type: 'image-quality', config: { required: ['document-front', 'face'] } }],
      questionnaire: { id: core.id, placement: 'before-capture' },
    });
    expect(w.status).toBe(201);
    // A questionnaire a workflow uses is not deleted.
    const inUse = await didit.call('DELETE', `/v3/questionnaires/${q.questionnaire_id}/`);
    expect(inUse.status).toBe(400);
    expect(inUse.body.detail).toMatch(/cannot be deleted/);
    const flows = await didit.call('GET', `/v3/workflows/${w.body.id}/`);
    expect(flows.body.features).toContain('QUESTIONNAIRE');
    const listed = await didit.call('GET', '/v3/questionnaires/');
    expect(
      listed.body.results.find((r: { uuid: string }) => r.uuid === q.questionnaire_id).workflow_names,
    ).toEqual(['With questions']);

    const start = bed.receiver.received.length;
    const { body: s } = await didit.createSession({
      workflow_id: w.body.id,
      vendor_data: 'questionnaire-user',
      language: 'de',
    });
    const before = await didit.decision(s.session_id);
    expect(before.body.questionnaire_responses).toBeNull();
    expect(before.body.features).not.toContain('QUESTIONNAIRE');

    const j = journeyApi(bed.server.api.base, s.url);
    expect((await j('POST', 'consent', { accept: true })).status).toBe(200);
    const answered = await j('POST', 'questionnaire-answers', {
      answers: {
        occupation: 'Carpenter',
        source_of_funds: ['employment', 'other'],
        residence: 'ee',
        moved_in: '2019-05-01',
      },
    });
    expect(answered.status, await answered.clone().text()).toBe(200);
    expect((await j('POST', 'media', multipart('document-front', bed.photos.sharpJpeg))).status).toBe(201);
    expect(
      (await j('POST', 'media', multipart('face', bed.photos.png, 'face.png', 'image/png'))).status,
    ).toBe(201);
    expect((await j('POST', 'submit')).status).toBe(200);

    const hook = await waitFor(
      async () =>
        bed.receiver.received
          .slice(start)
          .find((h) => djson(h).session_id === s.session_id && djson(h).status === 'Approved'),
      20_000,
      'the Approved webhook',
    );
    expect(verifyDiditWebhook(hook.body, hook.headers, bed.credential.secret).raw).toBe(true);
    const decision = await didit.decision(s.session_id);
    expect(decision.body.features).toContain('QUESTIONNAIRE');
    const responses = decision.body.questionnaire_responses;
    expect(djson(hook).decision.questionnaire_responses).toEqual(responses);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      node_id: 'feature_questionnaire',
      questionnaire_id: q.questionnaire_id,
      questionnaire_group_id: q.questionnaire_id,
      version: 1,
      title: 'KYC questions',
      status: 'Approved',
    });
    // In the session's language where the questionnaire has it; the unanswered optional question shows null.
    const items = responses[0].sections[0].items;
    expect(items.map((i: { value: string }) => i.value)).toEqual([
      'occupation',
      'source_of_funds',
      'residence',
      'tax_id',
      'moved_in',
    ]);
    expect(items[0]).toMatchObject({
      element_type: 'SHORT_TEXT',
      title: 'Was ist Ihr Beruf?',
      answer: { value: 'Carpenter' },
    });
    expect(items[1]).toMatchObject({
      element_type: 'MULTIPLE_CHOICE',
      answer: { value: ['employment', 'other'] },
    });
    expect(items[1].choices[0]).toEqual({ value: 'employment', label: 'Anstellung' });
    expect(items[2]).toMatchObject({ element_type: 'DROPDOWN', answer: { value: 'ee' } });
    expect(items[3].answer).toBeNull();
    expect(items[4]).toMatchObject({ element_type: 'DATE_PICKER', answer: { value: '2019-05-01' } });

    // Deleting the session erases the answers with it.
    const native = await bed.server.api.json('GET', '/v1/sessions?vendorData=questionnaire-user');
    const answersUrl = `/v1/sessions/${native.body.data[0].id}/questionnaire-answers`;
    expect((await bed.server.api.json('GET', answersUrl)).status).toBe(200);
    expect((await didit.call('DELETE', `/v3/session/${s.session_id}/delete/`)).status).toBe(204);
    expect((await bed.server.api.json('GET', answersUrl)).status).toBe(404);
  });
});
