import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An iDenfy integration as iDenfy's documentation tells integrators to write one: every call is a POST with
 * JSON under `/api/v2/` and HTTP Basic `API_KEY:API_SECRET`. Only the base URL points at openidv.
 */
export function idenfyClient(baseUrl: string, apiKey: string, apiSecret: string) {
  const basic = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${baseUrl}/api/v2/${path}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const raw = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      raw,
      // biome-ignore lint/suspicious/noExplicitAny: responses are read as the vendor documents them
      body: (raw && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(raw) : null) as any,
    };
  }
  return {
    post,
    token: (body: Record<string, unknown>) => post('token', body),
    status: (scanRef: string) => post('status', { scanRef }),
    data: (scanRef: string) => post('data', { scanRef }),
    process: (body: Record<string, unknown>) => post('process', body),
    remove: (scanRef: string) => post('delete', { scanRef }),
  };
}

/**
 * iDenfy's webhook check (documentation.idenfy.com/security/callback-signing): compute the hex HMAC-SHA256 of
 * the raw request body with the signing key and compare it, in constant time, with the `Idenfy-Signature`
 * header.
 */
export function isValidIdenfyWebhook(
  rawBody: string,
  signature: string | undefined,
  signingKey: string,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(createHmac('sha256', signingKey).update(rawBody).digest('hex'));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
