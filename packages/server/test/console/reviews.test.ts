import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { REVIEW_WORKFLOW, type StaffClient, sessionInReview, staffWithRole } from './support.ts';

describe.each(await testDialects())('manual review, the queue and the audit log, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let workflowId: string;
  let alice: StaffClient;
  let bob: StaffClient;
  let viewer: StaffClient;
  let admin: StaffClient;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    receiver = await startReceiver();
    await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['session.decided'] });
    workflowId = (await server.api.json('POST', '/v1/workflows', REVIEW_WORKFLOW)).body.id;
    const base = server.api.base;
    alice = await staffWithRole(base, server.api, 'reviewer', 'alice@example.com');
    bob = await staffWithRole(base, server.api, 'reviewer', 'bob@example.com');
    viewer = await staffWithRole(base, server.api, 'viewer');
    admin = await staffWithRole(base, server.api, 'admin');
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  it('lists sessions waiting for review oldest first; claims keep two reviewers off the same case', async () => {
    const first = await sessionInReview(server.api, workflowId, { vendorData: 'queue-1' });
    const second = await sessionInReview(server.api, workflowId, { vendorData: 'queue-2' });
    const queue = await alice.json('GET', '/v1/review-queue');
    expect(queue.status).toBe(200);
    const ids = queue.body.data.map((i: { id: string }) => i.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    expect(queue.body.total).toBeGreaterThanOrEqual(2);
    expect(queue.body.data[0].case).toMatchObject({ status: 'review', decisionStatus: 'review' });
    expect(queue.body.data[0].case.reasonCodes).toContain('MEDIA_MISSING');

    // Alice takes the oldest case; Bob, asking next, gets the one after it.
    const a = await alice.json('POST', '/v1/review-queue/next');
    expect(a.body.id).toBe(ids[0]);
    expect(a.body.claim.claimedByLabel).toBe('alice@example.com');
    const b = await bob.json('POST', '/v1/review-queue/next');
    expect(b.body.id).not.toBe(a.body.id);
    const steal = await bob.json('POST', `/v1/review-queue/${a.body.id}/claim`);
    expect(steal.status).toBe(409);
    expect(steal.body.error.code).toBe('CASE_CLAIMED');
    expect(steal.body.error.details.claimedByLabel).toBe('alice@example.com');
    const decideClaimed = await bob.json('POST', `/v1/sessions/${a.body.id}/review`, {
      decision: 'approved',
    });
    expect(decideClaimed.status).toBe(409);
    expect(decideClaimed.body.error.code).toBe('CASE_CLAIMED');
    const releaseOthers = await bob.json('DELETE', `/v1/review-queue/${a.body.id}/claim`);
    expect(releaseOthers.status).toBe(409);

    // The queue shows who holds what.
    const shown = (await viewer.json('GET', '/v1/review-queue')).body.data.find(
      (i: { id: string }) => i.id === a.body.id,
    );
    expect(shown.claim.claimedByLabel).toBe('alice@example.com');

    // Released, Bob can take it; an admin can release anyone's claim.
    expect((await alice.json('DELETE', `/v1/review-queue/${a.body.id}/claim`)).status).toBe(204);
    expect((await bob.json('POST', `/v1/review-queue/${a.body.id}/claim`)).status).toBe(200);
    expect((await admin.json('DELETE', `/v1/review-queue/${a.body.id}/claim`)).status).toBe(204);
    expect((await bob.json('DELETE', `/v1/review-queue/${b.body.id}/claim`)).status).toBe(204);

    const audit = await server.api.json('GET', `/v1/audit?targetId=${a.body.id}`);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual([
      'review.release',
      'review.claim',
      'review.release',
      'review.claim',
    ]);
  });

  it('declines with a reason: decision, webhook and audit entry with before and after', async () => {
    const s = await sessionInReview(server.api, workflowId, {
      vendorData: 'decline-me',
      person: { firstName: 'Dora', lastName: 'Declined' },
    });
    await alice.json('POST', `/v1/review-queue/${s.id}/claim`);
    const r = await alice.json('POST', `/v1/sessions/${s.id}/review`, {
      decision: 'declined',
      reasonCode: 'DOCUMENT_FORGED',
      note: 'Font of the date of birth differs.',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'declined',
      decidedBy: { reviewer: `staff:${alice.user.id}` },
      review: { reasonCode: 'DOCUMENT_FORGED', note: 'Font of the date of birth differs.' },
      reasons: [{ code: 'DOCUMENT_FORGED', check: 'manual-review', action: 'decline' }],
    });
    // The engine's check results stay as evidence.
    expect(r.body.checks.map((c: { type: string }) => c.type)).toEqual(['image-quality']);
    expect((await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe('declined');

    const hook = await waitFor(
      async () =>
        receiver.received.find(
          (h) => h.json.data.session?.id === s.id && h.json.data.decision.status === 'declined',
        ),
      15_000,
      'the session.decided webhook',
    );
    expect(hook.json.type).toBe('session.decided');
    expect(hook.json.data.decision).toMatchObject({
      status: 'declined',
      decidedBy: { reviewer: `staff:${alice.user.id}` },
      review: { reasonCode: 'DOCUMENT_FORGED' },
    });

    const audit = await admin.json('GET', `/v1/audit?targetId=${s.id}&action=review.decline`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      actor: `staff:${alice.user.id}`,
      actorLabel: 'alice@example.com',
      targetType: 'session',
      before: { status: 'review', decidedBy: 'engine', reasons: ['MEDIA_MISSING'] },
      after: {
        status: 'declined',
        reasonCode: 'DOCUMENT_FORGED',
        note: 'Font of the date of birth differs.',
      },
    });
    // The claim went with the decision.
    expect((await alice.json('GET', `/v1/cases/${s.id}`)).body.claim).toBeNull();

    const again = await bob.json('POST', `/v1/sessions/${s.id}/review`, { decision: 'approved' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NOT_IN_REVIEW');
  });

  it('approves, and sends back for resubmission of chosen steps; the applicant can start again', async () => {
    const ok = await sessionInReview(server.api, workflowId, { vendorData: 'approve-me' });
    const a = await bob.json('POST', `/v1/sessions/${ok.id}/review`, { decision: 'approved' });
    expect(a.body).toMatchObject({
      status: 'approved',
      reasons: [],
      decidedBy: { reviewer: `staff:${bob.user.id}` },
    });

    const back = await sessionInReview(server.api, workflowId, { vendorData: 'resubmit-me' });
    const r = await bob.json('POST', `/v1/sessions/${back.id}/review`, {
      decision: 'resubmission_requested',
      reasonCode: 'FACE_NOT_VISIBLE',
      resubmitSteps: ['face', 'face'],
    });
    expect(r.status).toBe(200);
    expect(r.body.review).toEqual({ reasonCode: 'FACE_NOT_VISIBLE', resubmitSteps: ['face'] });
    const session = await server.api.json('GET', `/v1/sessions/${back.id}`);
    expect(session.body.status).toBe('resubmission_requested');
    // A new upload opens attempt 2.
    const form = new FormData();
    form.append('context', 'face');
    const { testPhotos } = await import('../support/photos.ts');
    form.append(
      'file',
      new Blob([new Uint8Array((await testPhotos()).sharpJpeg)], { type: 'image/jpeg' }),
      'f.jpg',
    );
    expect((await server.api.request('POST', `/v1/sessions/${back.id}/media`, form)).status).toBe(201);
    expect((await server.api.json('GET', `/v1/sessions/${back.id}`)).body.attempt).toBe(2);
  });

  it('refuses bad reviews with stable codes, and viewers and other applications cannot review', async () => {
    const s = await sessionInReview(server.api, workflowId, { vendorData: 'bad-input' });
    const noReason = await alice.json('POST', `/v1/sessions/${s.id}/review`, { decision: 'declined' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
    const unknownReason = await alice.json('POST', `/v1/sessions/${s.id}/review`, {
      decision: 'declined',
      reasonCode: 'BECAUSE',
    });
    expect(unknownReason.status).toBe(400);
    const noSteps = await alice.json('POST', `/v1/sessions/${s.id}/review`, {
      decision: 'resubmission_requested',
      reasonCode: 'OTHER',
      resubmitSteps: [],
    });
    expect(noSteps.status).toBe(400);
    const badStatus = await alice.json('POST', `/v1/sessions/${s.id}/review`, { decision: 'review' });
    expect(badStatus.status).toBe(400);
    const extra = await alice.json('POST', `/v1/sessions/${s.id}/review`, {
      decision: 'approved',
      reasonCode: 'OTHER',
    });
    expect(extra.status).toBe(400);

    const asViewer = await viewer.json('POST', `/v1/sessions/${s.id}/review`, { decision: 'approved' });
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.error.code).toBe('FORBIDDEN');
    expect((await viewer.json('POST', `/v1/sessions/${s.id}/notes`, { text: 'x' })).status).toBe(403);
    expect((await viewer.json('POST', `/v1/review-queue/${s.id}/claim`)).status).toBe(403);
    // Another application's API key cannot see or review it.
    const other = await server.otherApi.json('POST', `/v1/sessions/${s.id}/review`, { decision: 'approved' });
    expect(other.status).toBe(404);
    expect((await server.otherApi.json('GET', `/v1/cases/${s.id}`)).status).toBe(404);
    expect((await alice.json('POST', '/v1/sessions/ses_nope/review', { decision: 'approved' })).status).toBe(
      404,
    );

    // Not in review.
    const fresh = await server.api.json('POST', '/v1/sessions', {});
    const notReady = await alice.json('POST', `/v1/sessions/${fresh.body.id}/review`, {
      decision: 'approved',
    });
    expect(notReady.status).toBe(409);
    expect(notReady.body.error.code).toBe('NOT_IN_REVIEW');
    expect((await alice.json('POST', `/v1/review-queue/${fresh.body.id}/claim`)).body.error.code).toBe(
      'NOT_IN_REVIEW',
    );

    // API keys act as admin: an integrator can decide too.
    const byKey = await server.api.json('POST', `/v1/sessions/${s.id}/review`, { decision: 'approved' });
    expect(byKey.body.decidedBy.reviewer).toMatch(/^api:key_/);
  });

  it('keeps notes on a case, in order, as audit entries', async () => {
    const s = await sessionInReview(server.api, workflowId, { vendorData: 'noted' });
    const n1 = await alice.json('POST', `/v1/sessions/${s.id}/notes`, { text: 'Called the customer.' });
    expect(n1.status).toBe(201);
    expect(n1.body).toMatchObject({ text: 'Called the customer.', actorLabel: 'alice@example.com' });
    await bob.json('POST', `/v1/sessions/${s.id}/notes`, { text: 'Second opinion: looks fine.' });
    const notes = await viewer.json('GET', `/v1/sessions/${s.id}/notes`);
    expect(notes.body.data.map((n: { text: string }) => n.text)).toEqual([
      'Called the customer.',
      'Second opinion: looks fine.',
    ]);
    expect((await alice.json('POST', `/v1/sessions/${s.id}/notes`, { text: '   ' })).status).toBe(400);
  });

  it('gives the whole case in one request: decision, checks, attempts, media, events, notes, audit', async () => {
    const s = await sessionInReview(server.api, workflowId, {
      vendorData: 'whole-case',
      person: { firstName: 'Carla', lastName: 'Case' },
    });
    await server.api
      .json('POST', `/v1/sessions/${s.id}/collected-data`, { ipAddress: '81.2.69.160' })
      .catch(() => {});
    await alice.json('POST', `/v1/sessions/${s.id}/notes`, { text: 'Look at the front.' });
    const c = await viewer.json('GET', `/v1/cases/${s.id}`);
    expect(c.status).toBe(200);
    expect(c.body.session).toMatchObject({ id: s.id, status: 'review', vendorData: 'whole-case' });
    expect(c.body.decision.checks[0]).toMatchObject({ type: 'image-quality', status: 'failed' });
    expect(c.body.attempts).toHaveLength(1);
    expect(c.body.attempts[0].decision.status).toBe('review');
    expect(c.body.media.map((m: { context: string }) => m.context)).toEqual(['document-front']);
    expect(c.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['session.created', 'media.uploaded', 'session.submitted', 'session.decided']),
    );
    expect(c.body.notes.map((n: { text: string }) => n.text)).toEqual(['Look at the front.']);
    expect(c.body.audit[0].action).toBe('review.note');
    // The media link works with the console cookie.
    const img = await viewer.request('GET', `/v1/sessions/${s.id}/media/${c.body.media[0].id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
  });

  it('lists reason codes for the review form', async () => {
    const r = await viewer.json('GET', '/v1/reviews/reasons');
    expect(r.body.decline.map((x: { code: string }) => x.code)).toContain('DOCUMENT_FORGED');
    expect(r.body.resubmission.map((x: { code: string }) => x.code)).toContain('POOR_IMAGE_QUALITY');
    expect(r.body.resubmitSteps).toEqual(['document-front', 'document-back', 'face', 'liveness']);
  });

  it('audits changes made from the console and configuration changes by API keys', async () => {
    const wh = await admin.json('POST', '/v1/webhooks', { url: receiver.url, events: ['session.created'] });
    expect(wh.status).toBe(201);
    await server.api.json('DELETE', `/v1/webhooks/${wh.body.id}`);
    const log = await server.api.json('GET', '/v1/audit?action=api.');
    const ops = log.body.data.map((e: { actor: string; after: { operation: string } }) => [
      e.actor,
      e.after.operation,
    ]);
    expect(ops).toContainEqual([`staff:${admin.user.id}`, 'POST /v1/webhooks']);
    expect(ops).toContainEqual([expect.stringMatching(/^api:key_/), 'DELETE /v1/webhooks/:id']);
    // Paging.
    const page1 = await server.api.json('GET', '/v1/audit?limit=2');
    expect(page1.body.data).toHaveLength(2);
    const page2 = await server.api.json('GET', `/v1/audit?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);
  });
});
