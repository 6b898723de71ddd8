#!/usr/bin/env node
// An integrator's whole round trip, with nothing but Node's standard library:
// create a session, upload a photo, submit, poll the decision, and receive the signed webhook.
//
//   OPENIDV_URL=http://localhost:8080 OPENIDV_API_KEY=oidv_… node examples/end-to-end.mjs [photo.jpg]
//
// The server must allow webhooks to this machine (OPENIDV_WEBHOOK_ALLOW_PRIVATE=true), because the
// receiver below listens on 127.0.0.1. Exits 0 when the decision is final and the webhook signature verifies.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const base = (process.env.OPENIDV_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const key = process.env.OPENIDV_API_KEY;
const photoPath = process.argv[2] ?? new URL('./fixtures/specimen-passport-td3.jpg', import.meta.url);
if (!key) {
  console.error(
    'Set OPENIDV_API_KEY (printed at first start, or: npx openidv keys create --name demo --json).',
  );
  process.exit(2);
}

async function api(method, path, body) {
  const res = await fetch(`${base}/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body && !(body instanceof FormData) && { 'content-type': 'application/json' }),
    },
    body: body instanceof FormData ? body : body && JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// 1. A webhook receiver that verifies signatures the documented way: HMAC-SHA256 over "<t>.<raw body>".
const decided = [];
let secret;
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const header = String(req.headers['openidv-signature'] ?? '');
    const parts = Object.fromEntries(header.split(',').map((p) => p.split('=')));
    const expected = createHmac('sha256', secret).update(`${parts.t}.${raw}`).digest();
    const given = Buffer.from(parts.v1 ?? '', 'hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
    const valid = fresh && given.length === expected.length && timingSafeEqual(given, expected);
    res.writeHead(valid ? 200 : 400).end();
    const event = JSON.parse(raw);
    console.log(`webhook ${event.type} (${event.id}) signature ${valid ? 'valid' : 'INVALID'}`);
    if (event.type === 'session.decided') decided.push({ event, valid });
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${receiver.address().port}/openidv`;

try {
  const endpoint = await api('POST', '/webhooks', { url: hookUrl, events: ['session.decided'] });
  secret = endpoint.secret;

  // 2. A workflow that needs only a document photo, judged for quality.
  const workflow = await api('POST', '/workflows', {
    name: 'Document photo only (example)',
    checks: [{ type: 'image-quality', config: { required: ['document-front'] } }],
  });

  // 3. The session, the photo, the submission.
  const session = await api('POST', '/sessions', { workflowId: workflow.id, vendorData: 'example-user-1' });
  console.log(`session ${session.id}: send the applicant to ${session.url}`);
  const form = new FormData();
  form.append('context', 'document-front');
  form.append('file', new Blob([readFileSync(photoPath)]), 'document.jpg');
  const media = await api('POST', `/sessions/${session.id}/media`, form);
  console.log(`uploaded ${media.mimeType}, ${media.size} bytes`);
  await api('PATCH', `/sessions/${session.id}`, { status: 'submitted' });

  // 4. Poll the decision until it is final.
  let decision;
  for (let i = 0; i < 300; i++) {
    decision = await api('GET', `/sessions/${session.id}/decision`);
    if (decision.status !== 'pending') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(
    `decision: ${decision.status}${decision.reasons.length ? ` (${decision.reasons.map((r) => r.code).join(', ')})` : ''}`,
  );

  // 5. And the webhook.
  for (let i = 0; i < 300 && decided.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  await api('DELETE', `/webhooks/${endpoint.id}`);
  const hook = decided[0];
  const ok =
    decision.status !== 'pending' && hook?.valid && hook.event.data.decision.status === decision.status;
  console.log(ok ? 'OK: decision polled and webhook verified' : 'FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  receiver.close();
}
