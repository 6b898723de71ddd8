import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

describe.each(await testDialects())('workflows, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let photos: Awaited<ReturnType<typeof testPhotos>>;
  beforeAll(async () => {
    [server, photos] = await Promise.all([startTestServer(dialect), testPhotos()]);
  });
  afterAll(async () => server?.close());

  it('lists the checks the server runs, with their config schema and reasons', async () => {
    const res = await server.api.json('GET', '/v1/checks');
    const iq = res.body.data.find((c: { type: string }) => c.type === 'image-quality');
    expect(iq.reasonCodes.IMAGE_TOO_BLURRY).toEqual({ action: 'resubmit', description: expect.any(String) });
    expect(iq.configSchema.properties.minSharpness).toMatchObject({ type: 'number' });
  });

  it('every application starts with one default workflow', async () => {
    const res = await server.api.json('GET', '/v1/workflows');
    expect(res.body.data.filter((w: { isDefault: boolean }) => w.isDefault)).toHaveLength(1);
  });

  it('validates a workflow against each check’s own schema, with messages naming the field', async () => {
    const unknown = await server.api.json('POST', '/v1/workflows', {
      name: 'x',
      checks: [{ type: 'palm-reading' }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('WORKFLOW_INVALID');
    expect(unknown.body.error.message).toContain('palm-reading');
    const badConfig = await server.api.json('POST', '/v1/workflows', {
      name: 'x',
      checks: [{ type: 'image-quality', config: { minSharpness: -3 } }],
    });
    expect(badConfig.status).toBe(422);
    expect(badConfig.body.error.message).toContain('checks[0].config.minSharpness');
    const badReason = await server.api.json('POST', '/v1/workflows', {
      name: 'x',
      checks: [{ type: 'image-quality', reasonActions: { FACE_MISMATCH: 'decline' } }],
    });
    expect(badReason.status).toBe(422);
    const dup = await server.api.json('POST', '/v1/workflows', {
      name: 'x',
      checks: [{ type: 'image-quality' }, { type: 'image-quality' }],
    });
    expect(dup.status).toBe(422);
    expect((await server.api.json('POST', '/v1/workflows', { checks: [] })).status).toBe(400);
  });

  it("applies a workflow's actions, and a running session keeps the version it was created with", async () => {
    const strict = await server.api.json('POST', '/v1/workflows', {
      name: 'Strict',
      checks: [
        {
          type: 'image-quality',
          config: { required: ['document-front'] },
          reasonActions: { IMAGE_TOO_BLURRY: 'decline' },
        },
      ],
    });
    expect(strict.status).toBe(201);
    expect(strict.body).toMatchObject({ version: 1, isDefault: false });
    expect(strict.body.checks[0].config.minSharpness).toBe(80); // defaults are filled in and stored

    const { body: s } = await server.api.json('POST', '/v1/sessions', { workflowId: strict.body.id });
    expect(s.workflowVersion).toBe(1);
    // The workflow changes while the session is open: blur is now only for review.
    const v2 = await server.api.json('PUT', `/v1/workflows/${strict.body.id}`, {
      name: 'Strict v2',
      checks: [{ type: 'image-quality', reasonActions: { IMAGE_TOO_BLURRY: 'review' } }],
    });
    expect(v2.body.version).toBe(2);

    await server.api.json(
      'POST',
      `/v1/sessions/${s.id}/media`,
      multipart('document-front', photos.blurredJpeg),
    );
    await server.api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' });
    const d = await waitFor(async () => {
      const r = await server.api.json('GET', `/v1/sessions/${s.id}/decision`);
      return r.body.status !== 'pending' && r.body;
    });
    expect(d.status).toBe('declined'); // version 1's action
    expect(d.reasons[0]).toMatchObject({ code: 'IMAGE_TOO_BLURRY', action: 'decline' });

    const { body: s2 } = await server.api.json('POST', '/v1/sessions', { workflowId: strict.body.id });
    expect(s2.workflowVersion).toBe(2);
  });

  it('moves the default, and refuses to delete the default workflow', async () => {
    const w = await server.api.json('POST', '/v1/workflows', {
      name: 'New default',
      checks: [],
      isDefault: true,
    });
    expect(w.body.isDefault).toBe(true);
    const all = await server.api.json('GET', '/v1/workflows');
    expect(
      all.body.data.filter((x: { isDefault: boolean }) => x.isDefault).map((x: { id: string }) => x.id),
    ).toEqual([w.body.id]);
    const { body: s } = await server.api.json('POST', '/v1/sessions', {});
    expect(s.workflowId).toBe(w.body.id);
    const del = await server.api.json('DELETE', `/v1/workflows/${w.body.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('WORKFLOW_IN_USE');
    const other = all.body.data.find((x: { isDefault: boolean }) => !x.isDefault);
    expect((await server.api.request('DELETE', `/v1/workflows/${other.id}`)).status).toBe(204);
    expect((await server.api.json('GET', `/v1/workflows/${other.id}`)).status).toBe(404);
    expect((await server.otherApi.json('GET', `/v1/workflows/${w.body.id}`)).status).toBe(404);
  });
});
