import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { testDialects } from '@openidv/storage/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../biometrics/fixtures/${name}`, import.meta.url));
const personA = fixture('person-a.jpg');
const personB = fixture('person-b.jpg');

/**
 * Camera frames of a face at a given size: the photo placed on a 640×480 background, `faceWidth` pixels wide,
 * as a phone sees a face coming closer or moving back. Every frame gets its own random background colour, as real
 * frames never repeat byte for byte.
 */
async function frame(photo: Buffer, faceWidth: number, _seed: number): Promise<Buffer> {
  const [r, g, b] = [randomInt(40, 216), randomInt(40, 216), randomInt(40, 216)];
  const face = await sharp(photo).resize({ width: faceWidth }).toBuffer();
  const meta = await sharp(face).metadata();
  return sharp({
    create: {
      width: 640,
      height: 480,
      channels: 3,
      background: { r, g, b },
    },
  })
    .composite([
      {
        input: face,
        left: Math.round((640 - faceWidth) / 2),
        top: Math.max(0, Math.round((480 - (meta.height ?? 0)) / 2)),
      },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe.each(await testDialects())('active liveness, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let workflowId: string;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'Distance challenge',
      checks: [{ type: 'active-liveness', config: { steps: ['move-closer', 'move-back'], stepCount: 2 } }],
    });
    workflowId = w.body.id;
  });
  afterAll(async () => server?.close());

  async function session() {
    const { body } = await server.api.json('POST', '/v1/sessions', {
      workflowId,
      vendorData: `u-${Math.random()}`,
    });
    return body.id as string;
  }
  async function upload(id: string, frames: Buffer[]) {
    for (const f of frames) {
      const r = await server.api.json('POST', `/v1/sessions/${id}/media`, multipart('liveness', f));
      expect(r.status).toBe(201);
    }
  }
  async function decide(id: string) {
    await server.api.json('PATCH', `/v1/sessions/${id}`, { status: 'submitted' });
    return waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${id}/decision`);
      return r.body.status !== 'pending' && r.body;
    }, 60_000);
  }
  /** Frames doing the steps in order, starting from a mid-size face. */
  async function framesFor(steps: string[], photo: Buffer, seed: number) {
    // Faces stay large enough to be found in every frame (a phone held at arm's length and closer).
    const sizes = [300];
    for (const s of steps) sizes.push(s === 'move-closer' ? sizes.at(-1)! * 1.45 : sizes.at(-1)! / 1.45);
    return Promise.all(sizes.map((w, i) => frame(photo, Math.round(w), seed + i)));
  }

  it('draws a challenge once per attempt and passes frames that do it in order', async () => {
    const id = await session();
    const c1 = await server.api.json('POST', `/v1/sessions/${id}/liveness-challenge`);
    expect(c1.status).toBe(200);
    expect(c1.body.steps).toHaveLength(2);
    expect((await server.api.json('POST', `/v1/sessions/${id}/liveness-challenge`)).body).toEqual(c1.body);
    await upload(id, await framesFor(c1.body.steps, personA, 1));
    const d = await decide(id);
    expect(d.status).toBe('approved');
    expect(d.checks[0]).toMatchObject({ type: 'active-liveness', status: 'passed', score: 1 });
    expect(d.checks[0].evidence.completed.map((c: { step: string }) => c.step)).toEqual(c1.body.steps);
  });

  it('fails CHALLENGE_NOT_COMPLETED when the steps are done in the wrong order or not at all', async () => {
    const id = await session();
    const c = (await server.api.json('POST', `/v1/sessions/${id}/liveness-challenge`)).body;
    const reversed = [...c.steps].reverse();
    // Reversed steps can still satisfy a challenge like [closer, closer]; only judge real reversals.
    const frames =
      reversed.join() === c.steps.join()
        ? await framesFor([], personA, 20)
        : await framesFor(reversed, personA, 20);
    await upload(
      id,
      frames.length >= 3
        ? frames
        : [...frames, ...(await framesFor([], personA, 30)), ...(await framesFor([], personA, 31))],
    );
    const d = await decide(id);
    expect(d.status).toBe('resubmission_requested');
    expect(d.reasons[0].code).toBe('CHALLENGE_NOT_COMPLETED');
  });

  it('fails FACE_CHANGED_DURING_CHALLENGE when another face appears', async () => {
    const id = await session();
    const c = (await server.api.json('POST', `/v1/sessions/${id}/liveness-challenge`)).body;
    const frames = await framesFor(c.steps, personA, 40);
    frames[frames.length - 1] = await frame(personB, 300, 49);
    await upload(id, frames);
    const d = await decide(id);
    expect(d.status).toBe('declined');
    expect(d.reasons[0].code).toBe('FACE_CHANGED_DURING_CHALLENGE');
  });

  it('fails REPLAYED_MEDIA for frames from another attempt, or sent before the challenge', async () => {
    const first = await session();
    const c = (await server.api.json('POST', `/v1/sessions/${first}/liveness-challenge`)).body;
    const frames = await framesFor(c.steps, personA, 60);
    await upload(first, frames);
    expect((await decide(first)).status).toBe('approved');

    const replay = await session();
    await server.api.json('POST', `/v1/sessions/${replay}/liveness-challenge`);
    await upload(replay, frames);
    const d = await decide(replay);
    expect(d.status).toBe('declined');
    expect(d.reasons[0].code).toBe('REPLAYED_MEDIA');
    expect(d.checks[0].evidence.seenInOtherAttempts).toHaveLength(frames.length);

    const early = await session();
    await upload(early, await framesFor(['move-closer', 'move-back'], personA, 70));
    await server.api.json('POST', `/v1/sessions/${early}/liveness-challenge`);
    const e = await decide(early);
    expect(e.reasons[0].code).toBe('REPLAYED_MEDIA');
  });

  it('refuses a challenge for a workflow without the check, and after submission', async () => {
    const { body: plain } = await server.api.json('POST', '/v1/sessions', {});
    expect((await server.api.json('POST', `/v1/sessions/${plain.id}/liveness-challenge`)).status).toBe(409);
    const id = await session();
    await server.api.json('PATCH', `/v1/sessions/${id}`, { status: 'cancelled' });
    const late = await server.api.json('POST', `/v1/sessions/${id}/liveness-challenge`);
    expect([late.status, late.body.error.code]).toEqual([409, 'SESSION_NOT_ACCEPTING_MEDIA']);
  });
});
