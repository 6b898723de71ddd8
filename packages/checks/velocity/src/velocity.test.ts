import type { CheckServices, SessionEvidence, SignalKind, SignalsPort } from '@openidv/domain';
import { describe, expect, it } from 'vitest';
import { velocityCheck, velocityConfigSchema } from './velocity-check.ts';

/** An in-memory signal store with the port's semantics: other sessions within the window, distinct users and identities. */
function memoryStore(now: number) {
  const rows: {
    session: string;
    kind: SignalKind;
    value: string;
    user: string;
    identity?: string;
    at: number;
  }[] = [];
  let current = '';
  const port: SignalsPort = {
    async count(kind, value, { windowMs, identity }) {
      const hits = rows.filter(
        (r) => r.kind === kind && r.value === value && r.at >= now - windowMs && r.session !== current,
      );
      return {
        sessions: new Set(hits.map((r) => r.session)).size,
        users: new Set(hits.map((r) => r.user)).size,
        identities: new Set(hits.flatMap((r) => (r.identity && r.identity !== identity ? [r.identity] : [])))
          .size,
      };
    },
  };
  return {
    port,
    add: (
      session: string,
      kind: SignalKind,
      value: string,
      user: string,
      identity: string | undefined,
      agoMs = 0,
    ) => rows.push({ session, kind, value, user, ...(identity && { identity }), at: now - agoMs }),
    asSession: (s: string) => {
      current = s;
    },
  };
}

const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;
const services = (signals?: SignalsPort): CheckServices => ({
  saveArtifact: async () => 'unused',
  now: () => new Date(NOW),
  signal: new AbortController().signal,
  ...(signals && { signals }),
});
const evidence = (
  collected: SessionEvidence['collected'],
  person?: { firstName: string; lastName: string; dateOfBirth: string },
): SessionEvidence => ({
  applicationId: 'app',
  sessionId: 'ses_now',
  attemptId: 'att',
  expected: person ? { person } : {},
  collected,
  media: [],
  previous: {},
});
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);
const config = (c: object = {}) => velocityConfigSchema.parse(c);

describe('the velocity check', () => {
  it('flags a device used by five other identities (SHARED_DEVICE) and explains the counts', async () => {
    const store = memoryStore(NOW);
    for (let i = 1; i <= 5; i++)
      store.add(`ses_${i}`, 'device', 'fp-1', `user-${i}`, `person:P${i}`, i * HOUR);
    store.asSession('ses_now');
    const me = { firstName: 'Anna', lastName: 'Meier', dateOfBirth: '1990-05-17' };
    const out = await velocityCheck.run(
      evidence({ deviceFingerprint: 'fp-1' }, me),
      config(),
      services(store.port),
    );
    expect(codes(out)).toEqual(['SHARED_DEVICE']);
    expect(out.reasons[0]!.message).toBe(
      'This device was used by 5 other identities and 5 other users in the last 30 days.',
    );
    expect(out.evidence).toMatchObject({
      counts: { sharedDevice: { sessions: 5, users: 5, identities: 5 } },
      identityKnown: true,
    });
    expect(out.riskLabels).toEqual(['shared-device']);
  });

  it('does not count the same person coming back, nor sessions outside the window', async () => {
    const store = memoryStore(NOW);
    for (let i = 1; i <= 4; i++)
      store.add(`ses_${i}`, 'device', 'fp-2', 'user-1', 'person:MEIER|ANNA|1990-05-17', i * HOUR);
    for (let i = 5; i <= 9; i++)
      store.add(`ses_${i}`, 'device', 'fp-2', `user-${i}`, `person:X${i}`, 40 * 24 * HOUR);
    store.asSession('ses_now');
    const me = { firstName: 'Anna', lastName: 'Meier', dateOfBirth: '1990-05-17' };
    const out = await velocityCheck.run(
      evidence({ deviceFingerprint: 'fp-2' }, me),
      config(),
      services(store.port),
    );
    expect(out.status).toBe('passed');
  });

  it('raises VELOCITY_DEVICE and VELOCITY_IP on bursts, each with its own window and limits', async () => {
    const store = memoryStore(NOW);
    for (let i = 0; i < 12; i++) store.add(`d${i}`, 'device', 'fp-3', 'same-user', undefined, i * 60_000);
    for (let i = 0; i < 11; i++) store.add(`i${i}`, 'ip', '203.0.113.7', `u${i}`, undefined, i * 60_000);
    store.asSession('ses_now');
    const out = await velocityCheck.run(
      evidence({ deviceFingerprint: 'fp-3', ip: '203.0.113.7' }),
      config(),
      services(store.port),
    );
    expect(codes(out)).toEqual(['VELOCITY_DEVICE', 'VELOCITY_IP']);
    const relaxed = config({ device: { maxOtherSessions: 20 }, ip: { maxOtherUsers: 50 } });
    expect(
      codes(
        await velocityCheck.run(
          evidence({ deviceFingerprint: 'fp-3', ip: '203.0.113.7' }),
          relaxed,
          services(store.port),
        ),
      ),
    ).toEqual([]);
  });

  it('raises VELOCITY_EMAIL and VELOCITY_PHONE when other identities used the same contact details', async () => {
    const store = memoryStore(NOW);
    store.add('a', 'email', 'ring@example.com', 'u1', 'doc::A1111111');
    store.add('b', 'email', 'ring@example.com', 'u2', 'doc::B2222222');
    store.add('c', 'phone', '+37251234567', 'u3', 'doc::C3333333');
    store.add('d', 'phone', '+37251234567', 'u4', 'doc::D4444444');
    store.asSession('ses_now');
    const out = await velocityCheck.run(
      evidence({ email: 'ring@example.com', phone: '+37251234567' }),
      config(),
      services(store.port),
    );
    expect(codes(out)).toEqual(['VELOCITY_EMAIL', 'VELOCITY_PHONE']);
  });

  it('is not applicable without collected data or without a store', async () => {
    expect((await velocityCheck.run(evidence({}), config(), services(memoryStore(NOW).port))).status).toBe(
      'not_applicable',
    );
    expect((await velocityCheck.run(evidence({ ip: '203.0.113.7' }), config(), services())).status).toBe(
      'not_applicable',
    );
  });
});
