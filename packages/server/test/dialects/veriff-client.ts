import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A Veriff integration as Veriff's documentation tells integrators to write one: `X-AUTH-CLIENT` with the API
 * key, `X-HMAC-SIGNATURE` = hex HMAC-SHA256 with the shared secret over the exact body (POST/PATCH) or the id
 * in the path (GET/DELETE), nothing to sign on POST /sessions. Only the base URL points at openidv.
 */
export function veriffClient(baseUrl: string, apiKey: string, sharedSecret: string) {
  const hmac = (payload: string | Buffer) => createHmac('sha256', sharedSecret).update(payload).digest('hex');
  async function call(
    method: string,
    path: string,
    options: { body?: unknown; signWith?: string; headers?: Record<string, string> } = {},
  ) {
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string> = { 'x-auth-client': apiKey, ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signed = options.signWith ?? body;
    if (signed !== undefined && !('x-hmac-signature' in headers) && !('x-signature' in headers))
      headers['x-hmac-signature'] = hmac(signed);
    const res = await fetch(`${baseUrl}/v1${path}`, { method, headers, ...(body !== undefined && { body }) });
    const raw = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      headers: res.headers,
      raw,
      // biome-ignore lint/suspicious/noExplicitAny: responses are read as the vendor documents them
      body: (type.includes('json') && raw.length ? JSON.parse(raw.toString('utf8')) : null) as any,
    };
  }
  return {
    hmac,
    legacySignature: (payload: string) =>
      createHash('sha256').update(payload).update(sharedSecret).digest('hex'),
    createSession: (verification: Record<string, unknown>, headers: Record<string, string> = {}) =>
      call('POST', '/sessions', { body: { verification }, headers, signWith: undefined }),
    uploadMedia: (id: string, context: string, bytes: Buffer, timestamp = new Date().toISOString()) =>
      call('POST', `/sessions/${id}/media`, {
        body: { image: { context, content: bytes.toString('base64'), timestamp } },
      }),
    collectedData: (id: string, data: Record<string, unknown>) =>
      call('POST', `/sessions/${id}/collected-data`, { body: data }),
    submit: (id: string, timestamp = new Date().toISOString()) =>
      call('PATCH', `/sessions/${id}`, { body: { verification: { status: 'submitted', timestamp } } }),
    get: (path: string, signedId: string) => call('GET', path, { signWith: signedId }),
    delete: (id: string) => call('DELETE', `/sessions/${id}`, { signWith: id }),
    call,
  };
}

/** Verifies a Veriff webhook the way Veriff's docs say: HMAC-SHA256 of the raw body, compared in constant time. */
export function isValidVeriffWebhook(
  rawBody: string,
  signature: string | undefined,
  sharedSecret: string,
): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', sharedSecret).update(Buffer.from(rawBody, 'utf8')).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
