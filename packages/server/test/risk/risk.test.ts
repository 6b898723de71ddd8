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
  ): Promise<{ id: string; decision: any }> {
    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId: wf, ...session });
    const c = await server.api.json('POST', `/v1/sessions/${s.id}/collected-data`, collected);
    expect(c.status).toBe(200);
    expect((await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' })).status).toBe(200);
    const decision = await waitFor(
      async () => {
        const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
        return r.body.status !== 'pending' && r.body;
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
      { vendorData: 'user-anna', person: { firstName: 'Anna', lastName: 'Meier', dateOfBirth: '1990-05-17' } },
      { ip: '185.220.101.1', email: 'anna.m@mailinator.com', deviceFingerprint: 'fp-9f8e7d6c' },
    );
    expect(decision.status).toBe('review');
    expect(codes(decision)).toEqual(expect.arrayContaining(['IP_TOR', 'EMAIL_DISPOSABLE', 'SHARED_DEVICE']));
    expect(decision.riskLabels).toEqual(expect.arrayContaining(['tor', 'disposable-email', 'shared-device']));
    const shared = decision.reasons.find((r: { code: string }) => r.code === 'SHARED_DEVICE');
    expect(shared).toMatchObject({ check: 'velocity', action: 'review' });
    expect(shared.message).toMatch(/used by 5 other identities and 5 other users/);
    const hook = await waitFor(
      async () => receiver.received.find((h) => h.json.data.session?.id === id),
      15_000,
      'session.decided webhook',
    );
    expect(hook.json.type).toBe('session.decided');
    expect(codes(hook.json.data.decision)).toEqual(expect.arrayContaining(['IP_TOR', 'EMAIL_DISPOSABLE', 'SHARED_DEVICE']));
  });

  it('applies a rule over two signals (hosting IP abroad) and flags a VoIP phone', async () => {
    const { decision } = await verify(
      { vendorData: 'user-h', document: { country: 'EST' } },
      { ip: '78.46.1.1', phone: '+44 56 1234 5678' },
    );
    expect(codes(decision)).toEqual(['IP_HOSTING', 'IP_COUNTRY_MISMATCH', 'PHONE_VOIP', 'RULE_HOSTING_ABROAD']);
    expect(decision.reasons.map((r: { action: string }) => r.action)).toEqual(['none', 'none', 'review', 'review']);
    expect(decision.reasons[3]).toMatchObject({
      check: 'rules',
      message: 'Rule "Hosting IP from another country" matched: IP_HOSTING was raised and IP_COUNTRY_MISMATCH was raised.',
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
    const { id } = await verify({ vendorData: 'user-del' }, { ip: '81.2.69.162', email: 'erase.me@example.org', deviceFingerprint: 'fp-del' });
    const database = server.db.open();
    try {
      const rows = await risk.listSignalsBySession(database.db, id);
      expect(rows.map((r) => r.kind)).toEqual(['device', 'email', 'ip']);
      const stored = JSON.stringify(rows);
      for (const raw of ['81.2.69.162', 'erase.me', 'example.org', 'fp-del', 'user-del']) expect(stored).not.toContain(raw);
      const all = await database.db.selectFrom('blocklist_entries').selectAll().execute();
      expect(JSON.stringify(all)).not.toContain('fraud.ring@example.com');
      expect((await server.api.request('DELETE', `/v1/sessions/${id}`)).status).toBe(204);
      expect(await risk.listSignalsBySession(database.db, id)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
