import { incrementallyEdited } from '@openidv/check-employment/testing';
import { testDialects } from '@openidv/storage/testing';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/harness.ts';
import { consentAtSource } from '../support/oauth-source.ts';
import {
  employmentSessionBody,
  payslip,
  recentMonthEnds,
  startEmploymentServer,
} from './employment-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

describe.each(await testDialects())('employment verification over the API (%s)', (dialect) => {
  let env: Awaited<ReturnType<typeof startEmploymentServer>>;
  beforeAll(async () => {
    env = await startEmploymentServer(dialect);
  });
  afterAll(async () => env?.close());

  async function candidate(body: Record<string, unknown> = employmentSessionBody(env.workflowId)) {
    const created = await env.server.api.json('POST', '/v1/sessions', body);
    expect(created.status).toBe(201);
    const token = new URL(created.body.url).pathname.split('/')[2]!;
    const j = async (method: string, path: string, payload?: unknown) => {
      const res = await fetch(`${env.base}/j/${token}/api/${path}`, {
        method,
        ...(payload !== undefined &&
          (payload instanceof FormData
            ? { body: payload }
            : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } })),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    return { id: created.body.id as string, session: created.body as Json, token, j };
  }

  const upload = (bytes: Buffer) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'payslip.pdf');
    return form;
  };

  it('proves one employer by a connected source and one by payslips; the business gets timeline, comparison, report and webhook', async () => {
    const c = await candidate();
    expect(c.session).toMatchObject({ type: 'employment', status: 'created' });
    expect((await c.j('GET', 'session')).body).toMatchObject({ type: 'employment', phase: 'consent' });
    expect((await c.j('POST', 'consent', { accept: true })).status).toBe(200);

    const state = await c.j('GET', 'employment');
    expect(state.body).toMatchObject({
      businessName: 'Acme',
      sources: [{ id: 'payroll', name: 'Test Payroll' }],
      declared: [
        { id: 'emp_1', employer: 'Globex', nextSource: 'payroll', connectedSource: null },
        { id: 'emp_2', employer: 'Acme Widgets', nextSource: 'payroll', connectedSource: null },
      ],
    });

    const started = await c.j('POST', 'employment/connections', { sourceId: 'payroll', declaredId: 'emp_1' });
    expect(started.status).toBe(201);
    const back = await consentAtSource(
      started.body.authorizationUrl,
      'jane',
      `${env.base}/j/employment/callback`,
    );
    const returned = await fetch(back, { redirect: 'manual' });
    expect(returned.status).toBe(303);
    expect(returned.headers.get('location')).toBe(`${env.base}/j/${c.token}`);
    // The callback is single-use: a replay finds nothing.
    expect((await fetch(back, { redirect: 'manual' })).status).toBe(404);
    expect((await c.j('GET', 'employment')).body.declared[0]).toMatchObject({
      connectedSource: 'payroll',
      nextSource: null,
    });

    for (const date of recentMonthEnds(3)) {
      expect((await c.j('POST', 'employment/documents', upload(await payslip(date)))).status).toBe(201);
    }
    expect((await env.server.api.json('GET', `/v1/sessions/${c.id}/employment`)).body.error.code).toBe(
      'EMPLOYMENT_RESULT_PENDING',
    );
    expect((await c.j('POST', 'submit')).status).toBe(200);

    const hook = await waitFor(
      async () =>
        env.receiver.received.find(
          (h) => h.json.type === 'employment.completed' && h.json.data.sessionId === c.id,
        ),
      60_000,
      'the employment.completed webhook',
    );
    const result = await env.server.api.json('GET', `/v1/sessions/${c.id}/employment`);
    expect(result.status).toBe(200);
    expect(hook.json.data).toEqual(result.body);
    expect(result.body.comparison).toEqual([
      { declaredId: 'emp_1', employer: 'Globex', status: 'verified', differences: [], evidence: [0] },
      { declaredId: 'emp_2', employer: 'Acme Widgets', status: 'verified', differences: [], evidence: [1] },
    ]);
    expect(result.body.timeline).toMatchObject([
      {
        employer: 'Globex Corporation',
        startDate: '2019-01-07',
        endDate: '2023-06-30',
        annualGross: 40000,
        sources: [{ kind: 'connector', sourceId: 'payroll', sourceName: 'Test Payroll' }],
      },
      {
        employer: 'Acme Widgets Ltd',
        startDate: recentMonthEnds(3)[0],
        endDate: recentMonthEnds(3)[2],
        annualGross: 36000,
        sources: [{ kind: 'document', documentKind: 'payslip' }, { kind: 'document' }, { kind: 'document' }],
      },
    ]);
    expect(result.body.gaps).toHaveLength(1);
    expect(result.body.undeclared).toEqual([]);
    expect(result.body.gaps[0].from).toBe('2023-06-30');
    expect(result.body.connections).toEqual([
      {
        sourceId: 'payroll',
        sourceName: 'Test Payroll',
        declaredId: 'emp_1',
        status: 'connected',
        errorCode: null,
      },
    ]);
    const decided = await waitFor(
      async () =>
        env.receiver.received.find(
          (h) => h.json.type === 'session.decided' && h.json.data.session.id === c.id,
        ),
      10_000,
      'session.decided',
    );
    expect(decided.json.data.decision.status).toBe('approved');

    const report = await env.server.api.request('GET', `/v1/sessions/${c.id}/report.pdf`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('application/pdf');
    const { text } = await extractText(new Uint8Array(await report.arrayBuffer()), { mergePages: true });
    expect(text).toContain('Employment verification report');
    expect(text).toContain('Globex - Verified');
    expect(text).toContain('Acme Widgets - Verified');
    expect(text).toContain('data source Test Payroll');
    expect(text).toContain('Gaps longer than 60 days');
  }, 120_000);

  it('falls back to documents when the source fails, and says so in the result', async () => {
    const c = await candidate();
    await c.j('POST', 'consent', { accept: true });
    env.source.down = true;
    try {
      const started = await c.j('POST', 'employment/connections', {
        sourceId: 'payroll',
        declaredId: 'emp_1',
      });
      const back = await consentAtSource(
        started.body.authorizationUrl,
        'jane',
        `${env.base}/j/employment/callback`,
      );
      expect((await fetch(back, { redirect: 'manual' })).status).toBe(303);
    } finally {
      env.source.down = false;
    }
    expect((await c.j('GET', 'employment')).body.declared[0]).toMatchObject({
      connectedSource: null,
      failedSources: ['payroll'],
      nextSource: null,
      offerDocuments: true,
    });
    // A payslip for someone else proves nothing and is flagged.
    await c.j(
      'POST',
      'employment/documents',
      upload(await payslip(recentMonthEnds(1)[0]!, { employee: 'John Doe' })),
    );
    await c.j('POST', 'submit');
    const result = await waitFor(async () => {
      const r = await env.server.api.json('GET', `/v1/sessions/${c.id}/employment`);
      return r.status === 200 && r.body;
    }, 60_000);
    expect(result.connections[0]).toMatchObject({ status: 'failed', errorCode: 'SOURCE_UNAVAILABLE' });
    expect(result.comparison.map((x: Json) => x.status)).toEqual(['unverified', 'unverified']);
    expect(result.documents[0].flags.map((f: Json) => f.code)).toEqual(['EMPLOYMENT_DOCUMENT_OTHER_PERSON']);
    expect((await env.server.api.json('GET', `/v1/sessions/${c.id}`)).body.status).toBe('review');
  }, 120_000);

  it('sends a session with a payslip edited after it was issued to review, with the edit as evidence', async () => {
    const c = await candidate();
    await c.j('POST', 'consent', { accept: true });
    const [date] = recentMonthEnds(1);
    // Issued with 3,000.00 gross, then saved again by an editor with 5,000.00: an incremental update.
    const edited = await incrementallyEdited(await payslip(date!), '3,000.00', '5,000.00');
    expect((await c.j('POST', 'employment/documents', upload(edited))).status).toBe(201);
    await c.j('POST', 'submit');
    const decision = await waitFor(async () => {
      const d = await env.server.api.json('GET', `/v1/sessions/${c.id}/decision`);
      return d.body.status !== 'pending' && d.body;
    }, 60_000);
    expect(decision.status).toBe('review');
    expect(decision.reasons.map((r: Json) => r.code)).toContain('EMPLOYMENT_DOCUMENT_PDF_UPDATED');
    const result = (await env.server.api.json('GET', `/v1/sessions/${c.id}/employment`)).body;
    expect(result.documents[0].grossPay).toBe(5000);
    expect(result.documents[0].flags).toEqual([
      {
        code: 'EMPLOYMENT_DOCUMENT_PDF_UPDATED',
        message: expect.stringContaining('saved again after it was made (2 revisions)'),
        evidence: { revisions: 2, changedObjects: [expect.stringMatching(/page 1 content, replaced/)] },
      },
    ]);
    // A flagged payslip proves nothing: the edited figure does not reach the timeline.
    expect(result.timeline.filter((t: Json) => t.sources.some((s: Json) => s.kind === 'document'))).toEqual(
      [],
    );
    const report = await env.server.api.request('GET', `/v1/sessions/${c.id}/report.pdf`);
    const { text } = await extractText(new Uint8Array(await report.arrayBuffer()), { mergePages: true });
    expect(text).toContain('Documents flagged');
    expect(text).toContain('saved again after it was made');
  }, 120_000);

  it('refuses bad employment sessions with clear errors', async () => {
    const { api } = env.server;
    const missing = await api.json('POST', '/v1/sessions', {
      type: 'employment',
      workflowId: env.workflowId,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('employment: required');
    const wrongWorkflow = await api.json('POST', '/v1/sessions', {
      ...employmentSessionBody(env.workflowId),
      workflowId: undefined,
    });
    expect(wrongWorkflow.status).toBe(422);
    expect(wrongWorkflow.body.error.code).toBe('WORKFLOW_INVALID');
    const body = employmentSessionBody(env.workflowId);
    const badSource = await api.json('POST', '/v1/sessions', {
      ...body,
      employment: { ...body.employment, sources: ['nope'] },
    });
    expect(badSource.status).toBe(400);
    expect(badSource.body.error.message).toContain('no source "nope"');
    const backwards = await api.json('POST', '/v1/sessions', {
      ...body,
      employment: { declared: [{ employer: 'X', startDate: '2020-01-01', endDate: '2019-01-01' }] },
    });
    expect(backwards.status).toBe(400);
    const income = await api.json('POST', '/v1/sessions', { ...body, type: 'income' });
    expect(income.status).toBe(201);
    expect(income.body.type).toBe('income');
    const stray = await api.json('POST', '/v1/sessions', { employment: body.employment });
    expect(stray.status).toBe(400);
    expect(stray.body.error.message).toContain('only for sessions of type employment or income');
    const identity = await api.json('POST', '/v1/sessions', {});
    expect(identity.body.type).toBe('identity');
    expect((await api.json('GET', `/v1/sessions/${identity.body.id}/employment`)).status).toBe(404);
    expect(
      (await api.json('GET', '/v1/sessions?type=employment')).body.data.every(
        (s: Json) => s.type === 'employment',
      ),
    ).toBe(true);
  });

  it('combines identity and employment in one journey when the workflow has both kinds of checks', async () => {
    const wf = await env.server.api.json('POST', '/v1/workflows', {
      name: 'Identity and employment',
      checks: [
        { type: 'image-quality', config: { required: ['document-front', 'face'] } },
        { type: 'employment', config: {} },
      ],
    });
    expect(wf.status).toBe(201);
    const c = await candidate(employmentSessionBody(wf.body.id));
    await c.j('POST', 'consent', { accept: true });
    const state = await c.j('GET', 'session');
    expect(state.body).toMatchObject({
      type: 'employment',
      plan: { document: expect.anything(), selfie: expect.anything() },
    });
    expect((await c.j('GET', 'employment')).body.declared).toHaveLength(2);
    const early = await c.j('POST', 'submit');
    expect(early.status).toBe(400);
    expect(early.body.error.details.missing).toEqual(['document-front', 'face']);
  });

  it('documents every employment route, its schemas and its error code in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${env.base}/openapi.json`)).json()) as Json;
    for (const path of [
      '/v1/sessions/{id}/employment',
      '/v1/sessions/{id}/report.pdf',
      '/j/{token}/api/employment',
      '/j/{token}/api/employment/connections',
      '/j/{token}/api/employment/documents',
      '/j/employment/callback',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['EmploymentResult', 'EmploymentJourney']),
    );
    expect(doc.info.description).toContain('EMPLOYMENT_RESULT_PENDING');
    const flags = JSON.stringify(doc.components.schemas.EmploymentResult);
    for (const code of [
      'EMPLOYMENT_DOCUMENT_PDF_UPDATED',
      'EMPLOYMENT_DOCUMENT_PDF_EDITOR',
      'EMPLOYMENT_DOCUMENT_PDF_MODIFIED',
      'EMPLOYMENT_DOCUMENT_TEXT_OVERLAID',
    ]) {
      expect(flags).toContain(code);
    }
    const create = doc.paths['/v1/sessions'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(create)).toContain('maxGapDays');
  });

  it('erases the declared history, connections and result when the session is deleted', async () => {
    const c = await candidate();
    await c.j('POST', 'consent', { accept: true });
    await c.j('POST', 'employment/connections', { sourceId: 'payroll', declaredId: 'emp_1' });
    expect((await env.server.api.request('DELETE', `/v1/sessions/${c.id}`)).status).toBe(204);
    expect((await env.server.api.json('GET', `/v1/sessions/${c.id}/employment`)).status).toBe(404);
    expect((await c.j('GET', 'employment')).status).toBe(404);
  });
});
