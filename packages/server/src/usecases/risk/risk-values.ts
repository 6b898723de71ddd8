import { createHmac } from 'node:crypto';
import { type BlocklistKind, DomainError, foldText, type SignalKind } from '@openidv/domain';
import ipaddr from 'ipaddr.js';
import type { Platform } from '../../platform/platform.ts';

/**
 * The one place values become comparable: normalised so that spellings of the same thing meet, then digested
 * with a key derived from the master key (HMAC-SHA256, per application), so the database holds no emails, phones,
 * IPs, device ids or document numbers, and digests from different applications cannot be linked.
 */
export type ValueKind = SignalKind | BlocklistKind | 'user' | 'identity' | 'document-use';

/** Mailbox providers that ignore dots in the local part. */
const DOTLESS = new Set(['gmail.com', 'googlemail.com']);

export function normaliseValue(kind: ValueKind, raw: string): string | undefined {
  const v = raw.trim();
  if (!v) return undefined;
  switch (kind) {
    case 'email': {
      const at = v.lastIndexOf('@');
      if (at < 1) return undefined;
      const domain = v.slice(at + 1).toLowerCase();
      let local = v.slice(0, at).toLowerCase();
      const plus = local.indexOf('+');
      if (plus > 0) local = local.slice(0, plus); // anna+kyc@ and anna@ are one mailbox
      if (DOTLESS.has(domain)) local = local.replace(/\./g, '');
      return `${local}@${domain === 'googlemail.com' ? 'gmail.com' : domain}`;
    }
    case 'phone': {
      const digits = v.replace(/[^\d]/g, '');
      if (digits.length < 4) return undefined;
      if (v.startsWith('+')) return `+${digits}`;
      if (digits.startsWith('00')) return `+${digits.slice(2)}`;
      return digits;
    }
    case 'ip': {
      try {
        return ipaddr.process(v).toString();
      } catch {
        return undefined;
      }
    }
    case 'document': {
      const f = foldText(v);
      return f.length >= 4 ? f : undefined;
    }
    default:
      return v;
  }
}

export function digestValue(
  platform: Platform,
  applicationId: string,
  kind: ValueKind,
  normalised: string,
): string {
  return createHmac('sha256', riskKey(platform))
    .update(`${applicationId}\0${kind}\0${normalised}`)
    .digest('base64url');
}

/** Normalises and digests; undefined when the value is not of its kind. */
export function digestOf(
  platform: Platform,
  applicationId: string,
  kind: ValueKind,
  raw: string,
): string | undefined {
  const n = normaliseValue(kind, raw);
  return n === undefined ? undefined : digestValue(platform, applicationId, kind, n);
}

const keys = new WeakMap<Platform, Buffer>();
function riskKey(platform: Platform): Buffer {
  let k = keys.get(platform);
  if (!k) {
    k = platform.envelope.deriveKey('risk-digests-v1');
    keys.set(platform, k);
  }
  return k;
}

/** The masked form shown in listings: enough to recognise an entry, not enough to read it back. */
export function maskValue(kind: BlocklistKind, normalised: string): string {
  const stars = (n: number) => '*'.repeat(Math.max(1, n));
  switch (kind) {
    case 'email': {
      const [local, domain] = [
        normalised.slice(0, normalised.lastIndexOf('@')),
        normalised.slice(normalised.lastIndexOf('@') + 1),
      ];
      return `${local.slice(0, 1)}${stars(Math.min(local.length - 1, 3))}@${domain}`;
    }
    case 'phone':
      return `${normalised.slice(0, 4)}${stars(normalised.length - 6)}${normalised.slice(-2)}`;
    case 'ip': {
      if (normalised.includes(':')) return `${normalised.split(':').slice(0, 3).join(':')}:*`;
      return `${normalised.split('.').slice(0, 3).join('.')}.*`;
    }
    case 'document':
      return `${normalised.slice(0, 2)}${stars(normalised.length - 4)}${normalised.slice(-2)}`;
  }
}

/** Normalises a value an operator wants to block, or explains why it is not one. */
export function blocklistValue(kind: BlocklistKind, raw: string): string {
  const n = normaliseValue(kind, raw);
  const ok =
    n !== undefined &&
    (kind === 'email'
      ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(n)
      : kind === 'phone'
        ? /^\+\d{6,17}$/.test(n)
        : kind === 'document'
          ? n.length <= 40
          : true);
  if (!ok) {
    const what = {
      email: 'an email address',
      phone: 'a phone number in international form (+country code)',
      ip: 'an IP address',
      document: 'a document number (4 to 40 letters and digits)',
    }[kind];
    throw new DomainError('VALIDATION_FAILED', `value: not ${what}.`);
  }
  return n!;
}
