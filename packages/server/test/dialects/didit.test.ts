import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DialectCredential,
  issueDialectCredential,
  startReceiver,
  startTestServer,
  waitFor,
} from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';
import { diditClient, djson, verifyDiditWebhook } from './didit-client.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(await testDialects())('Didit dialect, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let credential: DialectCredential;
  let didit: ReturnType<typeof diditClient>;
  let photos: Awaited<ReturnType<typeof testPhotos>>;
  let workflowId: string;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    receiver = await startReceiver();
    photos = await testPhotos();
    credential = await issueDialectCredential(server.api, {
      name: 'didit-migration',
      dialect: 'didit',
      webhookUrl: receiver.url,
    });
    didit = diditClient(credential.baseUrl.replace(/^https?:\/\/[^/]+/, server.api.base), credential.key);
    // Photo quality plus the email check (which reads the email blocklist): fast, and fills a Didit feature array.
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'Didit tests',
      checks: [
        { type: 'image-quality', config: { required: ['document-front', 'face'] } },
        { type: 'email-risk', config: {} },
      ],
    });
    expect(w.status).toBe(201);
    workflowId = w.body.id;
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  /** The applicant's side: the hosted journey at the session's URL, as the Didit SDKs open it. */
  async function completeJourney(url: string, face = photos.png) {
    const token = new URL(url).pathname.split('/')[2]!;
    const j = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.api.base}/j/${token}/api/${path}`, {
        method,
        ...(body !== undefined && {
          body: body instanceof FormData ? body : JSON.stringify(body),
          ...(!(body instanceof FormData) && { headers: { 'content-type': 'application/json' } }),
        }),
      });
      return res.status;
    };
    expect(await j('GET', 'session')).toBe(200);
    expect(await j('POST', 'consent', { accept: true })).toBe(200);
    expect(await j('POST', 'media', multipart('document-front', photos.sharpJpeg))).toBe(201);
    expect(await j('POST', 'media', multipart('face', face, 'face.png', 'image/png'))).toBe(201);
    expect(await j('POST', 'submit')).toBe(200);
  }

  const hooksFor = (sessionId: string, start = 0) =>
    receiver.received.slice(start).filter((h) => djson(h).session_id === sessionId);
  const waitForStatus = (sessionId: string, status: string, start = 0) =>
    waitFor(
      async () => hooksFor(sessionId, start).find((h) => djson(h).status === status),
      20_000,
      `the "${status}" webhook`,
    );

  it('issues an x-api-key and a webhook secret, with the base URL to use', () => {
    expect(credential.key).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(credential.secret).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(credential.baseUrl).toMatch(/\/compat\/didit$/);
  });

  it('runs the whole flow: create, journey, decision with feature arrays, signed status webhooks', async () => {
    const start = receiver.received.length;
    const created = await didit.createSession({
      workflow_id: workflowId,
      vendor_data: 'user-1',
      callback: 'https://shop.example/verified',
      metadata: { plan: 'gold', seats: 3 },
      language: 'de',
      contact_details: { email: 'anna@example.com', phone: '+37255501234' },
      expected_details: {
        first_name: 'José',
        last_name: 'Meier',
        date_of_birth: '1990-04-01',
        id_country: 'EST',
      },
    });
    expect(created.status).toBe(201);
    const s = created.body;
    expect(s.session_id).toMatch(UUID);
    expect(Number.isInteger(s.session_number)).toBe(true);
    expect(s.status).toBe('Not Started');
    expect(s.url).toMatch(/\/j\/[A-Za-z0-9_-]+$/);
    expect(s.url.endsWith(s.session_token)).toBe(true);
    expect(s).toMatchObject({
      vendor_data: 'user-1',
      metadata: { plan: 'gold', seats: 3 },
      callback: 'https://shop.example/verified',
      workflow_id: workflowId,
    });

    // Didit returns the open session for the same vendor_data instead of a second one.
    const again = await didit.createSession({ workflow_id: workflowId, vendor_data: 'user-1' });
    expect(again.status).toBe(201);
    expect(again.body.session_id).toBe(s.session_id);
    // …but not across workflows: the default workflow gets its own session.
    const otherWorkflow = await didit.createSession({ vendor_data: 'user-1' });
    expect(otherWorkflow.body.session_id).not.toBe(s.session_id);
    expect((await didit.call('DELETE', `/v3/session/${otherWorkflow.body.session_id}/delete/`)).status).toBe(
      204,
    );

    const before = await didit.decision(s.session_id);
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('Not Started');
    expect(before.body.email_verifications).toBeNull();

    await completeJourney(s.url);
    const approved = await waitForStatus(s.session_id, 'Approved', start);
    const mine = hooksFor(s.session_id, start);
    expect(mine.map((h) => djson(h).status)).toEqual(['In Progress', 'Approved']);
    for (const h of mine) {
      expect(verifyDiditWebhook(h.body, h.headers, credential.secret)).toEqual({
        raw: true,
        v2: true,
        simple: true,
      });
      // Not with another secret, and not five minutes later (a replay).
      expect(verifyDiditWebhook(h.body, h.headers, credential.key)).toEqual({
        raw: false,
        v2: false,
        simple: false,
      });
      const later = Number(h.headers['x-timestamp']) + 301;
      expect(verifyDiditWebhook(h.body, h.headers, credential.secret, later)).toEqual({
        raw: false,
        v2: false,
        simple: false,
      });
      expect(h.headers['user-agent']).toMatch(/^DiditWebhook\//);
    }
    // The first delivery carries the event's time, so the body's `timestamp` and X-Timestamp agree.
    expect(Number(mine[0]!.headers['x-timestamp'])).toBe(djson(mine[0]!).timestamp);
    // Behind middleware that re-encodes JSON (here as Python's json.dumps does, escaping "é"), the raw signature
    // fails and X-Signature-V2 and X-Signature-Simple still verify, as Didit's documentation describes.
    expect(approved.body).toContain('"first_name":"José"');
    const reencoded = approved.body.replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    expect(reencoded).toContain('Jos\\u00e9');
    expect(verifyDiditWebhook(reencoded, approved.headers, credential.secret)).toEqual({
      raw: false,
      v2: true,
      simple: true,
    });

    const hook = djson(approved);
    expect(hook).toMatchObject({
      webhook_type: 'status.updated',
      vendor_data: 'user-1',
      workflow_id: workflowId,
    });
    expect(hook.metadata).toEqual({ plan: 'gold', seats: 3 });
    expect(hook.decision.status).toBe('Approved');
    expect(hook.decision.features).toEqual(['EMAIL']);
    expect(hook.decision.email_verifications).toEqual([
      expect.objectContaining({
        node_id: 'feature_email',
        status: 'Approved',
        email: 'anna@example.com',
        warnings: [],
      }),
    ]);

    const decision = await didit.decision(s.session_id);
    expect(decision.status).toBe(200);
    const d = decision.body;
    expect(d).toMatchObject({
      session_id: s.session_id,
      session_number: s.session_number,
      status: 'Approved',
      vendor_data: 'user-1',
      workflow_id: workflowId,
      expected_details: {
        first_name: 'José',
        last_name: 'Meier',
        date_of_birth: '1990-04-01',
        id_country: 'EST',
      },
      contact_details: { email: 'anna@example.com', phone: '+37255501234' },
    });
    for (const key of [
      'id_verifications',
      'liveness_checks',
      'face_matches',
      'aml_screenings',
      'ip_analyses',
    ])
      expect(d[key]).toBeNull();
    expect(d.email_verifications[0].status).toBe('Approved');
    expect(d.reviews).toEqual([]);

    // The list and the user view show it; the native API sees the same session.
    const list = await didit.call('GET', '/v3/sessions/?vendor_data=user-1');
    expect(list.body.results.map((r: { session_id: string }) => r.session_id)).toEqual([s.session_id]);
    expect(list.body.results[0].status).toBe('Approved');
    const today = new Date().toISOString().slice(0, 10);
    const filtered = await didit.call('GET', `/v3/sessions/?status=Approved,In%20Review&date_from=${today}`);
    expect(filtered.body.results.map((r: { session_id: string }) => r.session_id)).toContain(s.session_id);
    expect(
      filtered.body.results.every((r: { status: string }) => ['Approved', 'In Review'].includes(r.status)),
    ).toBe(true);
    const before2000 = await didit.call('GET', '/v3/sessions/?date_to=1999-12-31');
    expect(before2000.body).toEqual({ count: 0, next: null, previous: null, results: [] });
    const user = await didit.call('GET', '/v3/users/user-1/');
    expect(user.body).toMatchObject({
      vendor_data: 'user-1',
      status: 'Approved',
      session_count: 1,
      approved_count: 1,
    });

    // Deleting erases it: the decision is gone.
    const deleted = await didit.call('DELETE', `/v3/session/${s.session_id}/delete/`);
    expect(deleted.status).toBe(204);
    expect((await didit.decision(s.session_id)).status).toBe(404);
  });

  it('decides a session In Review through update-status, with the review listed and a signed webhook', async () => {
    const start = receiver.received.length;
    const { body: s } = await didit.createSession({
      workflow_id: workflowId,
      vendor_data: 'user-review',
      contact_details: { email: 'someone@mailinator.com' },
    });
    await completeJourney(s.url);
    await waitForStatus(s.session_id, 'In Review', start);
    const inReview = await didit.decision(s.session_id);
    expect(inReview.body.status).toBe('In Review');
    expect(inReview.body.email_verifications[0]).toMatchObject({
      status: 'In Review',
      warnings: [expect.objectContaining({ risk: 'EMAIL_DISPOSABLE', log_type: 'warning' })],
    });

    const bad = await didit.updateStatus(s.session_id, { new_status: 'In Review' });
    expect(bad.status).toBe(400);
    expect(bad.body.new_status).toEqual([expect.any(String)]);
    const resubmitWithoutNodes = await didit.updateStatus(s.session_id, { new_status: 'Resubmitted' });
    expect(resubmitWithoutNodes.body.nodes_to_resubmit).toBeDefined();

    const ok = await didit.updateStatus(s.session_id, {
      new_status: 'Declined',
      comment: 'Throwaway mailbox',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ session_id: s.session_id });
    const hook = await waitForStatus(s.session_id, 'Declined', start);
    expect(verifyDiditWebhook(hook.body, hook.headers, credential.secret).raw).toBe(true);
    expect(djson(hook).decision.reviews).toEqual([
      expect.objectContaining({
        user: 'didit-migration',
        new_status: 'Declined',
        comment: 'Throwaway mailbox',
      }),
    ]);
    // Setting the status it already has changes nothing; reopening a decided session is refused.
    expect((await didit.updateStatus(s.session_id, { new_status: 'Declined' })).status).toBe(200);
    const reopen = await didit.updateStatus(s.session_id, { new_status: 'Approved' });
    expect(reopen.status).toBe(400);
    expect(reopen.body.detail).toMatch(/cannot be changed/);

    const note = await didit.call('POST', `/v3/sessions/${s.session_id}/reviews/`, {
      comment: 'Checked twice',
    });
    expect(note.status).toBe(201);
    const reviews = await didit.call('GET', `/v3/sessions/${s.session_id}/reviews/`);
    expect(reviews.body.results.map((r: { comment: string }) => r.comment)).toEqual([
      'Throwaway mailbox',
      'Checked twice',
    ]);
  });

  it('sends a session back with Resubmitted and the steps to redo', async () => {
    const start = receiver.received.length;
    const { body: s } = await didit.createSession({
      workflow_id: workflowId,
      contact_details: { email: 'other@mailinator.com' },
    });
    await completeJourney(s.url);
    await waitForStatus(s.session_id, 'In Review', start);
    const r = await didit.updateStatus(s.session_id, {
      new_status: 'Resubmitted',
      nodes_to_resubmit: [{ node_id: 'feature_face', feature: 'FACE_MATCH' }],
    });
    expect(r.status).toBe(200);
    const hook = await waitForStatus(s.session_id, 'Resubmitted', start);
    expect(djson(hook).decision.resubmit_info).toEqual({ nodes_to_resubmit: [{ context: 'face' }] });
    expect(djson(hook).resubmit_info).toEqual({ nodes_to_resubmit: [{ context: 'face' }] });
    expect((await didit.decision(s.session_id)).body.status).toBe('Resubmitted');
  });

  it("blocklists a session's email so the next session with it is declined, and removes it again", async () => {
    const start = receiver.received.length;
    const email = 'fraud@example.org';
    const { body: first } = await didit.createSession({
      workflow_id: workflowId,
      contact_details: { email },
    });
    const noFlag = await didit.call('POST', '/v3/blocklist/add/', { session_id: first.session_id });
    expect(noFlag.status).toBe(400);
    const noPhone = await didit.call('POST', '/v3/blocklist/add/', {
      session_id: first.session_id,
      blocklist_phone: true,
    });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.blocklist_phone).toBeDefined();
    const added = await didit.call('POST', '/v3/blocklist/add/', {
      session_id: first.session_id,
      blocklist_email: true,
    });
    expect(added.status).toBe(200);
    const listed = await didit.call('GET', '/v3/blocklist/?item_type=email');
    expect(listed.body.results).toEqual([
      expect.objectContaining({ item_type: 'email', value: 'f***@example.org' }),
    ]);

    const { body: second } = await didit.createSession({
      workflow_id: workflowId,
      contact_details: { email },
    });
    await completeJourney(second.url);
    await waitForStatus(second.session_id, 'Declined', start);
    const d = await didit.decision(second.session_id);
    expect(d.body.email_verifications[0]).toMatchObject({
      status: 'Declined',
      warnings: [expect.objectContaining({ risk: 'EMAIL_BLOCKLISTED', log_type: 'error' })],
    });

    const removed = await didit.call('POST', '/v3/blocklist/remove/', {
      session_id: first.session_id,
      blocklist_email: true,
    });
    expect(removed.body.removed).toEqual(['email']);
    expect((await didit.call('GET', '/v3/blocklist/?item_type=email')).body.results).toEqual([]);
  });

  it('deletes sessions in bulk by session number and users by vendor_data', async () => {
    const a = (await didit.createSession({ vendor_data: 'bulk-a' })).body;
    const b = (await didit.createSession({ vendor_data: 'bulk-b' })).body;
    const c = (await didit.createSession({ vendor_data: 'bulk-c' })).body;
    expect(new Set([a.session_number, b.session_number, c.session_number]).size).toBe(3);
    // Django REST framework pages: limit and offset, with next and previous links.
    const first = await didit.call('GET', '/v3/sessions/?limit=2&status=Not%20Started');
    expect(first.body.results.map((r: { session_id: string }) => r.session_id)).toEqual([
      c.session_id,
      b.session_id,
    ]);
    expect(first.body.previous).toBeNull();
    const next = new URL(first.body.next);
    expect(next.pathname).toBe('/compat/didit/v3/sessions/');
    expect(Object.fromEntries(next.searchParams)).toEqual({ limit: '2', offset: '2', status: 'Not Started' });
    const second = await didit.call('GET', `${next.pathname.replace('/compat/didit', '')}${next.search}`);
    expect(second.body.results[0].session_id).toBe(a.session_id);
    expect(second.body.previous).toMatch(/offset=0/);
    const byNumber = await didit.call('POST', '/v3/sessions/delete/', {
      session_numbers: [a.session_number, 99999],
    });
    expect(byNumber.body).toEqual({
      deleted_count: 1,
      results: [{ session_number: a.session_number, session_id: a.session_id }],
    });
    expect((await didit.decision(a.session_id)).status).toBe(404);
    expect((await didit.decision(b.session_id)).status).toBe(200);

    const users = await didit.call('GET', '/v3/users/?limit=200');
    const names = users.body.results.map((u: { vendor_data: string }) => u.vendor_data);
    expect(names).toEqual(expect.arrayContaining(['bulk-b', 'bulk-c']));
    expect(names).not.toContain('bulk-a');
    const byUser = await didit.call('POST', '/v3/users/delete/', { vendor_data_list: ['bulk-b'] });
    expect(byUser.body).toEqual({ deleted_count: 1 });
    expect((await didit.call('GET', '/v3/users/bulk-b/')).status).toBe(404);
    expect((await didit.decision(c.session_id)).status).toBe(200);
    expect((await didit.call('POST', '/v3/sessions/delete/', {})).status).toBe(400);
  });

  it('numbers concurrent sessions apart, and a native session once however many requests show it', async () => {
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) => didit.createSession({ vendor_data: `race-${i}` })),
    );
    const numbers = created.map((r) => r.body.session_number);
    expect(new Set(numbers).size).toBe(6);

    const native = await server.api.json('POST', '/v1/sessions', { vendorData: 'native-1' });
    expect(native.status).toBe(201);
    const views = await Promise.all(
      Array.from({ length: 4 }, () => didit.call('GET', '/v3/sessions/?vendor_data=native-1')),
    );
    const seen = views.map((v) => v.body.results[0]);
    expect(new Set(seen.map((r) => r.session_id)).size).toBe(1);
    expect(new Set(seen.map((r) => r.session_number)).size).toBe(1);
    expect(numbers).not.toContain(seen[0].session_number);
  });

  it('lists and shows workflows in Didit form', async () => {
    const list = await didit.call('GET', '/v3/workflows/');
    expect(list.status).toBe(200);
    const mine = list.body.find((w: { uuid: string }) => w.uuid === workflowId);
    expect(mine).toMatchObject({
      workflow_label: 'Didit tests',
      is_default: false,
      features: ['EMAIL'],
      status: 'published',
    });
    expect(list.body.filter((w: { is_default: boolean }) => w.is_default)).toHaveLength(1);
    expect((await didit.call('GET', `/v3/workflows/${workflowId}/`)).body.workflow_label).toBe('Didit tests');
    expect((await didit.call('GET', '/v3/workflows/wfl_nope/')).status).toBe(404);
  });

  it('refuses missing and wrong keys with Didit bodies, and keeps applications apart', async () => {
    const url = `${server.api.base}/compat/didit/v3/sessions/`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    const wrong = await fetch(url, { headers: { 'x-api-key': 'x'.repeat(43) } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ detail: 'You do not have permission to perform this action.' });
    // A native API key is not a Didit key; a revoked Didit key is refused.
    expect((await fetch(url, { headers: { 'x-api-key': server.api.key } })).status).toBe(403);
    const old = await server.api.json('POST', '/v1/dialect-credentials', { name: 'old', dialect: 'didit' });
    await server.api.json('DELETE', `/v1/dialect-credentials/${old.body.id}`);
    expect((await fetch(url, { headers: { 'x-api-key': old.body.key } })).status).toBe(403);

    const { body: s } = await didit.createSession({});
    const foreign = await server.otherApi.json('POST', '/v1/dialect-credentials', {
      name: 'x',
      dialect: 'didit',
    });
    const stranger = diditClient(`${server.api.base}/compat/didit`, foreign.body.key);
    expect((await stranger.decision(s.session_id)).status).toBe(404);
    expect(
      (await stranger.call('POST', '/v3/sessions/delete/', { session_numbers: [s.session_number] })).body,
    ).toEqual({
      deleted_count: 0,
      results: [],
    });
    expect((await didit.decision(s.session_id)).status).toBe(200);
  });

  it('documents every Didit route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.api.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    for (const p of [
      '/compat/didit/v3/session/',
      '/compat/didit/v3/sessions/',
      '/compat/didit/v3/session/{id}/decision/',
      '/compat/didit/v3/session/{id}/update-status/',
      '/compat/didit/v3/session/{id}/delete/',
      '/compat/didit/v3/sessions/delete/',
      '/compat/didit/v3/sessions/{id}/reviews/',
      '/compat/didit/v3/workflows/',
      '/compat/didit/v3/questionnaires/',
      '/compat/didit/v3/questionnaires/{id}/',
      '/compat/didit/v3/users/',
      '/compat/didit/v3/users/delete/',
      '/compat/didit/v3/blocklist/add/',
      '/compat/didit/v3/billing/top-up/',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
      for (const op of Object.values(doc.paths[p]!)) expect(op.tags).toEqual(['Compat: Didit']);
    }
  });

  it('answers bad input with field errors and unsupported endpoints with a documented 501', async () => {
    const field = async (body: Record<string, unknown>, name: string) => {
      const r = await didit.createSession(body);
      expect(r.status).toBe(400);
      expect(r.body[name]).toEqual([expect.any(String)]);
    };
    await field({ workflow_id: 'wfl_unknown' }, 'workflow_id');
    await field({ vendor_data: 12 }, 'vendor_data');
    await field({ callback: 'not a url' }, 'callback');
    await field({ metadata: 'x' }, 'metadata');
    await field({ expected_details: { date_of_birth: '01.02.1990' } }, 'expected_details.date_of_birth');
    await field(
      { expected_details: { expected_document_types: ['XX'] } },
      'expected_details.expected_document_types',
    );
    const notJson = await didit.call('POST', '/v3/session/', '{"vendor_data":');
    expect(notJson.status).toBe(400);
    expect(typeof notJson.body.detail).toBe('string');
    expect((await didit.call('GET', '/v3/sessions/?status=Done')).body.status).toEqual([expect.any(String)]);
    expect((await didit.decision('not-a-uuid')).status).toBe(404);
    expect((await didit.decision(crypto.randomUUID())).body).toEqual({ detail: 'Not found.' });
    expect((await didit.call('GET', '/v3/nowhere/')).status).toBe(404);
    for (const [method, path] of [
      ['PATCH', '/v3/users/user-1/'],
      ['GET', '/v3/billing/balance/'],
      ['POST', '/v3/billing/top-up/'],
    ] as const) {
      const r = await didit.call(method, path, method === 'GET' ? undefined : {});
      expect(r.status, `${method} ${path}`).toBe(501);
      expect(r.body.detail).toMatch(/docs\/compat\/didit\.md/);
    }
  });
});
