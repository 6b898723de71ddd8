import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Api } from '../support/harness.ts';

// The browser, its flags, the desktop viewport and the axe runner are shared with the journey tests.
export { axeViolations, CHROMIUM, chromiumAvailable, DESKTOP, launchChromium } from '../support/browser.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results', 'console');

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

/** The password of the staff users the console browser tests create. */
export const STAFF_PASSWORD = 'a long enough password';

/** Creates `<role>@example.com` for each role, with STAFF_PASSWORD, through the API as an admin would. */
export async function addStaff(api: Api, roles: readonly string[]): Promise<void> {
  for (const role of roles) {
    const res = await api.json('POST', '/v1/staff', {
      email: `${role}@example.com`,
      password: STAFF_PASSWORD,
      role,
    });
    if (res.status !== 201) throw new Error(`staff ${role}: ${JSON.stringify(res.body)}`);
  }
}

/** Fills in the console's sign-in form, shown at whatever console page was opened, as `<role>@example.com`. */
export async function fillSignIn(page: Page, role: string): Promise<void> {
  await page.getByLabel('Email').fill(`${role}@example.com`);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the console at `path`, signs in as `<role>@example.com` and waits until signed in. */
export async function signIn(page: Page, base: string, role: string, path = ''): Promise<void> {
  await page.goto(`${base}/console${path}`);
  await fillSignIn(page, role);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
