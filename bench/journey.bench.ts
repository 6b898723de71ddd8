/**
 * The applicant journey's weight and first screen: the production build's assets (raw, gzip, brotli), and the
 * time until the consent screen is shown in Debian's Chromium on an emulated slow phone (4× CPU slowdown,
 * 400 kbit/s down, 400 ms round trip), served by a real `openidv start`.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildJourney } from '@openidv/journey/build';
import { chromium } from 'playwright-core';
import type { Benchmark } from './run.ts';

const MAIN = fileURLToPath(new URL('../packages/server/src/cli/main.ts', import.meta.url));
const CHROMIUM = process.env.OPENIDV_CHROMIUM ?? '/usr/bin/chromium';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function startServer(dataDir: string) {
  const proc = fork(MAIN, ['start'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      OPENIDV_DATA_DIR: dataDir,
      OPENIDV_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  for (let i = 0; i < 600 && !/API key:\s+\S+/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
  const base = /API base URL:\s+(\S+)\/v1/.exec(out)![1]!.replace('localhost', '127.0.0.1');
  const key = /API key:\s+(\S+)/.exec(out)![1]!;
  return { proc, base, key };
}

async function firstScreen(runs: number): Promise<{ cold: number[]; warm: number[] } | null> {
  if (!existsSync(CHROMIUM)) return null;
  const dataDir = mkdtempSync(join(tmpdir(), 'openidv-bench-journey-'));
  const server = await startServer(dataDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const created = await fetch(`${server.base}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.json() as Promise<{ url: string }>);
      const url = `${server.base}${new URL(created.url).pathname}`;
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 400,
        downloadThroughput: (400 * 1024) / 8,
        uploadThroughput: (400 * 1024) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      for (const list of [cold, warm]) {
        const t = Date.now();
        await page.goto(url, { waitUntil: 'commit' });
        await page.locator('h1').waitFor({ timeout: 60_000 });
        list.push(Date.now() - t);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { cold, warm };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bench: Benchmark = {
  name: 'journey',
  async run() {
    const r = await buildJourney();
    const rows = r.assets.map(
      (a) =>
        `| \`${a.file.replace(/-[\w-]{8}\./, '-[hash].')}\` | ${a.initial ? 'first screen' : 'on demand'} | ${kb(a.bytes)} | ${kb(a.gzip)} | ${kb(a.brotli)} |`,
    );
    const timing = await firstScreen(3);
    const lines = [
      '## Applicant journey: bundle size and first screen',
      '',
      `Production build of \`packages/journey\` (Vite ${(await import('vite')).version}, Preact), built in ${(r.buildMs / 1000).toFixed(1)} s.`,
      `The budget is 150 KB of JavaScript, gzipped, for the whole journey: it is **${kb(r.jsGzip)}** (${((100 * r.jsGzip) / r.budgetGzip).toFixed(0)} % of the budget), of which **${kb(r.initialJsGzip)}** load with the first screen; the QR encoder loads only on a desktop's hand-off screen. CSS: ${kb(r.cssGzip)} gzipped.`,
      '',
      '| asset | loaded | raw | gzip | brotli |',
      '|---|---|---:|---:|---:|',
      ...rows,
      '',
    ];
    if (timing) {
      lines.push(
        `Time from navigation to the consent screen (its heading shown, after the state request) in Debian's Chromium at a phone viewport, with 4× CPU slowdown and a 400 kbit/s, 400 ms RTT network (an old phone on a poor 3G link), assets served brotli-compressed, median of ${timing.cold.length} sessions: **${(median(timing.cold) / 1000).toFixed(2)} s** with an empty cache, **${(median(timing.warm) / 1000).toFixed(2)} s** on reload (assets are cached as immutable).`,
        '',
      );
    } else {
      lines.push(`First-screen timing skipped: ${CHROMIUM} is not installed.`, '');
    }
    lines.push(
      'The build checks the budget itself (`npm run build -w @openidv/journey` fails above it) and writes `packages/journey/dist/size.json`.',
      '',
      'Reproduce: `npm run bench -- journey`.',
    );
    return lines.join('\n');
  },
};
export default bench;
