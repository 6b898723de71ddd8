import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { REVIEW_WORKFLOW, type StaffClient, sessionInReview, staffWithRole } from './support.ts';

describe.each(await testDialects())('case search, dashboard, usage and users, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let viewer: StaffClient;
  let reviewer: StaffClient;
  let workflowId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    server = await startTestServer(dialect);
    viewer = await staffWithRole(server.api.base, server.api, 'viewer');
    reviewer = await staffWithRole(server.api.base, server.api, 'reviewer');
    workflowId = (await server.api.json('POST', '/v1/workflows', REVIEW_WORKFLOW)).body.id;
    // Two people in review (one declined by a person afterwards), and three sessions still open.
    ids['anna'] = (
      await sessionInReview(server.api, workflowId, {
        vendorData: 'cust-anna',
        person: { firstName: 'Anna', lastName: 'Meier' },
        document: { number: 'C01X00T47' },
      })
    ).id;
    ids['bert'] = (
      await sessionInReview(server.api, workflowId, {
        vendorData: 'cust-bert',
        person: { firstName: 'Bert', lastName: "O'Brien_50%" },
      })
    ).id;
    await reviewer.json('POST', `/v1/sessions/${ids['bert']}/review`, {
      decision: 'declined',
      reasonCode: 'FACE_MISMATCH',
    });
    for (let i = 0; i < 3; i++) {
      const s = await server.api.json('POST', '/v1/sessions', {
        vendorData: i === 0 ? 'cust-anna' : `open-${i}`,
      });
      ids[`open${i}`] = s.body.id;
    }
  });
  afterAll(async () => server?.close());

  const search = async (query: string) =>
    (await viewer.json('GET', `/v1/cases?${query}`)).body as {
      data: { id: string }[];
      total: number;
      nextCursor: string | null;
    };

  it('finds cases by name, document number, vendorData and session id', async () => {
    expect((await search('q=meier')).data.map((c) => c.id)).toEqual([ids['anna']]);
    expect((await search('q=anna%20MEIER')).data.map((c) => c.id)).toEqual([ids['anna']]);
    expect((await search('q=c01x00')).data.map((c) => c.id)).toEqual([ids['anna']]);
    expect((await search('q=cust-anna')).total).toBe(2);
    expect((await search(`q=${ids['bert']}`)).data.map((c) => c.id)).toEqual([ids['bert']]);
    // LIKE wildcards in the query are literal.
    expect((await search('q=_50%25')).data.map((c) => c.id)).toEqual([ids['bert']]);
    expect((await search('q=%25')).data.map((c) => c.id)).toEqual([ids['bert']]);
    expect((await search('q=nobody-at-all')).total).toBe(0);
  });

  it('filters by status, decision and workflow, and pages on the server', async () => {
    const review = await search('status=review');
    expect(review.data.map((c) => c.id)).toEqual([ids['anna']]);
    expect((await search('decision=declined')).data.map((c) => c.id)).toEqual([ids['bert']]);
    expect((await search(`workflowId=${workflowId}`)).total).toBe(2);
    expect((await search('status=created')).total).toBe(3);
    const page1 = await search('limit=2');
    expect(page1.data).toHaveLength(2);
    expect(page1.total).toBe(5);
    const page2 = await search(`limit=2&cursor=${page1.nextCursor}`);
    const page3 = await search(`limit=2&cursor=${page2.nextCursor}`);
    expect(page3.nextCursor).toBeNull();
    const all = [...page1.data, ...page2.data, ...page3.data].map((c) => c.id);
    expect(new Set(all).size).toBe(5);
    const bad = await viewer.json('GET', '/v1/cases?status=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await viewer.json('GET', '/v1/cases?limit=0')).status).toBe(400);
    // Another application sees none of them.
    expect((await server.otherApi.json('GET', '/v1/cases')).body.total).toBe(0);
  });

  it('summarises each case: name, document number, reasons, who decided', async () => {
    const [bert] = (await search(`q=${ids['bert']}`)).data as unknown as Record<string, unknown>[];
    expect(bert).toMatchObject({
      status: 'declined',
      name: "Bert O'Brien_50%",
      decisionStatus: 'declined',
      reasonCodes: ['FACE_MISMATCH'],
      decidedBy: { reviewer: `staff:${reviewer.user.id}` },
    });
    const [anna] = (await search('q=meier')).data as unknown as Record<string, unknown>[];
    expect(anna).toMatchObject({ documentNumber: 'C01X00T47', reasonCodes: ['MEDIA_MISSING'] });
  });

  it('gives dashboard figures: volume, decisions by status, automation rate, time to decision, decline reasons', async () => {
    const stats = await viewer.json('GET', '/v1/stats?interval=day');
    expect(stats.status).toBe(200);
    const s = stats.body;
    const today = s.series.at(-1);
    expect(today.created).toBe(5);
    expect(today.submitted).toBe(2);
    expect(s.decisionsByStatus).toMatchObject({ declined: 1, review: 1 });
    expect(s.decided).toBe(1);
    expect(s.automationRate).toBe(0); // the one final decision was a person's
    expect(s.medianSecondsToDecision).toBeGreaterThanOrEqual(0);
    expect(s.topDeclineReasons).toEqual([{ code: 'FACE_MISMATCH', count: 1 }]);
    expect(s.waitingForReview).toBe(1);
    expect(s.series).toHaveLength(31);

    const months = await viewer.json(
      'GET',
      '/v1/stats?interval=month&from=2020-01-01T00:00:00Z&to=2020-03-01T00:00:00Z',
    );
    expect(months.body.series.map((b: { start: string }) => b.start)).toEqual([
      '2020-01-01T00:00:00.000Z',
      '2020-02-01T00:00:00.000Z',
    ]);
    expect(months.body.decided).toBe(0);
    expect(months.body.automationRate).toBeNull();
    const backwards = await viewer.json('GET', '/v1/stats?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    const tooMany = await viewer.json(
      'GET',
      '/v1/stats?interval=day&from=2020-01-01T00:00:00Z&to=2023-01-01T00:00:00Z',
    );
    expect(tooMany.status).toBe(400);
  });

  it('counts usage per month and per check', async () => {
    const u = await viewer.json('GET', '/v1/usage');
    expect(u.status).toBe(200);
    expect(u.body.months).toHaveLength(13);
    expect(u.body.totals).toEqual({
      sessions: 5,
      verifications: 2,
      decided: 2,
      checks: { 'image-quality': 2 },
    });
    const month = u.body.months.at(-1);
    expect(month.month).toBe(new Date().toISOString().slice(0, 7));
    expect(month.checks).toEqual({ 'image-quality': 2 });
  });

  it('lists verified people by vendorData with their sessions', async () => {
    const people = await viewer.json('GET', '/v1/users');
    expect(people.body.total).toBe(4);
    const anna = people.body.data.find((p: { vendorData: string }) => p.vendorData === 'cust-anna');
    expect(anna).toMatchObject({ sessions: 2, latestSessionId: ids['open0'], latestStatus: 'created' });
    expect(
      (await viewer.json('GET', '/v1/users?q=bert')).body.data.map(
        (p: { vendorData: string }) => p.vendorData,
      ),
    ).toEqual(['cust-bert']);
    const one = await viewer.json('GET', '/v1/users/cust-anna');
    expect(one.body.sessions.map((s: { id: string }) => s.id)).toEqual([ids['open0'], ids['anna']]);
    expect((await viewer.json('GET', '/v1/users/nobody')).status).toBe(404);
    const paged = await viewer.json('GET', '/v1/users?limit=1&offset=1');
    expect(paged.body.data).toHaveLength(1);
  });

  it('sends a signed test event to a webhook endpoint and logs it', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await server.api.json('POST', '/v1/webhooks', {
        url: receiver.url,
        events: ['session.decided'],
      });
      const t = await server.api.json('POST', `/v1/webhooks/${hook.body.id}/test`);
      expect(t.status).toBe(202);
      expect(t.body).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
      const got = await waitFor(async () => receiver.received[0], 15_000, 'the test event');
      expect(got.json.type).toBe('webhook.test');
      expect(got.headers['openidv-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const log = await waitFor(async () => {
        const l = await server.api.json('GET', `/v1/webhooks/${hook.body.id}/deliveries`);
        return l.body.data[0]?.status === 'delivered' && l.body.data[0];
      });
      expect(log.eventType).toBe('webhook.test');
      expect((await server.api.json('POST', '/v1/webhooks/wh_nope/test')).status).toBe(404);
      expect((await reviewer.json('POST', `/v1/webhooks/${hook.body.id}/test`)).status).toBe(403);
    } finally {
      await receiver.close();
    }
  });
});
