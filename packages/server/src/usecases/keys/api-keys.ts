import { createHash, randomBytes } from 'node:crypto';
import { DomainError, newId } from '@openidv/domain';
import { apiKeys } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';

const KEY_CACHE_MS = 2_000;

/** Keys are 256 random bits: a fast hash is enough to store them (no dictionary to guess from). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(platform: Platform, applicationId: string, name: string) {
  const now = platform.now();
  const key = `oidv_${randomBytes(32).toString('base64url')}`;
  const id = newId('key', now.getTime());
  const prefix = key.slice(0, 12);
  await apiKeys.insertApiKey(platform.database.db, {
    id,
    applicationId,
    name,
    prefix,
    hash: hashApiKey(key),
    now: now.getTime(),
  });
  return { id, name, prefix, key, applicationId, createdAt: now };
}

export async function revokeApiKey(platform: Platform, applicationId: string, id: string): Promise<void> {
  const found = await apiKeys.revokeApiKey(platform.database.db, applicationId, id, platform.now().getTime());
  if (!found) throw new DomainError('NOT_FOUND', `No API key ${id}.`);
  // Revocation takes effect at once in this process, and within KEY_CACHE_MS in any other.
  platform.caches.apiKeys.clear();
}

/** The application a bearer key belongs to, or null for an unknown or revoked key. */
export async function authenticateApiKey(
  platform: Platform,
  key: string,
): Promise<{ keyId: string; applicationId: string } | null> {
  const hash = hashApiKey(key);
  const t = Date.now();
  const cached = platform.caches.apiKeys.get(hash);
  if (cached && t - cached.at < KEY_CACHE_MS) return cached.value;
  const row = await apiKeys.findApiKeyByHash(platform.database.db, hash);
  const value = row && !row.revokedAt ? { keyId: row.id, applicationId: row.applicationId } : null;
  if (platform.caches.apiKeys.size > 10_000) platform.caches.apiKeys.clear();
  platform.caches.apiKeys.set(hash, { at: t, value });
  if (row && value && (!row.lastUsedAt || t - row.lastUsedAt.getTime() > 60_000)) {
    // Coarse "last used" so the hot path does not write on every request.
    void apiKeys.touchApiKey(platform.database.db, row.id, t).catch(() => {});
  }
  return value;
}
