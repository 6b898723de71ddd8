import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainError, newId } from '@openidv/domain';
import { type DialectCredentialRow, dialects, webhooks } from '@openidv/storage';
import type { DialectName } from '../../dialects/dialect.ts';
import type { Platform } from '../../platform/platform.ts';
import { assertWebhookUrlShape, resolveWebhookTarget } from '../webhooks/assert-webhook-url.ts';
import { createEndpoint, deleteEndpoint } from '../webhooks/manage-endpoints.ts';

const CACHE_MS = 2_000;

/** Random letters and digits (the shape iDenfy, Didit and Hopae keys have). */
function alphanumeric(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n && i < bytes.length; i++) {
    // 62 * 4 = 248: rejection sampling keeps every character equally likely.
    if (bytes[i]! < 248) out += alphabet[bytes[i]! % 62];
  }
  return out.length === n ? out : out + alphanumeric(n - out.length);
}

/** Keys and secrets in the vendor's own shapes, so integrations that validate them keep working. */
function newKeyPair(dialect: DialectName): { key: string; secret: string } {
  switch (dialect) {
    case 'veriff':
      return { key: randomUUID(), secret: randomUUID() }; // both are UUID v4 at Veriff (122 random bits each)
    case 'idenfy':
      return { key: alphanumeric(32), secret: alphanumeric(48) };
    case 'didit':
      return { key: alphanumeric(43), secret: alphanumeric(43) };
    case 'hopae':
      return { key: alphanumeric(24), secret: alphanumeric(48) };
  }
}

export function hashDialectKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface AuthenticatedCredential {
  credential: DialectCredentialRow;
  key: string;
  secret: string;
}

const secretAad = (id: string) => `dialect:${id}`;
const keyAad = (id: string) => `dialect-key:${id}`;

