import { lookup } from 'node:dns/promises';
import { DomainError } from '@openidv/domain';
import ipaddr from 'ipaddr.js';

/**
 * Webhook targets must be public unless the operator allows private ones: otherwise anyone with an API key
 * could make openidv call into its own network (SSRF). Checked when the endpoint is saved and again, on the
 * resolved addresses, at every delivery (DNS can change between the two).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

export function assertWebhookUrlShape(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'url: must be an absolute http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError('WEBHOOK_URL_NOT_ALLOWED', 'Webhook URLs must use https (or http).');
  }
  if (url.username || url.password) {
    throw new DomainError(
      'WEBHOOK_URL_NOT_ALLOWED',
      'Webhook URLs must not carry credentials; they are signed instead.',
    );
  }
  return url;
}

/** Resolves the host and returns its addresses, refusing private ones unless allowed. */
export async function resolveWebhookTarget(
  url: URL,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }]
    : await lookup(host, { all: true, verbatim: true }).catch(() => {
        throw new DomainError('WEBHOOK_URL_NOT_ALLOWED', `The webhook host "${host}" does not resolve.`);
      });
  if (!allowPrivate) {
    const blocked = addresses.filter((a) => !isPublicAddress(a.address));
    if (blocked.length) {
      throw new DomainError(
        'WEBHOOK_URL_NOT_ALLOWED',
        `The webhook host "${host}" resolves to a private or loopback address; set OPENIDV_WEBHOOK_ALLOW_PRIVATE=true to allow that.`,
      );
    }
  }
  return addresses;
}
