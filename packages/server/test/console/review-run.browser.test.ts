import { ensureConsoleBuilt } from '@openidv/console/build';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';
import {
  axeViolations,
  chromiumAvailable,
  DESKTOP,
  launchChromium,
  overflowX,
  screenshot,
} from './browser.ts';
import { REVIEW_WORKFLOW } from './support.ts';

const CASES = 50;

/**
 * A compliance officer works a queue of 50 cases from the keyboard alone: "n" starts, "a" and Ctrl+Enter
 * approves, "d", a reason picked with the arrow keys and Ctrl+Enter declines, and each decision opens the next
 * case. The API then shows every decision, every webhook and every audit entry, by that reviewer.
 */
describe.skipIf(!chromiumAvailable())(
  'a reviewer works 50 cases with the keyboard',
  { timeout: 120_000 },
  () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let browser: Browser;
    let reviewerId: string;
    let ids: string[];
    const password = 'a long enough password';

    beforeAll(async () => {
      await ensureConsoleBuilt();
      [server, receiver] = await Promise.all([startTestServer('sqlite'), startReceiver()]);
      await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['session.decided'] });
      const staff = await server.api.json('POST', '/v1/staff', {
        email: 'officer@example.com',
        password,
        role: 'reviewer',
      });
      reviewerId = staff.body.id;
      const workflowId = (await server.api.json('POST', '/v1/workflows', REVIEW_WORKFLOW)).body.id;
      // Cheap cases: a small document photo and no selfie, which the workflow sends to a person (MEDIA_MISSING).
      const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8899aa' } })
        .jpeg()
        .toBuffer();
      ids = [];
      for (let batch = 0; batch < CASES; batch += 10) {
        const made = await Promise.all(
          Array.from({ length: Math.min(10, CASES - batch) }, async (_, k) => {
            const s = await server.api.json('POST', '/v1/sessions', {
              workflowId,
              vendorData: `run-${batch + k}`,
            });
            await server.api.request(
              'POST',
              `/v1/sessions/${s.body.id}/media`,
              multipart('document-front', photo),
            );
            await server.api.json('PATCH', `/v1/sessions/${s.body.id}`, { status: 'submitted' });
            return s.body.id as string;
          }),
        );
        ids.push(...made);
      }
      await waitFor(
        async () => (await server.api.json('GET', '/v1/review-queue?limit=100')).body.total === CASES,
        60_000,
        `${CASES} sessions in the review queue`,
      );
      browser = await launchChromium();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await receiver?.close();
      await server?.close();
    });

    it('decides every case from the keyboard; decisions, webhooks and audit entries all follow', async () => {
      const reasons = (await server.api.json('GET', '/v1/reviews/reasons')).body.decline as {
        code: string;
      }[];
      const context = await browser.newContext(DESKTOP);
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.api.base}/console/queue`);
      await page.getByLabel('Email').fill('officer@example.com');
      await page.getByLabel('Password').fill(password);
      await page.keyboard.press('Enter');
      await page.getByText(`${CASES} waiting`).waitFor();

      // From here on, only keys.
      const started = Date.now();
      const planned = new Map<string, { status: 'approved' | 'declined'; reasonCode?: string }>();
      await page.keyboard.press('n');
      for (let i = 0; i < CASES; i++) {
        await page.waitForURL((u) => {
          const id = /\/sessions\/([^/?]+)\?queue=1$/.exec(u.pathname + u.search)?.[1];
          return !!id && !planned.has(id);
        });
        const id = /\/sessions\/([^/?]+)/.exec(page.url())![1]!;
        await page.getByText('You are working on this case').waitFor();
        await page.getByRole('form', { name: 'Decide' }).waitFor();
        if (i === 0) await screenshot(page, 'run-01-first-case');
        if (i % 3 === 1) {
          // Decline: "d" moves to the reason list; the arrow keys pick one; Ctrl+Enter confirms.
          const pick = 1 + (i % 4);
          await page.keyboard.press('d');
          await expect
            .poll(() => page.evaluate('document.activeElement?.name'), { timeout: 10_000 })
            .toBe('reasonCode');
          for (let k = 0; k < pick; k++) await page.keyboard.press('ArrowDown');
          planned.set(id, { status: 'declined', reasonCode: reasons[pick - 1]!.code });
        } else {
          await page.keyboard.press('a');
          planned.set(id, { status: 'approved' });
        }
        await page.keyboard.press('Control+Enter');
      }
      // After the last case the queue is empty, and says so.
      await page.getByText('Nothing waits for review.').waitFor();
      const seconds = (Date.now() - started) / 1000;
      console.info(`worked ${CASES} cases from the keyboard in ${seconds.toFixed(1)} s`);
      expect(await overflowX(page), 'run-02-queue-empty fits the window').toBe(0);
      await screenshot(page, 'run-02-queue-empty');
      expect(await axeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();

      // Every case was decided once, as planned, by this reviewer.
      expect([...planned.keys()].sort()).toEqual([...ids].sort());
      for (const [id, want] of planned) {
        const d = (await server.api.json('GET', `/v1/sessions/${id}/decision`)).body;
        expect(d.status, id).toBe(want.status);
        expect(d.decidedBy).toEqual({ reviewer: `staff:${reviewerId}` });
        if (want.reasonCode) expect(d.review.reasonCode, id).toBe(want.reasonCode);
      }
      const declined = [...planned.values()].filter((p) => p.status === 'declined');
      expect(declined.length).toBe(17);
      expect(new Set(declined.map((p) => p.reasonCode)).size).toBeGreaterThan(1);

      // One session.decided webhook per case with the reviewer's decision (the engine's "review" came before).
      const hooks = await waitFor(
        async () => {
          const got = receiver.received.filter(
            (h) => planned.has(h.json.data.session?.id) && h.json.data.decision.status !== 'review',
          );
          return got.length >= CASES && got;
        },
        30_000,
        'the webhooks',
      );
      expect(hooks).toHaveLength(CASES);
      expect(new Set(hooks.map((h) => h.json.data.session.id)).size).toBe(CASES);
      for (const h of hooks) {
        expect(h.json.data.decision.status).toBe(planned.get(h.json.data.session.id)!.status);
        expect(h.json.data.decision.decidedBy).toEqual({ reviewer: `staff:${reviewerId}` });
      }

      // The audit log has each decision with who made it.
      const audit = (await server.api.json('GET', '/v1/audit?action=review.&limit=500')).body.data as {
        action: string;
        actor: string;
        actorLabel: string;
        targetId: string;
      }[];
      for (const [id, want] of planned) {
        const entries = audit.filter(
          (e) => e.targetId === id && /^review\.(approve|decline)$/.test(e.action),
        );
        expect(entries, id).toEqual([
          expect.objectContaining({
            action: want.status === 'approved' ? 'review.approve' : 'review.decline',
            actor: `staff:${reviewerId}`,
            actorLabel: 'officer@example.com',
          }),
        ]);
      }
      expect((await server.api.json('GET', '/v1/review-queue')).body.total).toBe(0);
    });
  },
);