export async function createDialectCredential(
  platform: Platform,
  applicationId: string,
  input: { name: string; dialect: DialectName; webhookUrl?: string | undefined },
) {
  // A refused webhook URL must not leave a credential behind that the caller never received: check it first.
  if (input.webhookUrl) {
    if (!platform.webhookFormats.get(input.dialect)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The ${input.dialect} dialect has no webhooks in this build.`,
      );
    }
    await resolveWebhookTarget(assertWebhookUrlShape(input.webhookUrl), platform.config.webhookAllowPrivate);
  }
  const now = platform.now();
  const id = newId('key', now.getTime());
  const { key, secret } = newKeyPair(input.dialect);
  await dialects.insertCredential(platform.database.db, {
    id,
    applicationId,
    dialect: input.dialect,
    name: input.name,
    integrationId: randomUUID(),
    keyPrefix: key.slice(0, 8),
    keyHash: hashDialectKey(key),
    secretEnc: platform.envelope.sealString(secret, secretAad(id)),
    // Veriff and Didit echo the key in webhook headers, so it is kept sealed next to its hash.
    settings: { keyEnc: platform.envelope.sealString(key, keyAad(id)) },
    createdAt: now,
  });
  const webhookUrl = input.webhookUrl
    ? (await setDialectWebhook(platform, applicationId, id, input.webhookUrl)).url
    : null;
  const credential = (await dialects.findCredential(platform.database.db, applicationId, id))!;
  return { ...presentCredential(platform, credential, webhookUrl), key, secret };
}

export function dialectBaseUrl(platform: Platform, dialect: DialectName): string {
  // Hopae's base URL already ends in the API version (https://sandbox.api.hopae.com/connect/v1).
  return `${platform.config.publicUrl}/compat/${dialect}${dialect === 'hopae' ? '/connect/v1' : ''}`;
}

export function presentCredential(platform: Platform, c: DialectCredentialRow, webhookUrl: string | null) {
  const dialect = c.dialect as DialectName;
  return {
    id: c.id,
    name: c.name,
    dialect,
    keyPrefix: c.keyPrefix,
    integrationId: c.integrationId,
    baseUrl: dialectBaseUrl(platform, dialect),
    webhookUrl,
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
  };
}

export async function listDialectCredentials(platform: Platform, applicationId: string) {
  const rows = await dialects.listCredentials(platform.database.db, applicationId);
  return Promise.all(
    rows.map(async (c) => {
      const e = await webhooks.findEndpointByCredential(platform.database.db, c.id);
      return presentCredential(platform, c, e?.url ?? null);
    }),
  );
}

async function findLiveCredential(platform: Platform, applicationId: string, id: string) {
  const c = await dialects.findCredential(platform.database.db, applicationId, id);
  if (!c) throw new DomainError('NOT_FOUND', `No dialect credential ${id}.`);
  if (c.revokedAt) throw new DomainError('INVALID_TRANSITION', `The credential ${id} is revoked.`);
  return c;
}

/**
 * Sets (or with null, removes) the webhook URL of a dialect credential. The URL becomes a webhook endpoint of
 * the credential's dialect format: it hears about the sessions created with this credential, in the vendor's
 * shape, signed with the credential's secret the vendor's way.
 */
export async function setDialectWebhook(
  platform: Platform,
  applicationId: string,
  credentialId: string,
  url: string | null,
) {
  const c = await findLiveCredential(platform, applicationId, credentialId);
  const format = platform.webhookFormats.get(c.dialect);
  if (url && !format) {
    throw new DomainError('VALIDATION_FAILED', `The ${c.dialect} dialect has no webhooks in this build.`);
  }
  const previous = await webhooks.findEndpointByCredential(platform.database.db, c.id);
  let created: Awaited<ReturnType<typeof createEndpoint>> | null = null;
  if (url) {
    const secret = platform.envelope.openString(c.secretEnc, secretAad(c.id));
    created = await createEndpoint(platform, applicationId, { url, events: [...format!.events] }, secret, {
      format: c.dialect,
      credentialId: c.id,
    });
  }
  if (previous) await deleteEndpoint(platform, applicationId, previous.id);
  return { url: created?.url ?? null, endpointId: created?.id ?? null };
}

export async function revokeDialectCredential(platform: Platform, applicationId: string, id: string) {
  const c = await dialects.findCredential(platform.database.db, applicationId, id);
  if (!c) throw new DomainError('NOT_FOUND', `No dialect credential ${id}.`);
  await dialects.revokeCredential(platform.database.db, applicationId, id, platform.now().getTime());
  const e = await webhooks.findEndpointByCredential(platform.database.db, id);
  if (e) await deleteEndpoint(platform, applicationId, e.id);
  platform.caches.dialectKeys.clear();
}

/**
 * The credential a dialect request presents, with its secret opened; null for an unknown key. A revoked
 * credential is returned (with `revokedAt`) so the dialect can answer the vendor's "not active" error.
 */
export async function authenticateDialectKey(
  platform: Platform,
  dialect: DialectName,
  key: string,
): Promise<AuthenticatedCredential | null> {
  const hash = hashDialectKey(key);
  const cacheKey = `${dialect}:${hash}`;
  const t = Date.now();
  const cached = platform.caches.dialectKeys.get(cacheKey);
  if (cached && t - cached.at < CACHE_MS) return cached.value as AuthenticatedCredential | null;
  const c = await dialects.findCredentialByKeyHash(platform.database.db, dialect, hash);
  const value = c
    ? { credential: c, key, secret: platform.envelope.openString(c.secretEnc, secretAad(c.id)) }
    : null;
  if (platform.caches.dialectKeys.size > 10_000) platform.caches.dialectKeys.clear();
  platform.caches.dialectKeys.set(cacheKey, { at: t, value });
  if (c && !c.revokedAt && (!c.lastUsedAt || t - c.lastUsedAt.getTime() > 60_000)) {
    void dialects.touchCredential(platform.database.db, c.id, t).catch(() => {});
  }
  return value;
}

/** The key of a credential, for webhook headers that carry it (Veriff's X-AUTH-CLIENT). */
export function openCredentialKey(platform: Platform, c: DialectCredentialRow): string | null {
  const enc = c.settings['keyEnc'];
  return typeof enc === 'string' ? platform.envelope.openString(enc, keyAad(c.id)) : null;
}
