import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that encrypts media and secrets at rest: given in configuration (base64, 32 bytes), or generated on
 * first start into the data directory with mode 0600.
 */
export function loadOrCreateMasterKey(
  dataDir: string,
  configured?: string,
): { key: Buffer; created: boolean } {
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error('OPENIDV_MASTER_KEY must be 32 bytes, base64-encoded.');
    return { key, created: false };
  }
  const path = join(dataDir, 'master.key');
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key.`);
    return { key, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, created: true };
}
