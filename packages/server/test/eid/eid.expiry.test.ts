import { sessions } from '@openidv/storage';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { JobRunner } from '../../src/jobs/job-runner.ts';
import { createPlatform, type Platform } from '../../src/platform/platform.ts';
import { pollPush } from '../../src/usecases/eid/eid-sign-in.ts';
import { startTestServer, waitFor } from '../support/harness.ts';
import { bankIdProvider, signIn, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

const PERSON = '19900101-1234';
const MINUTE = 60_000;

describe.each(await testDialects())(
  'eID sign-ins that run out, and push polls across processes (%s)',
  (dialect) => {
    let server: Server;
    let idp: TestProvider;
    let base = '';
    beforeAll(async () => {
      server = await startTestServer(dialect, { OPENIDV_EID_SIGN_IN_LIFETIME: '2m' });
      base = server.api.base.replace('127.0.0.1', 'localhost');
      idp = await startTestProvider(() => `${base}/eid/callback`);
      const p = await server.api.json('POST', '/v1/identity-providers', bankIdProvider(idp));
      expect(p.status, JSON.stringify(p.body)).toBe(201);
      const w = await server.api.json('POST', '/v1/workflows', {
        name: 'eID only',
        checks: [{ type: 'eid', config: { providers: ['bankidse'] } }],
        isDefault: true,
      });
      expect(w.status, JSON.stringify(w.body)).toBe(201);
    });
    afterAll(async () => {
      await idp?.close();
      await server?.close();
    });

    async function session() {
      const r = await server.api.json('POST', '/v1/sessions', {});
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return { id: r.body.id as string, token: new URL(r.body.url).pathname.split('/')[2]! };
    }
    /** Another server process on the same database, as a platform in this one; `later` shifts its clock. */
    async function otherProcess(later = 0): Promise<Platform> {
      return createPlatform(server.config, { now: () => new Date(Date.now() + later) });
    }
    const stored = (platform: Platform, id: string) =>
      platform.database.db
        .selectFrom('eid_transactions')
        .select(['status', 'error_code', 'secrets_enc', 'finished_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    it('sweeps sign-ins nobody finished: marked expired, secrets erased, a late callback refused, a new sign-in possible', async () => {
      const s = await session();
      const redirect = await server.api.json('GET', `/v1/sessions/${s.id}/eid/bankidse/start`);
      expect(redirect.status, JSON.stringify(redirect.body)).toBe(200);
      const signInRow = redirect.body.signIn as Json;
      // The configured lifetime (OPENIDV_EID_SIGN_IN_LIFETIME=2m) bounds a redirect sign-in.
      expect(Date.parse(signInRow.expiresAt) - Date.parse(signInRow.createdAt)).toBe(2 * MINUTE);
      const push = await server.api.json('POST', `/v1/sessions/${s.id}/eid/bankidse/push`, {
        loginHint: PERSON,
      });
      expect(push.status, JSON.stringify(push.body)).toBe(201);
      const pushId = push.body.signIn.id as string;

      // The periodic sweep of a server whose clock is past both lifetimes (2 min; the provider's 120 s for push).
      const later = await otherProcess(10 * MINUTE);
      try {
        expect((await stored(later, signInRow.id)).secrets_enc).not.toBe('');
        const runner = new JobRunner(later, jobHandlers(later));
        runner.start();
        try {
          await waitFor(async () => (await stored(later, pushId)).status !== 'pending');
        } finally {
          await runner.stop();
        }
        for (const id of [signInRow.id, pushId]) {
          const row = await stored(later, id);
          expect(row).toMatchObject({ status: 'failed', error_code: 'EID_EXPIRED', secrets_enc: '' });
          expect(row.finished_at).not.toBeNull();
        }
      } finally {
        await later.close();
      }

      // The provider's redirect back arrives late (on a server whose clock has not reached the expiry): refused as
      // expired, not exchanged, and the browser is sent to its journey.
      const state = new URL(redirect.body.authorizationUrl).searchParams.get('state')!;
      const late = await fetch(`${base}/eid/callback?code=late-code&state=${encodeURIComponent(state)}`, {
        redirect: 'manual',
      });
      expect(late.status).toBe(302);
      const back = new URL(late.headers.get('location')!);
      expect(back.pathname).toBe(`/j/${s.token}`);
      expect(back.searchParams.get('eid')).toBe('EID_EXPIRED');
      const poll = await server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${pushId}`);
      expect(poll.status).toBe(409);
      expect(poll.body.error.code).toBe('EID_EXPIRED');
      expect((await server.api.json('GET', `/v1/sessions/${s.id}/decision`)).body.status).toBe('pending');

      // The session is still open: a new sign-in verifies the person.
      const again = await signIn(`${base}/j/${s.token}/eid/bankidse/start`, PERSON);
      expect(again.searchParams.get('eid')).toBe('done');
      const d = await waitFor(async () => {
        const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
        return r.body.status !== 'pending' && r.body;
      });
      expect(d.status).toBe('approved');
    });

    it('keeps a sign-in within its lifetime', async () => {
      const s = await session();
      const redirect = await server.api.json('GET', `/v1/sessions/${s.id}/eid/bankidse/start`);
      const soon = await otherProcess(MINUTE);
      try {
        const runner = new JobRunner(soon, jobHandlers(soon));
        runner.start();
        await runner.sweep();
        await runner.stop();
        const row = await stored(soon, redirect.body.signIn.id);
        expect(row.status).toBe('pending');
        expect(row.secrets_enc).not.toBe('');
      } finally {
        await soon.close();
      }
    });

    // SQLite is one process's database; several server processes share PostgreSQL (skipped, and said so by
    // testDialects, when no PostgreSQL is reachable).
    it.runIf(dialect === 'postgres')(
      'completes a push once when two server processes poll it at the same time',
      async () => {
        const s = await session();
        const push = await server.api.json('POST', `/v1/sessions/${s.id}/eid/bankidse/push`, {
          loginHint: PERSON,
        });
        expect(push.status, JSON.stringify(push.body)).toBe(201);
        const id = push.body.signIn.id as string;
        await waitFor(async () => idp.pendingPush().includes(PERSON));
        await idp.answerPush(PERSON, true);

        const [a, b] = [await otherProcess(), await otherProcess()];
        try {
          const row = (await sessions.findSessionById(a.database.db, s.id))!;
          const before = idp.tokenRequests();
          const outcomes = await Promise.all([pollPush(a, row, id), pollPush(b, row, id)]);
          // Only the process holding the lease asked the token endpoint; the other answered from the database.
          expect(idp.tokenRequests() - before).toBe(1);
          expect(outcomes.map((o) => o.transaction.status)).toContain('completed');
        } finally {
          await a.close();
          await b.close();
        }
        const done = await server.api.json('GET', `/v1/sessions/${s.id}/eid/sign-ins/${id}`);
        expect(done.body.status).toBe('completed');
        const events = await server.api.json('GET', `/v1/sessions/${s.id}/events`);
        expect(events.body.data.filter((e: Json) => e.type === 'session.submitted')).toHaveLength(1);
      },
    );
  },
);
