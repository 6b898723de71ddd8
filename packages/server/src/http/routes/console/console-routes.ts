import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { consoleDistDir } from '@openidv/console';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Only openidv's own scripts and styles; images from openidv (media) and blob:/data: (QR codes); no framing.
 * style-src allows the attribute styles Preact sets for chart geometry.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

interface Bundle {
  index: Buffer;
  assets: Map<string, { bytes: Buffer; type: string }>;
  builtAt: number;
}

let cached: Bundle | undefined;

/** The built console (packages/console/dist), read into memory; read again when a new build lands. */
function bundle(): Bundle | undefined {
  const marker = join(consoleDistDir, 'build.json');
  if (!existsSync(marker)) return undefined;
  const builtAt = statSync(marker).mtimeMs;
  if (cached && cached.builtAt === builtAt) return cached;
  const assets = new Map<string, { bytes: Buffer; type: string }>();
  const dir = join(consoleDistDir, 'assets');
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    assets.set(name, {
      bytes: readFileSync(join(dir, name)),
      type: TYPES[extname(name)] ?? 'application/octet-stream',
    });
  }
  cached = { index: readFileSync(join(consoleDistDir, 'index.html')), assets, builtAt };
  return cached;
}

function sendIndex(reply: FastifyReply) {
  const b = bundle();
  reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache');
  if (!b) {
    return reply
      .code(503)
      .type('text/plain; charset=utf-8')
      .send(
        'The console has not been built yet: run `npm install` (or `npm run build -w @openidv/console`).',
      );
  }
  return reply.type('text/html; charset=utf-8').send(b.index);
}

/** The back-office console: one page app at /console (every sub-path serves it), its assets, no API of its own. */
export function consoleRoutes(app: FastifyInstance): void {
  app.get('/console', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/console/assets/:file', { schema: { hide: true } }, (request, reply) => {
    const file = (request.params as { file: string }).file;
    const asset = bundle()?.assets.get(file);
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .type(asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(asset.bytes);
  });
  app.get('/console/*', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
}
