import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, startTestServer, waitFor } from '../support/harness.ts';
import { multipart, visserPassport } from '../support/photos.ts';

const DOCUMENT_ONLY = { name: 'Document only', checks: [{ type: 'document' }] };

interface Decision {
  status: string;
  reasons: { code: string; message: string; check: string; action: string }[];
  riskLabels: string[];
  checks: { type: string; evidence: Record<string, unknown> }[];
}
const codes = (d: Decision) => d.reasons.map((r) => r.code);

describe.each(await testDialects())('a document shown by another user is a duplicate, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let photo: Buffer;
  const workflows = new Map<Api, string>();

  async function verify(
    api: Api,
    vendorData: string,
    bytes = photo,
  ): Promise<{ id: string; decision: Decision }> {
    const { body: s } = await api.json('POST', '/v1/sessions', {
      workflowId: workflows.get(api),
      vendorData,
    });
    expect(
      (await api.json('POST', `/v1/sessions/${s.id}/media`, multipart('document-front', bytes))).status,
    ).toBe(201);
    expect((await api.json('PATCH', `/v1/sessions/${s.id}`, { status: 'submitted' })).status).toBe(200);
    const decision = await waitFor(
      async () => {
        const r = await api.json('GET', `/v1/sessions/${s.id}/decision`);
        return r.body.status !== 'pending' && (r.body as Decision);
      },
      60_000,
      `decision of ${s.id}`,
    );
    return { id: s.id, decision };
  }

  beforeAll(async () => {
    [server, photo] = await Promise.all([startTestServer(dialect), visserPassport()]);
    for (const api of [server.api, server.otherApi]) {
      const w = await api.json('POST', '/v1/workflows', DOCUMENT_ONLY);
      expect(w.status, JSON.stringify(w.body)).toBe(201);
      workflows.set(api, w.body.id);
    }
  }, 60_000);
  afterAll(async () => server?.close());

  it('approves the first user, and the same user again, but sends another user with that document to review', async () => {
    const first = await verify(server.api, 'user-a');
    expect(first.decision.status, JSON.stringify(first.decision.reasons)).toBe('approved');
    const again = await verify(server.api, 'user-a');
    expect(codes(again.decision)).not.toContain('DUPLICATE_DOCUMENT');
    expect(again.decision.status).toBe('approved');

    const other = await verify(server.api, 'user-b');
    expect(other.decision.status).toBe('review');
    const reason = other.decision.reasons.find((r) => r.code === 'DUPLICATE_DOCUMENT')!;
    expect(reason).toMatchObject({ check: 'document', action: 'review' });
    expect(reason.message).toContain('user-a');
    expect(other.decision.riskLabels).toContain('duplicate_document');
    const evidence = other.decision.checks.find((c) => c.type === 'document')!.evidence;
    expect((evidence['duplicates'] as { sessionId: string }[]).map((d) => d.sessionId).sort()).toEqual(
      [first.id, again.id].sort(),
    );

    // Another application never sees this one's documents.
    const elsewhere = await verify(server.otherApi, 'user-c');
    expect(codes(elsewhere.decision)).not.toContain('DUPLICATE_DOCUMENT');

    // Erased sessions are forgotten: once all three are deleted, a new user is no duplicate.
    for (const id of [first.id, again.id, other.id]) {
      expect((await server.api.request('DELETE', `/v1/sessions/${id}`)).status).toBe(204);
    }
    const fresh = await verify(server.api, 'user-d');
    expect(codes(fresh.decision)).not.toContain('DUPLICATE_DOCUMENT');
  }, 180_000);

  it('lets a workflow decline duplicates instead, or not look for them', async () => {
    const strict = await server.api.json('POST', '/v1/workflows', {
      name: 'Strict documents',
      checks: [{ type: 'document', reasonActions: { DUPLICATE_DOCUMENT: 'decline' } }],
    });
    const off = await server.api.json('POST', '/v1/workflows', {
      name: 'No duplicate search',
      checks: [{ type: 'document', config: { detectDuplicates: false } }],
    });
    workflows.set(server.api, strict.body.id);
    const declined = await verify(server.api, 'user-e');
    expect(declined.decision.status).toBe('declined');
    expect(codes(declined.decision)).toContain('DUPLICATE_DOCUMENT');
    workflows.set(server.api, off.body.id);
    const ignored = await verify(server.api, 'user-f');
    expect(ignored.decision.status).toBe('approved');
  }, 120_000);
});
