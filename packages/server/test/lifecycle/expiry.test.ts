import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/platform/platform.ts';
import { expireSessions } from '../../src/usecases/sessions/expire-sessions.ts';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';

describe.each(await testDialects())('session expiry, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    [server, receiver] = await Promise.all([startTestServer(dialect), startReceiver()]);
    await server.api.json('POST', '/v1/webhooks', {
      url: receiver.url,
      events: ['session.expired', 'session.abandoned'],
    });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('marks unopened sessions expired and opened ones abandoned once their lifetime ends, and says so by webhook', async () => {
    const { body: fresh } = await server.api.json('POST', '/v1/sessions', { lifetimeSeconds: 60 });
    const { body: opened } = await server.api.json('POST', '/v1/sessions', { lifetimeSeconds: 60 });
    const { body: alive } = await server.api.json('POST', '/v1/sessions', { lifetimeSeconds: 3600 });
    // The applicant opens the link: the journey page asks for its state.
    const token = new URL(opened.url).pathname.split('/').at(-1);
    await fetch(`${server.api.base}/j/${token}/api/session`);
    expect((await server.api.json('GET', `/v1/sessions/${opened.id}`)).body.status).toBe('started');

    // Their lifetime runs out (as time would make it), and the periodic sweep runs.
    const db = server.db.open();
    await db.db
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1 })
      .where('id', 'in', [fresh.id, opened.id])
      .execute();
    await db.close();
    const later = await createPlatform(server.config);
    try {
      expect(await expireSessions(later)).toBe(2);
      expect(await expireSessions(later)).toBe(0); // idempotent
    } finally {
      await later.close();
    }
    expect((await server.api.json('GET', `/v1/sessions/${fresh.id}`)).body.status).toBe('expired');
    expect((await server.api.json('GET', `/v1/sessions/${opened.id}`)).body.status).toBe('abandoned');
    expect((await server.api.json('GET', `/v1/sessions/${alive.id}`)).body.status).toBe('created');
    const hooks = await waitFor(
      async () => receiver.received.length >= 2 && receiver.received,
      15_000,
      'two webhooks',
    );
    expect(hooks.map((h) => `${h.json.type}:${h.json.data.session.id}`).sort()).toEqual(
      [`session.abandoned:${opened.id}`, `session.expired:${fresh.id}`].sort(),
    );
    const freshToken = new URL(fresh.url).pathname.split('/').at(-1);
    const state = (await (await fetch(`${server.api.base}/j/${freshToken}/api/session`)).json()) as {
      phase: string;
    };
    expect(state.phase).toBe('expired');
  });
});
