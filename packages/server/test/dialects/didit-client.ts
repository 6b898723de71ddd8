import { createHmac, timingSafeEqual } from 'node:crypto';

// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are read as Didit documents them
export const djson = (h: { json: unknown }) => h.json as Record<string, any>;

/**
 * A Didit integration as Didit's documentation tells integrators to write one: the `x-api-key` header on every
 * call, JSON bodies, trailing slashes on paths. Only the base URL points at openidv.
 */
export function diditClient(baseUrl: string, apiKey: string) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'x-api-key': apiKey,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const raw = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      // biome-ignore lint/suspicious/noExplicitAny: responses are read as the vendor documents them
      body: (raw ? JSON.parse(raw) : null) as any,
    };
  }
  return {
    call,
    createSession: (body: Record<string, unknown>) => call('POST', '/v3/session/', body),
    decision: (id: string) => call('GET', `/v3/session/${id}/decision/`),
    updateStatus: (id: string, body: Record<string, unknown>) =>
      call('PATCH', `/v3/session/${id}/update-status/`, body),
  };
}

const hmac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload, 'utf8').digest('hex');

function equalHex(expected: string, received: string | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function freshTimestamp(timestamp: string | undefined, nowSeconds: number): boolean {
  const t = Number(timestamp);
  return Number.isInteger(t) && Math.abs(nowSeconds - t) <= 300;
}

/** Didit's recipe for X-Signature-V2: sort keys recursively, write whole-number floats as integers. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value)) return Math.trunc(value);
  return value;
}

type Headers = Record<string, string | string[] | undefined>;
const one = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Verifies a Didit webhook the three ways Didit documents, each rejecting a timestamp more than five minutes
 * from the receiver's clock: `X-Signature` over the raw body, `X-Signature-V2` over the parsed body re-encoded
 * (what a receiver behind body-parsing middleware can do), `X-Signature-Simple` over
 * "timestamp:session_id:status:webhook_type".
 */
export function verifyDiditWebhook(
  rawBody: string,
  headers: Headers,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
) {
  const timestamp = one(headers, 'x-timestamp');
  const fresh = freshTimestamp(timestamp, nowSeconds);
  const parsed = JSON.parse(rawBody) as { session_id: string; status: string; webhook_type: string };
  return {
    raw: fresh && equalHex(hmac(secret, rawBody), one(headers, 'x-signature')),
    v2: fresh && equalHex(hmac(secret, JSON.stringify(canonical(parsed))), one(headers, 'x-signature-v2')),
    simple:
      fresh &&
      equalHex(
        hmac(secret, `${timestamp}:${parsed.session_id}:${parsed.status}:${parsed.webhook_type}`),
        one(headers, 'x-signature-simple'),
      ),
  };
}
