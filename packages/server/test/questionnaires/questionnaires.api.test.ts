import { questionnaires } from '@openidv/storage';
import { openMigrated, testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.ts';
import { KYC } from '../support/questionnaires.ts';

describe.each(await testDialects())('questionnaires, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  const journey = (url: string, path: string, body?: unknown) =>
    fetch(`${url}/api/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));

  it('creates, lists, gets, versions and archives questionnaires', async () => {
    const created = await server.api.json('POST', '/v1/questionnaires', KYC);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^qst_/),
      version: 1,
      title: 'About you',
    });
    expect(created.body.questions[2].required).toBe(false);
    const id = created.body.id;

    const updated = await server.api.json('PUT', `/v1/questionnaires/${id}`, {
      ...KYC,
      title: 'About you (v2)',
    });
    expect(updated.body).toMatchObject({ version: 2, title: 'About you (v2)' });
    expect((await server.api.json('GET', `/v1/questionnaires/${id}`)).body.version).toBe(2);
    const list = await server.api.json('GET', '/v1/questionnaires');
    expect(list.body.data.map((q: { id: string }) => q.id)).toContain(id);
    // Applications do not see each other's questionnaires.
    expect((await server.otherApi.json('GET', `/v1/questionnaires/${id}`)).status).toBe(404);

    expect((await server.api.json('DELETE', `/v1/questionnaires/${id}`)).status).toBe(204);
    expect((await server.api.json('GET', `/v1/questionnaires/${id}`)).status).toBe(404);
    expect(
      (await server.api.json('GET', '/v1/questionnaires')).body.data.map((q: { id: string }) => q.id),
    ).not.toContain(id);
  });

  it('refuses an invalid definition with QUESTIONNAIRE_INVALID listing every problem', async () => {
    const bad = await server.api.json('POST', '/v1/questionnaires', {
      title: 'Loop',
      questions: [
        { id: 'a', type: 'yes_no', label: 'A', showIf: { question: 'b', equals: true } },
        { id: 'b', type: 'yes_no', label: 'B', showIf: { question: 'a', equals: true } },
        { id: 'c', type: 'short_text', label: 'C', showIf: { question: 'ghost', equals: 'x' } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('QUESTIONNAIRE_INVALID');
    expect(bad.body.error.details.problems).toEqual([
      'questions[2].showIf.question: no question "ghost"',
      'showIf: the questions a → b → a depend on each other in a cycle',
    ]);
    const notJson = await server.api.json('POST', '/v1/questionnaires', { title: 'x', questions: 'nope' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('QUESTIONNAIRE_INVALID');
  });

  it('a workflow pins the questionnaire version; its sessions keep it, the journey gets it, answers are checked and stored', async () => {
    const q = (await server.api.json('POST', '/v1/questionnaires', KYC)).body;
    const missing = await server.api.json('POST', '/v1/workflows', {
      name: 'With a ghost',
      checks: [],
      questionnaire: { id: 'qst_nope' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('WORKFLOW_INVALID');
    // An eID sign-in submits the session when it completes: questions after the capture could never be asked.
    const afterEid = await server.api.json('POST', '/v1/workflows', {
      name: 'eID, then questions',
      checks: [{ type: 'eid', config: {} }],
      questionnaire: { id: q.id, placement: 'after-capture' },
    });
    expect(afterEid.status).toBe(422);
    expect(afterEid.body.error.details.problems[0]).toMatch(/^questionnaire\.placement: /);
    const beforeEid = await server.api.json('POST', '/v1/workflows', {
      name: 'Questions, then eID',
      checks: [{ type: 'eid', config: {} }],
      questionnaire: { id: q.id, placement: 'before-capture' },
    });
    expect(beforeEid.status).toBe(201);

    const wf = await server.api.json('POST', '/v1/workflows', {
      name: 'With questions',
      checks: [{ type: 'image-quality', config: { required: ['document-front'] } }],
      questionnaire: { id: q.id },
    });
    expect(wf.status).toBe(201);
    expect(wf.body.questionnaire).toEqual({ id: q.id, version: 1, placement: 'after-capture' });
    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId: wf.body.id });

    // Editing the questionnaire does not change what this session asks.
    await server.api.json('PUT', `/v1/questionnaires/${q.id}`, {
      ...KYC,
      questions: [...KYC.questions, { id: 'extra', type: 'short_text', label: 'Extra', required: true }],
    });
    expect((await server.api.json('DELETE', `/v1/questionnaires/${q.id}`)).body.error.code).toBe(
      'QUESTIONNAIRE_IN_USE',
    );

    const state = await journey(s.url, 'session');
    expect(state.body.plan.steps).toEqual(['consent', 'document', 'questionnaire', 'review']);
    expect(state.body.plan.questionnaire).toMatchObject({ id: q.id, version: 1, title: 'About you' });
    expect(state.body.plan.questionnaire.questions.map((x: { id: string }) => x.id)).not.toContain('extra');
    expect(state.body.plan.questionnaire.translations.de.title).toBe('Über Sie');
    expect(state.body.answered).toBe(false);

    // Before consent the journey may not answer.
    expect((await journey(s.url, 'questionnaire-answers', { answers: { pep: false } })).body.error.code).toBe(
      'CONSENT_REQUIRED',
    );
    await journey(s.url, 'consent', { accept: true });

    const bad = await journey(s.url, 'questionnaire-answers', {
      answers: { pep: true, phone: '123', residence: 'XX' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('QUESTIONNAIRE_ANSWERS_INVALID');
    expect(bad.body.error.details.problems).toEqual([
      'phone: must be a phone number with its country code, like +372 5123 4567',
      'residence: must be an ISO 3166-1 country code, like "EE" or "EST"',
      'pep_role: an answer is required',
    ]);

    const ok = await journey(s.url, 'questionnaire-answers', {
      answers: { pep: false, pep_role: 'Mayor', phone: '+372 5123 4567', residence: 'est' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      questionnaireId: q.id,
      questionnaireVersion: 1,
      answers: { pep: false, phone: '+37251234567', residence: 'EE' },
      dropped: ['pep_role'],
    });
    expect((await journey(s.url, 'session')).body.answered).toBe(true);

    const read = await server.api.json('GET', `/v1/sessions/${s.id}/questionnaire-answers`);
    expect(read.body.answers).toEqual({ pep: false, phone: '+37251234567', residence: 'EE' });
    const decision = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
    expect(decision.body.questionnaire.answers.residence).toBe('EE');
    // The timeline names the questions answered, never the answers.
    const events = await server.api.json('GET', `/v1/sessions/${s.id}/events`);
    const answered = events.body.data.find((e: { type: string }) => e.type === 'questionnaire.answered');
    expect(answered.data).toEqual({
      questionnaireId: q.id,
      version: 1,
      answered: ['pep', 'phone', 'residence'],
    });
    expect(JSON.stringify(events.body)).not.toContain('37251234567');

    // The API key can answer too (replacing the answers); other applications cannot see the session.
    const viaApi = await server.api.json('POST', `/v1/sessions/${s.id}/questionnaire-answers`, {
      answers: { pep: true, pep_role: 'Mayor', residence: 'DE' },
    });
    expect(viaApi.body.answers).toEqual({ pep: true, pep_role: 'Mayor', residence: 'DE' });
    expect((await server.otherApi.json('GET', `/v1/sessions/${s.id}/questionnaire-answers`)).status).toBe(
      404,
    );

    // Deleting the session erases the answers.
    expect((await server.api.json('DELETE', `/v1/sessions/${s.id}`)).status).toBe(204);
    const afterDelete = await server.api.json('GET', `/v1/sessions/${s.id}/questionnaire-answers`);
    expect(afterDelete.status).toBe(404);
    const database = await openMigrated(server.db);
    try {
      expect(await questionnaires.findAnswers(database.db, s.id)).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('the journey cannot submit before the questionnaire is answered; sessions without one get NO_QUESTIONNAIRE', async () => {
    const q = (await server.api.json('POST', '/v1/questionnaires', KYC)).body;
    const wf = await server.api.json('POST', '/v1/workflows', {
      name: 'Questions first',
      checks: [],
      questionnaire: { id: q.id, placement: 'before-capture' },
    });
    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId: wf.body.id });
    await journey(s.url, 'consent', { accept: true });
    expect((await journey(s.url, 'session')).body.plan.steps).toEqual(['consent', 'questionnaire', 'review']);
    const early = await journey(s.url, 'submit', {});
    expect(early.status).toBe(400);
    expect(early.body.error.details.missing).toEqual(['questionnaire']);
    await journey(s.url, 'questionnaire-answers', { answers: { pep: false, residence: 'EE' } });
    expect((await journey(s.url, 'submit', {})).body.phase).toBe('finished');
    // Submitted: the answers are final.
    const late = await journey(s.url, 'questionnaire-answers', { answers: { pep: false, residence: 'DE' } });
    expect(late.status).toBe(409);

    const { body: plain } = await server.api.json('POST', '/v1/sessions', {});
    const none = await server.api.json('POST', `/v1/sessions/${plain.id}/questionnaire-answers`, {
      answers: {},
    });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NO_QUESTIONNAIRE');
  });

  it('is documented in OpenAPI with its error codes', async () => {
    const doc = (await (await fetch(`${server.api.base}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      info: { description: string };
    };
    for (const p of [
      '/v1/questionnaires',
      '/v1/questionnaires/{id}',
      '/v1/sessions/{id}/questionnaire-answers',
      '/j/{token}/api/questionnaire-answers',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    for (const code of [
      'QUESTIONNAIRE_INVALID',
      'QUESTIONNAIRE_ANSWERS_INVALID',
      'QUESTIONNAIRE_IN_USE',
      'NO_QUESTIONNAIRE',
    ]) {
      expect(doc.info.description).toContain(code);
    }
  });
});
