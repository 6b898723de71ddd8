import type { EidVerification, MediaItem, SessionEvidence } from '@openidv/domain';
import { describe, expect, it } from 'vitest';
import { eidCheck, eidCheckConfigSchema } from './check.ts';

const verification: EidVerification = {
  person: {
    firstName: 'Ingrid',
    lastName: 'Johansson',
    dateOfBirth: '1990-01-01',
    nationalId: '199001011234',
    address: 'Storgatan 1, Stockholm',
  },
  claims: {},
  provenance: {
    provider: 'bankidse',
    issuer: 'https://idp.example',
    channel: 'redirect',
    authenticatedAt: '2026-01-01T00:00:00.000Z',
    levelOfAssurance: 'substantial',
    subject: 'abc',
  },
};

function evidence(over: Partial<SessionEvidence> = {}): SessionEvidence {
  return {
    applicationId: 'app_1',
    sessionId: 'ses_1',
    attemptId: 'att_1',
    expected: {},
    collected: {},
    media: [],
    previous: {},
    eid: verification,
    ...over,
  };
}
const services = {
  now: () => new Date(),
  signal: new AbortController().signal,
  saveArtifact: async () => '',
};
const run = (e: SessionEvidence, config: Record<string, unknown> = {}) =>
  eidCheck.run(e, eidCheckConfigSchema.parse(config), services);

describe('the eid check', () => {
  it('passes a verified person and hands their fields on as eID-sourced readings', async () => {
    const r = await run(evidence({ expected: { person: { firstName: 'INGRID', lastName: 'Johansson' } } }));
    expect(r.status).toBe('passed');
    expect(r.extracted?.person).toMatchObject({
      firstName: { value: 'Ingrid', source: 'eid', confidence: 1 },
      personalNumber: { value: '199001011234', source: 'eid' },
      address: { value: 'Storgatan 1, Stockholm' },
    });
    expect(r.evidence['provenance']).toMatchObject({ provider: 'bankidse' });
  });

  it("raises the document check's reason codes when the verified person differs from the expected one", async () => {
    const r = await run(
      evidence({
        expected: {
          person: { firstName: 'Maria', lastName: 'Svensson', dateOfBirth: '1991-01-01', idNumber: '1' },
        },
      }),
    );
    expect(r.reasons.map((x) => x.code)).toEqual(['NAME_MISMATCH', 'DOB_MISMATCH', 'ID_NUMBER_MISMATCH']);
  });

  it('accepts swapped first and last names as the document check does', async () => {
    const r = await run(evidence({ expected: { person: { firstName: 'Johansson', lastName: 'Ingrid' } } }));
    expect(r.status).toBe('passed');
  });

  it('fails a level below the workflow minimum', async () => {
    const r = await run(evidence(), { minimumLevelOfAssurance: 'high' });
    expect(r.reasons.map((x) => x.code)).toEqual(['EID_LEVEL_TOO_LOW']);
  });

  it('is not applicable when the applicant showed a document instead, and fails when there is neither', async () => {
    const doc = { id: 'med_1', context: 'document-front' } as MediaItem;
    expect((await run(evidence({ eid: undefined, media: [doc] }))).status).toBe('not_applicable');
    const none = await run(evidence({ eid: undefined }));
    expect(none.reasons.map((x) => x.code)).toEqual(['EID_MISSING']);
    const eidOnly = await run(evidence({ eid: undefined, media: [doc] }), { fallbackToDocument: false });
    expect(eidOnly.reasons.map((x) => x.code)).toEqual(['EID_MISSING']);
  });
});
