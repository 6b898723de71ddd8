import { risk } from '@openidv/storage';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';

/** The risk checks in one workflow, as an integrator would set them up. */
const RISK_WORKFLOW = {
  name: 'Risk signals',
  checks: [
    { type: 'ip-risk', reasonActions: { IP_HOSTING: 'none', IP_COUNTRY_MISMATCH: 'none' } },
    { type: 'email-risk' },
    { type: 'phone-risk' },
    { type: 'velocity' },
    { type: 'blocklist' },
  ],
  rules: [
    {
      id: 'hosting_abroad',
      name: 'Hosting IP from another country',
      if: { all: [{ reason: 'IP_HOSTING' }, { reason: 'IP_COUNTRY_MISMATCH' }] },
      then: 'review',
    },
  ],
};

type Server = Awaited<ReturnType<typeof startTestServer>>;
interface Decision {
  status: string;
  reasons: { code: string; message: string; check: string; action: string }[];
  riskLabels: string[];
}
const codes = (d: { reasons: { code: string }[] }) => d.reasons.map((r) => r.code);

describe.each(await testDialects())('risk signals through the API, on %s', (dialect) => {
  let server: Server;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let workflowId: string;

  /** Creates a session, posts what the journey collected, submits it and waits for the decision. */
  async function verify(
    session: Record<string, unknown>,
    collected: Record<string, string>,
    wf = workflowId,
  ): Promise<{ id: string; decision: Decision }> {
    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId: wf, ...session });
    const c = await server.api.json('POST', `/v1/sessions/${s.id}/collected-data`, collected);
    expect(c.status).toBe(200);
    expect((await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' })).status).toBe(
      200,
    );
    const decision = await waitFor(
      async () => {
        const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
        return r.body.status !== 'pending' && (r.body as Decision);
      },
      30_000,
      `decision of ${s.id}`,
    );
    return { id: s.id, decision };
  }

  beforeAll(async () => {
    [server, receiver] = await Promise.all([startTestServer(dialect), startReceiver()]);
    await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['session.decided'] });
    const w = await server.api.json('POST', '/v1/workflows', RISK_WORKFLOW);
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    workflowId = w.body.id;
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('sends a Tor session with a disposable email on a device used by five other identities to review, each reason in the decision and the webhook', async () => {
    const people = [
      ['Mari', 'Tamm', '1985-02-11'],
      ['Jaan', 'Kask', '1979-09-30'],
      ['Liis', 'Saar', '1992-12-01'],
      ['Peeter', 'Mets', '1968-06-15'],
      ['Kadri', 'Lepp', '2000-03-22'],
    ];
    for (const [i, [firstName, lastName, dateOfBirth]] of people.entries()) {
      await verify(
        { vendorData: `user-${i}`, person: { firstName, lastName, dateOfBirth } },
        { deviceFingerprint: 'fp-9f8e7d6c', ip: '81.2.69.160' },
      );
    }
    const { id, decision } = await verify(
      {
        vendorData: 'user-anna',
        person: { firstName: 'Anna', lastName: 'Meier', dateOfBirth: '1990-05-17' },
      },
      { ip: '185.220.101.1', email: 'anna.m@mailinator.com', deviceFingerprint: 'fp-9f8e7d6c' },
    );
    expect(decision.status).toBe('review');
    expect(codes(decision)).toEqual(expect.arrayContaining(['IP_TOR', 'EMAIL_DISPOSABLE', 'SHARED_DEVICE']));
    expect(decision.riskLabels).toEqual(expect.arrayContaining(['tor', 'disposable-email', 'shared-device']));
    const shared = decision.reasons.find((r) => r.code === 'SHARED_DEVICE');
    expect(shared).toMatchObject({ check: 'velocity', action: 'review' });
    expect(shared?.message).toMatch(/used by 5 other identities and 5 other users/);
    const hook = await waitFor(
      async () => receiver.received.find((h) => h.json.data.session?.id === id),
      15_000,
      'session.decided webhook',
    );
    expect(hook.json.type).toBe('session.decided');
    expect(codes(hook.json.data.decision)).toEqual(
      expect.arrayContaining(['IP_TOR', 'EMAIL_DISPOSABLE', 'SHARED_DEVICE']),
    );
  });

  it('applies a rule over two signals (hosting IP abroad) and flags a VoIP phone', async () => {
    const { decision } = await verify(
      { vendorData: 'user-h', document: { country: 'EST' } },
      { ip: '78.46.1.1', phone: '+44 56 1234 5678' },
    );
    expect(codes(decision)).toEqual([
      'IP_HOSTING',
      'IP_COUNTRY_MISMATCH',
      'PHONE_VOIP',
      'RULE_HOSTING_ABROAD',
    ]);
    expect(decision.reasons.map((r: { action: string }) => r.action)).toEqual([
      'none',
      'none',
      'review',
      'review',
    ]);
    expect(decision.reasons[3]).toMatchObject({
      check: 'rules',
      message:
        'Rule "Hosting IP from another country" matched: IP_HOSTING was raised and IP_COUNTRY_MISMATCH was raised.',
    });
    expect(decision.status).toBe('review');
  });

  it('declines values on the blocklists: email, phone, IP and document number', async () => {
    for (const [kind, value] of [
      ['email', 'Fraud.Ring+kyc@Example.com'],
      ['phone', '+372 5123 4567'],
      ['ip', '193.138.218.74'],
      ['document', 'AB 123-4567'],
    ]) {
      const r = await server.api.json('POST', `/v1/blocklists/${kind}`, { value, note: 'chargeback ring' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const { decision } = await verify(
      { vendorData: 'user-b', document: { number: 'ab1234567' } },
      { ip: '193.138.218.74', email: 'fraud.ring@example.com', phone: '+37251234567' },
    );
    expect(decision.status).toBe('declined');
    expect(codes(decision)).toEqual([
      'IP_VPN_OR_PROXY',
      'IP_BLOCKLISTED',
      'EMAIL_BLOCKLISTED',
      'PHONE_BLOCKLISTED',
      'DOCUMENT_BLOCKLISTED',
    ]);
  });

  it('raises VELOCITY_DEVICE, VELOCITY_IP and IP_COUNTRY_RESTRICTED with the limits of the workflow', async () => {
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'Strict',
      checks: [
        { type: 'ip-risk', config: { restrictedCountries: ['GBR'] } },
        { type: 'velocity', config: { device: { maxOtherSessions: 1 }, ip: { maxOtherSessions: 1 } } },
      ],
    });
    expect(w.status).toBe(201);
    const collected = { ip: '81.2.69.161', deviceFingerprint: 'fp-burst-1' };
    await verify({ vendorData: 'same-user' }, collected, w.body.id);
    await verify({ vendorData: 'same-user' }, collected, w.body.id);
    const { decision } = await verify({ vendorData: 'same-user' }, collected, w.body.id);
    expect(codes(decision)).toEqual(['IP_COUNTRY_RESTRICTED', 'VELOCITY_DEVICE', 'VELOCITY_IP']);
    expect(decision.status).toBe('declined');
  });

  it('keeps only keyed digests of collected values, and erases them with the session', async () => {
    const { id } = await verify(
      { vendorData: 'user-del' },
      { ip: '81.2.69.162', email: 'erase.me@example.org', deviceFingerprint: 'fp-del' },
    );
    const database = server.db.open();
    try {
      const rows = await risk.listSignalsBySession(database.db, id);
      expect(rows.map((r) => r.kind)).toEqual(['device', 'email', 'ip']);
      const stored = JSON.stringify(rows);
      for (const raw of ['81.2.69.162', 'erase.me', 'example.org', 'fp-del', 'user-del'])
        expect(stored).not.toContain(raw);
      const all = await database.db.selectFrom('blocklist_entries').selectAll().execute();
      expect(JSON.stringify(all)).not.toContain('fraud.ring@example.com');
      expect((await server.api.request('DELETE', `/v1/sessions/${id}`)).status).toBe(204);
      expect(await risk.listSignalsBySession(database.db, id)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('manages blocklists: masked listings, idempotent adds, lookups, removal, clear errors', async () => {
    const add = await server.api.json('POST', '/v1/blocklists/email', { value: 'Someone.Else@Example.com' });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({ kind: 'email', display: 's***@example.com', note: null });
    const again = await server.api.json('POST', '/v1/blocklists/email', {
      value: 'someone.else+x@example.com',
    });
    expect(again).toMatchObject({ status: 200, body: { id: add.body.id } });
    const list = await server.api.json('GET', '/v1/blocklists/email?limit=1');
    expect(list.body.data[0]).toMatchObject({ id: add.body.id, display: 's***@example.com' });
    expect(list.body.nextCursor).toBe(add.body.id);
    const next = await server.api.json('GET', `/v1/blocklists/email?cursor=${list.body.nextCursor}`);
    expect(next.body.data.map((e: { display: string }) => e.display)).toEqual(['f***@example.com']);
    const phones = await server.api.json('GET', '/v1/blocklists/phone');
    expect(phones.body.data.map((e: { display: string }) => e.display)).toEqual(['+372******67']);
    const ips = await server.api.json('GET', '/v1/blocklists/ip');
    expect(ips.body.data.map((e: { display: string }) => e.display)).toEqual(['193.138.218.*']);
    const docs = await server.api.json('GET', '/v1/blocklists/document');
    expect(docs.body.data.map((e: { display: string }) => e.display)).toEqual(['AB*****67']);
    const lookup = await server.api.json('POST', '/v1/blocklists/email/lookup', {
      value: 'SOMEONE.ELSE@example.com',
    });
    expect(lookup.body).toMatchObject({ blocked: true, entry: { id: add.body.id } });
    expect((await server.otherApi.json('GET', '/v1/blocklists/email')).body.data).toEqual([]);
    expect((await server.otherApi.request('DELETE', `/v1/blocklists/email/${add.body.id}`)).status).toBe(404);
    expect((await server.api.request('DELETE', `/v1/blocklists/phone/${add.body.id}`)).status).toBe(404);
    expect((await server.api.request('DELETE', `/v1/blocklists/email/${add.body.id}`)).status).toBe(204);
    expect(
      (await server.api.json('POST', '/v1/blocklists/email/lookup', { value: 'someone.else@example.com' }))
        .body.blocked,
    ).toBe(false);
    const bad = await server.api.json('POST', '/v1/blocklists/ip', { value: '300.1.2.3' });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'value: not an IP address.' } },
    });
    expect((await server.api.json('POST', '/v1/blocklists/passport', { value: 'x' })).status).toBe(400);
    const national = await server.api.json('POST', '/v1/blocklists/phone', { value: '5123 4567' });
    expect(national.body.error.message).toBe(
      'value: not a phone number in international form (+country code).',
    );
  });

  it('refuses a workflow whose rules are wrong, naming the rule and the problem', async () => {
    const post = (rules: unknown) => server.api.json('POST', '/v1/workflows', { ...RISK_WORKFLOW, rules });
    const typo = await post([{ id: 'tor', name: 'Tor exits', if: { reason: 'IP_TORR' }, then: 'decline' }]);
    expect(typo.status).toBe(422);
    expect(typo.body.error).toMatchObject({
      code: 'WORKFLOW_INVALID',
      message:
        'rules[0] ("Tor exits"): if: no check of this workflow raises "IP_TORR" (did you mean "IP_TOR"?)',
    });
    const shape = await post([
      { id: 'ok', name: 'Fine', if: { riskLabel: 'tor' }, then: 'review' },
      { id: 'age', name: 'Too young', if: { all: [{ field: 'person.age' }] }, then: 'approve' },
    ]);
    expect(shape.status).toBe(422);
    expect(shape.body.error.details.problems).toEqual([
      'rules[1] ("Too young"): then: must be "review", "resubmit" or "decline" (rules only make a decision stricter)',
      'rules[1] ("Too young"): if.all[0]: a field condition needs exactly one operator of eq, ne, lt, lte, gt, gte, in, notIn, exists (found none)',
    ]);
    const missingCheck = await post([
      { id: 'face', name: 'Weak face', if: { field: 'checks.face-match.score', lt: 0.8 }, then: 'review' },
    ]);
    expect(missingCheck.body.error.message).toBe(
      'rules[0] ("Weak face"): if.field: check "face-match" is not in this workflow',
    );
    const update = await server.api.json('PUT', `/v1/workflows/${workflowId}`, {
      ...RISK_WORKFLOW,
      rules: [{ id: 'x', name: 'Bad field', if: { field: 'person.shoeSize', gt: 40 }, then: 'review' }],
    });
    expect(update.status).toBe(422);
    expect(update.body.error.message).toMatch(
      /^rules\[0\] \("Bad field"\): if.field: unknown field "person.shoeSize"/,
    );
    // the workflow is unchanged and its rules are readable
    const current = await server.api.json('GET', `/v1/workflows/${workflowId}`);
    expect(current.body).toMatchObject({ version: 1, rules: RISK_WORKFLOW.rules });
  });

  it('dry-runs a workflow change over the latest decided sessions and shows which decisions would change', async () => {
    const candidate = {
      ...RISK_WORKFLOW,
      rules: [
        ...RISK_WORKFLOW.rules,
        { id: 'tor', name: 'Tor exits are declined', if: { reason: 'IP_TOR' }, then: 'decline' },
      ],
    };
    const r = await server.api.json('POST', `/v1/workflows/${workflowId}/dry-run`, {
      workflow: candidate,
      limit: 50,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ evaluated: 8, skipped: 0 });
    expect(r.body.changed).toBe(1);
    expect(r.body.transitions).toEqual({ 'review→declined': 1 });
    const changed = r.body.sessions.find((s: { changed: boolean }) => s.changed);
    expect(changed.current.reasons).toEqual(
      expect.arrayContaining(['IP_TOR', 'EMAIL_DISPOSABLE', 'SHARED_DEVICE']),
    );
    expect(changed.candidate).toMatchObject({ status: 'declined' });
    expect(changed.candidate.reasons).toContain('RULE_TOR');
    // loosening: without the hosting rule the hosting session would be approved
    const loose = await server.api.json('POST', `/v1/workflows/${workflowId}/dry-run`, {
      workflow: {
        ...RISK_WORKFLOW,
        checks: RISK_WORKFLOW.checks.filter((c) => c.type !== 'phone-risk'),
        rules: [],
      },
      limit: 50,
    });
    expect(loose.body.transitions).toMatchObject({ 'review→approved': 1 });
    // nothing was saved
    expect((await server.api.json('GET', `/v1/workflows/${workflowId}`)).body.version).toBe(1);
    const invalid = await server.api.json('POST', `/v1/workflows/${workflowId}/dry-run`, {
      workflow: { ...candidate, rules: [{ id: 'y', name: 'Nope', if: { reason: 'NOPE' }, then: 'review' }] },
    });
    expect(invalid.status).toBe(422);
    expect(
      (await server.api.json('POST', '/v1/workflows/wf_missing/dry-run', { workflow: candidate })).status,
    ).toBe(404);
  });

  it('documents the blocklists, the dry run, the rules and the new checks in the API reference', async () => {
    const res = await fetch(`${server.api.base}/openapi.json`);
    const doc = (await res.json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/blocklists/{kind}',
        '/v1/blocklists/{kind}/{id}',
        '/v1/blocklists/{kind}/lookup',
        '/v1/workflows/{id}/dry-run',
      ]),
    );
    expect(JSON.stringify(doc.components.schemas['Workflow'])).toContain('RULE_<ID>');
    const checks = await server.api.json('GET', '/v1/checks');
    const types = checks.body.data.map((c: { type: string }) => c.type);
    expect(types).toEqual(
      expect.arrayContaining(['ip-risk', 'email-risk', 'phone-risk', 'velocity', 'blocklist']),
    );
  });
});
