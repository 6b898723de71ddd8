/**
 * Builds the console into dist/ with Vite. Run by the repository's `prepare` (so `npm install` builds it), by
 * `openidv start` and by the browser tests whenever a source file is newer than the build. The build goes to a
 * temporary folder first and is renamed into place, so a running server never sees half a build.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const MARKER = 'build.json';

function newestSource(): number {
  let newest = 0;
  const walk = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ['src', 'index.html', 'vite.config.ts', 'package.json']) walk(join(root, p));
  return newest;
}

/** True when dist/ is missing or older than a source file. */
export function consoleBuildIsStale(): boolean {
  const marker = join(dist, MARKER);
  return !existsSync(marker) || statSync(marker).mtimeMs < newestSource();
}

export async function buildConsole(): Promise<{ buildMs: number }> {
  const started = Date.now();
  const { build } = await import('vite');
  const tmp = join(root, `.dist-${process.pid}-${Date.now()}`);
  try {
    await build({ configFile: join(root, 'vite.config.ts'), build: { outDir: tmp }, logLevel: 'warn' });
    const report = { builtAt: new Date().toISOString(), buildMs: Date.now() - started };
    writeFileSync(join(tmp, MARKER), `${JSON.stringify(report)}\n`);
    rmSync(dist, { recursive: true, force: true });
    try {
      renameSync(tmp, dist);
    } catch {
      // another process finished the same build first
    }
    return report;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Builds when stale. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (consoleBuildIsStale()) await buildConsole();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await buildConsole();
  console.log(`console built in ${r.buildMs} ms`);
}
