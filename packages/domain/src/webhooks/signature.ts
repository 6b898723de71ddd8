import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `OpenIDV-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>">`.
 * The timestamp is signed with the body so that a captured delivery cannot be replayed later.
 */
export const SIGNATURE_HEADER = 'OpenIDV-Signature';

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface VerifyOptions {
  /** Reject signatures older (or further in the future) than this; default 300 s. */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

/** Verifies a header against any of the endpoint's active secrets, in constant time. */
export function verifySignature(
  secrets: string | string[],
  body: string,
  header: string,
  options: VerifyOptions = {},
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const k = item.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(i + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const candidates = parts.get('v1') ?? [];
  for (const secret of Array.isArray(secrets) ? secrets : [secrets]) {
    const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'), 'utf8');
    for (const c of candidates) {
      const given = Buffer.from(c, 'utf8');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    }
  }
  return false;
}
