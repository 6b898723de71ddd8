import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`), driven by playwright-core. */
export const CHROMIUM = process.env.OPENIDV_CHROMIUM ?? '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results', 'journey');
/** The ICAO specimen passport and a face that are photographed in the journey tests. */
export const PASSPORT = join(ROOT, 'examples/fixtures/specimen-passport-td3.jpg');
export const FACE = join(ROOT, 'packages/biometrics/fixtures/person-a.jpg');

export function browserAvailable(): boolean {
  const ok = existsSync(CHROMIUM) && commandExists('ffmpeg');
  if (!ok && process.env.CI)
    throw new Error(`CI needs ${CHROMIUM} and ffmpeg (apt-get install -y chromium ffmpeg).`);
  if (!ok)
    console.warn(
      `skipping the browser tests: ${CHROMIUM} or ffmpeg is missing (apt-get install -y chromium ffmpeg)`,
    );
  return ok;
}

/** Chromium alone, for the tests that need no fake camera (the console, the vendors' SDKs). */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`CI needs ${CHROMIUM} (apt-get install -y chromium).`);
  console.warn(
    `skipping the browser tests that need Chromium: ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
  return false;
}

function commandExists(cmd: string): boolean {
  try {
    execFileSync(cmd, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Y4M video for Chromium's fake camera from a still photo: the photo centred on a dark 1280×720 frame
 * (the size a phone's camera offers at 720p), scaled to `fill` of the frame. `exposure` is an ffmpeg filter
 * applied first: a scanned document's pure white becomes the light grey a camera sees of paper.
 */
export function stillVideo(image: string, out: string, fill = 0.86, exposure = ''): string {
  mkdirSync(dirname(out), { recursive: true });
  const w = Math.round((1280 * fill) / 2) * 2;
  const h = Math.round((720 * fill) / 2) * 2;
  const tmp = `${out}.tmp.y4m`;
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-loop', '1', '-i', image],
    ...[
      '-vf',
      `${exposure}scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=0x202020,format=yuv420p`,
    ],
    ...['-frames:v', '3', '-f', 'yuv4mpegpipe', tmp],
  ]);
  renameSync(tmp, out);
  return out;
}

/**
 * A fake camera (give `file` to launchChromium) in a temporary folder, with the passport and the face as
 * videos; it starts on the passport, and `shows` changes what it plays from the next time a page starts it.
 */
export function fakeCamera(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `openidv-${name}-`));
  const file = join(dir, 'camera.y4m');
  const camera = {
    file,
    // A scanned page's pure white made the light grey a camera sees of paper.
    passport: stillVideo(PASSPORT, join(dir, 'passport.y4m'), 0.86, 'eq=contrast=0.85:brightness=-0.05,'),
    face: stillVideo(FACE, join(dir, 'face.y4m'), 0.95),
    shows(video: string) {
      copyFileSync(video, `${file}.next`);
      renameSync(`${file}.next`, file);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  camera.shows(camera.passport);
  return camera;
}

/**
 * Debian's Chromium, headless, with the flags this closed network needs. Given a `video`, it gets a fake camera
 * that plays it; the file is opened each time a page starts the camera, so a test can swap what the camera
 * "sees" between steps by renaming another video over it.
 */
export function launchChromium(video?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(video
        ? [
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${video}`,
          ]
        : []),
    ],
  });
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 1,
} as const;
export const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } as const;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (or frame); returns the serious and critical violations. */
export async function axeViolations(target: Page | Frame): Promise<string[]> {
  const has = await target.evaluate(() => 'axe' in globalThis);
  if (!has) await target.evaluate(axeSource);
  const results = (await target.evaluate(() =>
    (globalThis as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({
      resultTypes: ['violations'],
    }),
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export async function screenshot(page: Page, viewport: string, name: string): Promise<void> {
  const dir = join(RESULTS, viewport);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
