/**
 * Builds the journey into dist/ with Vite and measures it (dist/size.json). Run by the repository's `prepare`
 * (so `npm install` builds it), by `openidv start` and by the browser tests when the sources are newer than the
 * build. The build goes to a temporary folder first, so a server never sees half a build.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** The budget of the issue: the journey's JavaScript, all chunks together, gzipped. */
export const JS_BUDGET_GZIP = 150 * 1024;

export interface AssetSize {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
  /** Loaded by index.html (first screen) rather than on demand. */
  initial: boolean;
}
export interface SizeReport {
  builtAt: string;
  buildMs: number;
  assets: AssetSize[];
  jsGzip: number;
  initialJsGzip: number;
  cssGzip: number;
  budgetGzip: number;
}

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
export function journeyBuildIsStale(): boolean {
  const marker = join(dist, 'size.json');
  if (!existsSync(marker)) return true;
  return statSync(marker).mtimeMs < newestSource();
}

export async function buildJourney(): Promise<SizeReport> {
  const started = Date.now();
  const { build } = await import('vite');
  const tmp = join(root, `.dist-${process.pid}-${Date.now()}`);
  await build({ configFile: join(root, 'vite.config.ts'), build: { outDir: tmp }, logLevel: 'warn' });
  const html = readFileSync(join(tmp, 'index.html'), 'utf8');
  const assets: AssetSize[] = readdirSync(join(tmp, 'assets'))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(tmp, 'assets', file));
      return {
        file,
        bytes: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
        brotli: brotliCompressSync(bytes).length,
        initial: html.includes(`assets/${file}`),
      };
    });
  const sum = (xs: AssetSize[]) => xs.reduce((a, x) => a + x.gzip, 0);
  const js = assets.filter((a) => a.file.endsWith('.js'));
  const report: SizeReport = {
    builtAt: new Date().toISOString(),
    buildMs: Date.now() - started,
    assets,
    jsGzip: sum(js),
    initialJsGzip: sum(js.filter((a) => a.initial)),
    cssGzip: sum(assets.filter((a) => a.file.endsWith('.css'))),
    budgetGzip: JS_BUDGET_GZIP,
  };
  if (report.jsGzip > JS_BUDGET_GZIP) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `The journey's JavaScript is ${report.jsGzip} bytes gzipped, over the ${JS_BUDGET_GZIP} budget.`,
    );
  }
  writeFileSync(join(tmp, 'size.json'), `${JSON.stringify(report, null, 2)}\n`);
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(tmp, dist);
  } catch {
    // Another process finished the same build first.
    rmSync(tmp, { recursive: true, force: true });
  }
  return report;
}

/** Builds when stale; returns the size report of the build in dist/. */
export async function ensureJourneyBuilt(): Promise<SizeReport> {
  if (journeyBuildIsStale()) {
    mkdirSync(root, { recursive: true });
    return buildJourney();
  }
  return JSON.parse(readFileSync(join(dist, 'size.json'), 'utf8')) as SizeReport;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await buildJourney();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `journey built in ${r.buildMs} ms: JavaScript ${kb(r.jsGzip)} gzipped (first screen ${kb(r.initialJsGzip)}), CSS ${kb(r.cssGzip)}; budget ${kb(r.budgetGzip)}`,
  );
}
