import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';

describe.each(await testDialects())('webhook delivery, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer(dialect, { OPENIDV_WEBHOOK_TIMEOUT: '500ms' });
  });
  afterAll(async () => server?.close());

  it('retries a failing endpoint on the schedule, with the same event id, and logs every attempt', async () => {
    // 500, then a hang (timeout), then success.
    const receiver = await startReceiver((n) => (n === 1 ? 500 : n === 2 ? 'hang' : 200));
    try {
      const hook = await server.api.json('POST', '/v1/webhooks', {
        url: receiver.url,
        events: ['session.created'],
      });
      const { body: s } = await server.api.json('POST', '/v1/sessions', { vendorData: 'retry' });
      await waitFor(async () => receiver.received.length >= 3, 20_000, 'three attempts');
      const ids = receiver.received.map((r) => r.json.id);
      expect(new Set(ids).size).toBe(1);
      expect(receiver.received.map((r) => r.headers['openidv-delivery-attempt'])).toEqual(['1', '2', '3']);
      expect(receiver.received[0]!.json.data.session.id).toBe(s.id);

      const log = await waitFor(async () => {
        const l = await server.api.json('GET', `/v1/webhooks/${hook.body.id}/deliveries`);
        return l.body.data[0]?.status === 'delivered' && l.body;
      });
      const delivery = await server.api.json(
        'GET',
        `/v1/webhooks/${hook.body.id}/deliveries/${log.data[0].id}`,
      );
      expect(delivery.body.attemptLog.map((a: { statusCode: number | null }) => a.statusCode)).toEqual([
        500,
        null,
        200,
      ]);
      expect(delivery.body.attemptLog[1].error).toMatch(/timed out/);
      expect(delivery.body.payload).toBe(receiver.received[0]!.body);

      // Redelivery sends the same event again, freshly signed.
      const re = await server.api.json(
        'POST',
        `/v1/webhooks/${hook.body.id}/deliveries/${log.data[0].id}/redeliver`,
      );
      expect(re.status).toBe(202);
      await waitFor(async () => receiver.received.length >= 4);
      expect(receiver.received[3]!.json.id).toBe(ids[0]);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the last scheduled retry and marks the delivery failed', async () => {
    const receiver = await startReceiver(() => 503);
    try {
      const hook = await server.api.json('POST', '/v1/webhooks', {
        url: receiver.url,
        events: ['session.created'],
      });
      await server.api.json('POST', '/v1/sessions', {});
      const failed = await waitFor(
        async () => {
          const l = await server.api.json('GET', `/v1/webhooks/${hook.body.id}/deliveries`);
          return l.body.data[0]?.status === 'failed' && l.body.data[0];
        },
        20_000,
        'a failed delivery',
      );
      // First try plus one per entry of the test schedule (1s,1s,1s).
      expect(failed.attempts).toBe(4);
      expect(receiver.received).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });

  it('sends only the subscribed events, and nothing after the endpoint is deleted', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await server.api.json('POST', '/v1/webhooks', {
        url: receiver.url,
        events: ['session.cancelled'],
      });
      const { body: s } = await server.api.json('POST', '/v1/sessions', {});
      await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'cancelled' });
      await waitFor(async () => receiver.received.length >= 1);
      expect(receiver.received.map((r) => r.json.type)).toEqual(['session.cancelled']);
      expect((await server.api.request('DELETE', `/v1/webhooks/${hook.body.id}`)).status).toBe(204);
      const { body: s2 } = await server.api.json('POST', '/v1/sessions', {});
      await server.api.json('PATCH', `/v1/sessions/${s2.id}`, { status: 'cancelled' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('validates endpoints: bad URLs, unknown events, credentials in the URL', async () => {
    for (const body of [
      { url: 'not a url', events: ['*'] },
      { url: 'ftp://example.com/x', events: ['*'] },
      { url: 'https://user:pw@example.com/x', events: ['*'] },
      { url: 'https://example.com/x', events: ['session.exploded'] },
      { url: 'https://example.com/x', events: [] },
    ]) {
      const res = await server.api.json('POST', '/v1/webhooks', body);
      expect([400, 422]).toContain(res.status);
      expect(res.body.error.code).toMatch(/VALIDATION_FAILED|WEBHOOK_URL_NOT_ALLOWED/);
    }
  });

  it('can sign with the application secret printed at first start', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await server.api.json('POST', '/v1/webhooks', {
        url: receiver.url,
        events: ['session.created'],
        useApplicationSecret: true,
      });
      expect(hook.body.secret).toBe(server.webhookSecret);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook targets in private ranges', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'false' });
  });
  afterAll(async () => server?.close());

  it('are refused unless OPENIDV_WEBHOOK_ALLOW_PRIVATE=true', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://192.168.0.10/x',
      'http://172.16.5.4/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://100.64.0.1/x',
    ]) {
      const res = await server.api.json('POST', '/v1/webhooks', { url, events: ['*'] });
      expect([url, res.status, res.body.error?.code]).toEqual([url, 422, 'WEBHOOK_URL_NOT_ALLOWED']);
    }
  });
});
