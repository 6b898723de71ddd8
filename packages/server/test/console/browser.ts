import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../support/browser.ts';

// The browser, its flags, the desktop viewport and the axe runner are shared with the journey tests.
export { axeViolations, CHROMIUM, DESKTOP, launchChromium } from '../support/browser.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results', 'console');

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`CI needs ${CHROMIUM} (apt-get install -y chromium).`);
  console.warn(`skipping the console browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

export const TABLET = {
  viewport: { width: 820, height: 1180 },
  deviceScaleFactor: 1,
  hasTouch: true,
} as const;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}

/** How many pixels the page is wider than the window: 0 when nothing forces sideways scrolling. */
export async function overflowX(page: Page): Promise<number> {
  return Math.max(
    0,
    (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number,
  );
}
