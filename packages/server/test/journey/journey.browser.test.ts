import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureJourneyBuilt } from '@openidv/journey/build';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  browserAvailable,
  DESKTOP,
  FACE,
  fakeCamera,
  launchChromium,
  PASSPORT,
  PHONE,
  screenshot,
} from '../support/browser.ts';
import { type ReceivedWebhook, startReceiver, startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

/** The workflow of the main scenario: every check that decides which steps the journey shows. */
const FULL_WORKFLOW = {
  name: 'Journey: passport or ID card, selfie, liveness',
  checks: [
    { type: 'image-quality', config: { required: ['document-front', 'face'] } },
    { type: 'document', config: { acceptedTypes: ['passport', 'id_card'] } },
    { type: 'face-match', config: {} },
    { type: 'liveness', config: {} },
  ],
};

/** Another origin than openidv's: the business's site, with its callback page and an embedding page. */
async function startBusinessSite(): Promise<{ origin: string; server: Server; embed(url: string): string }> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const page = pages.get(path);
    res.writeHead(page ? 200 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      page ??
        `<!doctype html><html lang="en"><title>Back at the shop</title><h1>Back at the shop</h1></html>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    server,
    embed(url: string) {
      const path = `/embed-${pages.size}`;
      pages.set(
        path,
        `<!doctype html><html lang="en"><title>Shop</title><h1>Shop checkout</h1>
<iframe id="idv" title="Identity verification" src="${url}" allow="camera" width="420" height="760"></iframe>
<script>window.messages=[];window.addEventListener('message',(e)=>{if(e.data&&e.data.source==='openidv')window.messages.push(e.data)});</script></html>`,
      );
      return `${origin}${path}`;
    },
  };
}

const run = browserAvailable();

describe.runIf(run)('the applicant journey in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let site: Awaited<ReturnType<typeof startBusinessSite>>;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let camera: ReturnType<typeof fakeCamera>;
  let fullWorkflowId: string;

  beforeAll(async () => {
    await ensureJourneyBuilt();
    camera = fakeCamera('journey');
    site = await startBusinessSite();
    server = await startTestServer('sqlite', {
      OPENIDV_JOURNEY_FRAME_ANCESTORS: `'self' ${site.origin}`,
    });
    hooks = await startReceiver();
    await server.api.json('POST', '/v1/webhooks', { url: hooks.url, events: ['*'] });
    const logo = await sharp({ create: { width: 160, height: 48, channels: 3, background: '#0a7d5a' } })
      .png()
      .toBuffer();
    const app = await server.api.json('PATCH', '/v1/application', {
      name: 'Acme Bank',
      branding: {
        logo: `data:image/png;base64,${logo.toString('base64')}`,
        primaryColor: '#0a7d5a',
        termsUrl: 'https://acme.example/terms',
        privacyUrl: 'https://acme.example/privacy',
      },
    });
    expect(app.status).toBe(200);
    const wf = await server.api.json('POST', '/v1/workflows', FULL_WORKFLOW);
    expect(wf.status).toBe(201);
    fullWorkflowId = wf.body.id;
    browser = await launchChromium(camera.file);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hooks?.close();
    site?.server.close();
    await server?.close();
    camera?.remove();
  });

  async function newSession(body: Record<string, unknown> = {}) {
    const r = await server.api.json('POST', '/v1/sessions', {
      callbackUrl: `${site.origin}/done`,
      ...body,
    });
    expect(r.status).toBe(201);
    // The test server listens on a random port; its public URL does not know it.
    return { id: r.body.id as string, url: `${server.api.base}${new URL(r.body.url).pathname}` };
  }

  async function expectAccessible(page: Page, viewport: string, name: string) {
    await screenshot(page, viewport, name);
    expect(await axeViolations(page), `${viewport} ${name}`).toEqual([]);
  }

  const heading = (page: Page) => page.locator('h1');
  const expectHeading = (page: Page, text: string) =>
    expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe(text);

  it('phone: consent, passport by camera, reload resumes, selfie, submit, end page, callback, decision and webhook', async () => {
    camera.shows(camera.passport);
    const s = await newSession({ workflowId: fullWorkflowId, vendorData: 'phone-1' });
    const context = await browser.newContext({ ...PHONE, locale: 'en-GB' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    const response = await page.goto(s.url);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain(`frame-ancestors 'self' ${site.origin}`);
    expect(response!.headers()['content-security-policy']).not.toContain('unsafe-inline');
    expect(response!.headers()['referrer-policy']).toBe('no-referrer');
    await expectHeading(page, 'Verify your identity');
    await expect.poll(() => page.locator('main').textContent()).toContain('Acme Bank asks you to verify');
    expect(await page.locator('.checks li').allTextContents()).toHaveLength(4);
    expect(await page.locator('img.logo').getAttribute('alt')).toBe('Acme Bank');
    await expectAccessible(page, 'phone', '01-consent');
    // Landing in the flow starts the session; consent lets the applicant go on.
    expect((await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe('started');

    await page.getByRole('button', { name: 'I agree, start' }).click();
    await expectHeading(page, 'Choose your document');
    expect((await server.api.json('GET', `/v1/sessions/${s.id}`)).body.status).toBe('started');
    // Only what the workflow's document check accepts.
    expect(await page.locator('.choice span').allTextContents()).toEqual(['Passport', 'Identity card']);
    await expectAccessible(page, 'phone', '02-document-type');
    await page.getByLabel('Passport').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectHeading(page, 'Photo page of your passport');
    const take = page.getByRole('button', { name: 'Take photo' });
    await expect.poll(() => take.isEnabled(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator('.hint').textContent()).toMatch(/Looks good|Too|Glare|Blurry/);
    await expectAccessible(page, 'phone', '03-document-camera');
    await take.click();
    await expectHeading(page, 'Check your photo');
    await expectAccessible(page, 'phone', '04-document-review');
    camera.shows(camera.face);
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe('Take a selfie');

    // A reload resumes where the applicant was.
    await page.reload();
    await expectHeading(page, 'Take a selfie');
    const snap = page.getByRole('button', { name: 'Take photo' });
    await expect.poll(() => snap.isEnabled(), { timeout: 10_000 }).toBe(true);
    await expectAccessible(page, 'phone', '05-selfie-camera');
    await snap.click();
    await expectHeading(page, 'Check your photo');
    await expectAccessible(page, 'phone', '06-selfie-review');
    await page.getByRole('button', { name: 'Use this photo' }).click();

    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe('Ready to send');
    await expectAccessible(page, 'phone', '07-summary');
    await page.getByRole('button', { name: 'Send verification' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe('Thank you');
    await expectAccessible(page, 'phone', '08-done');
    await page.waitForURL(`${site.origin}/done`, { timeout: 10_000 });

    const media = await server.api.json('GET', `/v1/sessions/${s.id}/media`);
    const contexts = media.body.data.map((m: { context: string }) => m.context);
    expect(contexts.filter((c: string) => c === 'document-front')).toHaveLength(1);
    expect(contexts.filter((c: string) => c === 'face')).toHaveLength(1);
    // The workflow has a liveness check: a short burst of selfie frames goes with the selfie.
    expect(contexts.filter((c: string) => c === 'liveness')).toHaveLength(2);

    const decision = await waitFor(
      async () => {
        const d = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
        return d.body.status !== 'pending' && d.body;
      },
      90_000,
      'the decision',
    );
    expect(decision.checks.map((c: { type: string }) => c.type)).toEqual([
      'image-quality',
      'document',
      'face-match',
      'liveness',
    ]);
    // The camera photo of the ICAO specimen was read: its MRZ gives the holder.
    expect(decision.person).toMatchObject({ lastName: 'ERIKSSON' });
    const hook = await waitFor(
      async () =>
        hooks.received.find(
          (h: ReceivedWebhook) => h.json.type === 'session.decided' && h.json.data.session?.id === s.id,
        ),
      30_000,
      'the session.decided webhook',
    );
    expect(hook.json.data.session.status).toBe(decision.status);
    const events = await server.api.json('GET', `/v1/sessions/${s.id}/events`);
    const types = events.body.data.map((e: { type: string }) => e.type);
    expect(types).toContain('journey.consent');
    expect(types).toContain('journey.step');
    expect(errors).toEqual([]);
    await context.close();
  }, 150_000);

  /** Uploads a file through the fallback instead of the camera. */
  async function uploadInstead(page: Page, file: string) {
    await page
      .getByRole('button', { name: /upload a photo instead|stattdessen ein foto hochladen/i })
      .click();
    await page.locator('input[type=file]').setInputFiles(file);
  }

  it('desktop: German from the session locale, hand-off offered, continue here, camera and upload, Arabic right to left', async () => {
    camera.shows(camera.passport);
    const s = await newSession({ locale: 'de-DE', vendorData: 'desktop-1' });
    const context = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(s.url);
    await expectHeading(page, 'Auf dem Smartphone fortfahren');
    expect(await page.evaluate('document.documentElement.lang')).toBe('de');
    await expect.poll(() => page.locator('.qr img').count()).toBe(1);
    await expectAccessible(page, 'desktop', '00-handoff');
    await page.getByRole('button', { name: 'Auf diesem Computer fortfahren' }).click();
    await expectHeading(page, 'Bestätigen Sie Ihre Identität');
    await expectAccessible(page, 'desktop', '01-consent');
    // Arabic: switchable, right to left.
    await page.getByLabel('Sprache').selectOption('ar');
    await expectHeading(page, 'تحقق من هويتك');
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    await expectAccessible(page, 'desktop', '01-consent-ar');
    await page.getByLabel('اللغة').selectOption('de');
    await page.getByRole('button', { name: 'Ich stimme zu, starten' }).click();
    // The core workflow accepts any document type: the applicant picks an ID card, which has two sides.
    await expectHeading(page, 'Wählen Sie Ihr Dokument');
    await expectAccessible(page, 'desktop', '02-document-type');
    await page.getByLabel('Personalausweis').check();
    await page.getByRole('button', { name: 'Weiter' }).click();
    await expectHeading(page, 'Vorderseite: personalausweis');
    const take = page.getByRole('button', { name: 'Foto aufnehmen' });
    await expect.poll(() => take.isEnabled(), { timeout: 10_000 }).toBe(true);
    await expectAccessible(page, 'desktop', '03-document-front-camera');
    await take.click();
    await expectHeading(page, 'Foto prüfen');
    await expectAccessible(page, 'desktop', '04-document-front-review');
    await page.getByRole('button', { name: 'Dieses Foto verwenden' }).click();
    await expectHeading(page, 'Rückseite: personalausweis');
    await uploadInstead(page, PASSPORT);
    await expectHeading(page, 'Foto prüfen');
    await page.getByRole('button', { name: 'Dieses Foto verwenden' }).click();
    await expectHeading(page, 'Machen Sie ein Selfie');
    await uploadInstead(page, FACE);
    await expectHeading(page, 'Foto prüfen');
    await expectAccessible(page, 'desktop', '05-selfie-review');
    await page.getByRole('button', { name: 'Dieses Foto verwenden' }).click();
    await expectHeading(page, 'Bereit zum Senden');
    await expectAccessible(page, 'desktop', '06-summary');
    await page.getByRole('button', { name: 'Prüfung senden' }).click();
    await expectHeading(page, 'Vielen Dank');
    await expectAccessible(page, 'desktop', '07-done');
    await page.waitForURL(`${site.origin}/done`, { timeout: 10_000 });
    const media = await server.api.json('GET', `/v1/sessions/${s.id}/media`);
    expect(media.body.data.map((m: { context: string }) => m.context).sort()).toEqual([
      'document-back',
      'document-front',
      'face',
    ]);
    const events = await server.api.json('GET', `/v1/sessions/${s.id}/events`);
    expect(events.body.data.find((e: { type: string }) => e.type === 'journey.consent').data).toMatchObject({
      accepted: true,
      locale: 'de',
    });
    await context.close();
  }, 90_000);

  it('QR hand-off: the desktop shows a QR code of the link and follows the phone live to the end', async () => {
    const s = await newSession({ vendorData: 'handoff-1' });
    const desktop = await browser.newContext(DESKTOP);
    const computer = await desktop.newPage();
    await computer.goto(s.url);
    await expectHeading(computer, 'Continue on your phone');
    const link = await computer.locator('.linkbox code').textContent();
    expect(link).toBe(`${s.url}?handoff=1`);
    const qr = await computer.locator('.qr img').getAttribute('src');
    expect(qr).toMatch(/^data:image\/svg\+xml/);
    await expect.poll(() => computer.locator('.live').textContent()).toBe('Waiting for your phone…');

    const mobile = await browser.newContext(PHONE);
    const phone = await mobile.newPage();
    await phone.goto(link!);
    await expectHeading(phone, 'Verify your identity');
    await expect
      .poll(() => computer.locator('.live').textContent(), { timeout: 10_000 })
      .toBe('On your phone: reading the consent');
    await phone.getByRole('button', { name: 'I agree, start' }).click();
    await expect
      .poll(() => computer.locator('.live').textContent(), { timeout: 10_000 })
      .toBe('On your phone: choosing the document');
    await screenshot(computer, 'desktop', '10-handoff-following');
    expect(await axeViolations(computer)).toEqual([]);
    await phone.getByLabel('Passport').check();
    await phone.getByRole('button', { name: 'Continue' }).click();
    await uploadInstead(phone, PASSPORT);
    await phone.getByRole('button', { name: 'Use this photo' }).click();
    await expectHeading(phone, 'Take a selfie');
    await expect
      .poll(() => computer.locator('.live').textContent(), { timeout: 10_000 })
      .toBe('On your phone: taking a selfie');
    await uploadInstead(phone, FACE);
    await phone.getByRole('button', { name: 'Use this photo' }).click();
    await phone.getByRole('button', { name: 'Send verification' }).click();
    await expectHeading(phone, 'Thank you');
    // The phone sends the applicant back to the computer; the computer shows the end and goes to the callback.
    await expect
      .poll(() => phone.locator('main').textContent())
      .toContain('You can now go back to your computer.');
    await screenshot(phone, 'phone', '11-handoff-phone-done');
    await expectHeading(computer, 'Thank you');
    await screenshot(computer, 'desktop', '11-handoff-desktop-done');
    await computer.waitForURL(`${site.origin}/done`, { timeout: 10_000 });
    expect(phone.url()).toBe(link);
    await mobile.close();
    await desktop.close();
  }, 90_000);

  it('iFrame: a page on another origin embeds the journey and receives started, step, finished and cancelled', async () => {
    const s = await newSession({ vendorData: 'iframe-1' });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(site.embed(s.url));
    const frame = page.frameLocator('#idv');
    await expect
      .poll(() => frame.locator('h1').textContent(), { timeout: 15_000 })
      .toBe('Verify your identity');
    await frame.getByRole('button', { name: 'I agree, start' }).click();
    await frame.getByLabel('Passport').check();
    await frame.getByRole('button', { name: 'Continue' }).click();
    await frame.getByRole('button', { name: 'Upload a photo instead' }).click();
    await frame.locator('input[type=file]').setInputFiles(PASSPORT);
    await frame.getByRole('button', { name: 'Use this photo' }).click();
    await frame.getByRole('button', { name: 'Upload a photo instead' }).click();
    await frame.locator('input[type=file]').setInputFiles(FACE);
    await frame.getByRole('button', { name: 'Use this photo' }).click();
    await frame.getByRole('button', { name: 'Send verification' }).click();
    await expect.poll(() => frame.locator('h1').textContent(), { timeout: 15_000 }).toBe('Thank you');
    const inner = page.frames().find((f) => f.url().startsWith(s.url))!;
    expect(await axeViolations(inner)).toEqual([]);
    await screenshot(page, 'phone', '20-iframe-done');
    await expect
      .poll(async () => ((await page.evaluate('window.messages')) as { type: string }[]).map((m) => m.type), {
        timeout: 10_000,
      })
      .toContain('finished');
    const messages = (await page.evaluate('window.messages')) as { type: string; step?: string }[];
    expect(messages.map((m) => m.type)).toContain('started');
    expect(messages.filter((m) => m.type === 'step').map((m) => m.step)).toEqual([
      'consent',
      'document-type',
      'document-front',
      'selfie',
      'review',
      'finished',
    ]);
    expect(messages.at(-1)).toEqual({ source: 'openidv', type: 'finished', status: 'submitted' });
    // Inside an iFrame the parent page decides where to go next: no redirect of the frame.
    expect(inner.url()).toBe(s.url);

    const declined = await newSession({ vendorData: 'iframe-2' });
    await page.goto(site.embed(declined.url));
    await expect
      .poll(() => frame.locator('h1').textContent(), { timeout: 15_000 })
      .toBe('Verify your identity');
    await frame.getByRole('button', { name: 'No, cancel' }).click();
    await frame.getByRole('button', { name: 'Yes, cancel' }).click();
    await expect.poll(() => frame.locator('h1').textContent()).toBe('Verification cancelled');
    // The message is posted after the page changes: wait for it rather than read once.
    await expect
      .poll(async () => ((await page.evaluate('window.messages')) as { type: string }[]).map((m) => m.type), {
        timeout: 10_000,
      })
      .toContain('cancelled');
    expect((await server.api.json('GET', `/v1/sessions/${declined.id}`)).body.status).toBe('cancelled');
    await context.close();
  }, 60_000);

  it("active liveness: the selfie step shows the server's challenge, records it and sends the frames", async () => {
    camera.shows(camera.face);
    const wf = await server.api.json('POST', '/v1/workflows', {
      name: 'Selfie with a challenge',
      checks: [{ type: 'active-liveness', config: { steps: ['move-closer', 'move-back'], stepCount: 2 } }],
    });
    const s = await newSession({ workflowId: wf.body.id, vendorData: 'challenge-1' });
    const context = await browser.newContext({ ...PHONE, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(s.url);
    await expectHeading(page, 'Verify your identity');
    await page.getByRole('button', { name: 'I agree, start' }).click();
    await expectHeading(page, 'Take a selfie');
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('Follow the instructions on the screen.');
    const snap = page.getByRole('button', { name: 'Take photo' });
    await expect.poll(() => snap.isEnabled(), { timeout: 10_000 }).toBe(true);
    await snap.click();
    // Each step's instruction is shown while it is recorded.
    const instruction = page.locator('.hint.challenge');
    await expect
      .poll(async () => (await instruction.count()) && instruction.textContent(), { timeout: 10_000 })
      .toMatch(/Bring the phone closer to your face|Move the phone further away/);
    await screenshot(page, 'phone', '11-challenge');
    await expectHeading(page, 'Check your photo');
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe('Ready to send');
    await page.getByRole('button', { name: 'Send verification' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toBe('Thank you');

    // A baseline frame and three per step, taken after the challenge was issued.
    const media = await server.api.json('GET', `/v1/sessions/${s.id}/media`);
    expect(media.body.data.filter((m: { context: string }) => m.context === 'liveness')).toHaveLength(7);
    const decision = await waitFor(async () => {
      const d = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
      return d.body.status !== 'pending' && d.body;
    }, 60_000);
    const check = decision.checks[0];
    expect(check.type).toBe('active-liveness');
    // The fake camera plays a still picture, so the recorded frames repeat each other byte for byte: a
    // picture held up to the camera, which the check refuses as replayed media.
    expect(decision.reasons.map((r: { code: string }) => r.code)).toEqual(['REPLAYED_MEDIA']);
    expect(check.evidence.repeatedInThisAttempt.length).toBeGreaterThan(0);
    await context.close();
  });

  it('shows a clear page for unknown, expired, finished and cancelled links', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const unknown = await page.goto(`${server.api.base}/j/no-such-token-at-all`);
    expect(unknown!.status()).toBe(404);
    await expectHeading(page, 'Link not valid');
    await expectAccessible(page, 'phone', '30-unknown');

    const expiring = await newSession({ vendorData: 'expired-1' });
    const db = server.db.open();
    await db.db
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1000 })
      .where('id', '=', expiring.id)
      .execute();
    await db.close();
    await page.goto(expiring.url);
    await expectHeading(page, 'This link has expired');
    await expectAccessible(page, 'phone', '31-expired');

    const cancelled = await newSession({ vendorData: 'cancelled-1' });
    await server.api.json('PATCH', `/v1/sessions/${cancelled.id}`, { status: 'cancelled' });
    await page.goto(cancelled.url);
    await expectHeading(page, 'Verification cancelled');
    await expectAccessible(page, 'phone', '32-cancelled');
    await page.waitForURL(`${site.origin}/done`, { timeout: 10_000 });

    // Photos sent through the API and approved: the link says it is done.
    const photos = await testPhotos();
    const finished = await newSession({ vendorData: 'finished-1' });
    await server.api.json(
      'POST',
      `/v1/sessions/${finished.id}/media`,
      multipart('document-front', photos.sharpJpeg),
    );
    await server.api.json('POST', `/v1/sessions/${finished.id}/media`, multipart('face', photos.sharpJpeg));
    await server.api.json('PATCH', `/v1/sessions/${finished.id}`, { status: 'submitted' });
    await waitFor(
      async () => (await server.api.json('GET', `/v1/sessions/${finished.id}`)).body.status === 'approved',
    );
    const fresh = await context.newPage();
    await fresh.goto(finished.url);
    await expectHeading(fresh, 'Thank you');
    await expectAccessible(fresh, 'phone', '33-finished');

    // Submitted without photos: the decision asks for new ones, and the link says so and starts again.
    const again = await newSession({ vendorData: 'resubmit-1' });
    await server.api.json('PATCH', `/v1/sessions/${again.id}`, { status: 'submitted' });
    await waitFor(
      async () =>
        (await server.api.json('GET', `/v1/sessions/${again.id}`)).body.status === 'resubmission_requested',
    );
    await fresh.goto(again.url);
    await expectHeading(fresh, 'Verify your identity');
    await expect.poll(() => fresh.locator('.warn').textContent()).toContain('Please take new photos');
    await context.close();
  }, 60_000);
});
