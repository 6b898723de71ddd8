import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diditJson, diditWebhookFormat } from './webhook-format.ts';

const secret = 'webhook-secret';
const hmac = (payload: string) => createHmac('sha256', secret).update(payload).digest('hex');
const event = new Date('2026-05-01T10:00:00Z');
const body = diditJson({
  webhook_type: 'status.updated',
  status: 'Approved',
  session_id: '5b3720ed-d429-42ef-b67f-37ea805f48ee',
  timestamp: event.getTime() / 1000,
  decision: { score: 97.5, count: 2, name: 'Müller' },
});
const sign = (now: Date) => diditWebhookFormat.headers({ secret, key: null, body, now });

describe("Didit's webhook signatures", () => {
  it('writes bodies with sorted keys, compact, characters unescaped', () => {
    expect(body).toBe(
      '{"decision":{"count":2,"name":"Müller","score":97.5},"session_id":"5b3720ed-d429-42ef-b67f-37ea805f48ee","status":"Approved","timestamp":1777629600,"webhook_type":"status.updated"}',
    );
  });

  it('signs the raw body, the re-encoded body and the four Simple fields with the webhook secret', () => {
    const h = sign(new Date(event.getTime() + 2_000));
    expect(h['x-timestamp']).toBe('1777629600');
    expect(h['x-signature']).toBe(hmac(body));
    expect(h['x-signature-v2']).toBe(hmac(JSON.stringify(JSON.parse(body))));
    expect(h['x-signature-simple']).toBe(
      hmac('1777629600:5b3720ed-d429-42ef-b67f-37ea805f48ee:Approved:status.updated'),
    );
  });

  it("gives a late retry its own time, so it passes the receiver's five-minute window", () => {
    const retry = new Date(event.getTime() + 10 * 60_000);
    const h = sign(retry);
    expect(h['x-timestamp']).toBe(String(retry.getTime() / 1000));
    expect(h['x-signature-simple']).toBe(
      hmac(`${retry.getTime() / 1000}:5b3720ed-d429-42ef-b67f-37ea805f48ee:Approved:status.updated`),
    );
    expect(h['x-signature']).toBe(hmac(body));
  });
});
