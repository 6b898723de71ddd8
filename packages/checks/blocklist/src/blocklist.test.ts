import type { BlocklistPort, CheckServices, SessionEvidence } from '@openidv/domain';
import { describe, expect, it } from 'vitest';
import { blocklistCheck, blocklistConfigSchema } from './blocklist-check.ts';

const listed = new Set(['L898902C3']);
const blocklists: BlocklistPort = {
  find: async (kind, value) =>
    kind === 'document' && listed.has(value)
      ? { id: 'blk_1', display: 'L8*****C3', note: 'stolen' }
      : undefined,
};
const services: CheckServices = {
  saveArtifact: async () => 'unused',
  now: () => new Date(),
  signal: new AbortController().signal,
  blocklists,
};
const evidence = (read?: string, expected?: string): SessionEvidence => ({
  applicationId: 'a',
  sessionId: 's',
  attemptId: 't',
  expected: expected ? { document: { number: expected } } : {},
  collected: {},
  media: [],
  previous: read
    ? {
        document: {
          type: 'document',
          status: 'passed',
          reasons: [],
          evidence: {},
          extracted: { document: { number: { value: read, source: 'mrz', confidence: 1 } } },
        },
      }
    : {},
});
const config = blocklistConfigSchema.parse({});

describe('the blocklist check', () => {
  it('declines a document number read from the document that is on the blocklist', async () => {
    const out = await blocklistCheck.run(evidence('L898902C3'), config, services);
    expect(out).toMatchObject({
      status: 'failed',
      reasons: [{ code: 'DOCUMENT_BLOCKLISTED' }],
      evidence: { source: 'document' },
    });
  });

  it('prefers the number read over the one sent, and falls back to the one sent', async () => {
    expect((await blocklistCheck.run(evidence('X1234567', 'L898902C3'), config, services)).status).toBe(
      'passed',
    );
    expect((await blocklistCheck.run(evidence(undefined, 'L898902C3'), config, services)).status).toBe(
      'failed',
    );
    expect(
      (
        await blocklistCheck.run(
          evidence(undefined, 'L898902C3'),
          blocklistConfigSchema.parse({ useExpected: false }),
          services,
        )
      ).status,
    ).toBe('not_applicable');
  });
});
