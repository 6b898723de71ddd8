import type { BlocklistPort, CheckResult, CheckServices, SessionEvidence } from '@openidv/domain';
import { describe, expect, it } from 'vitest';
import { phoneRiskCheck, phoneRiskConfigSchema } from './phone-risk-check.ts';

const services = (blocklists?: BlocklistPort): CheckServices => ({
  saveArtifact: async () => 'unused',
  now: () => new Date('2026-03-01T00:00:00Z'),
  signal: new AbortController().signal,
  ...(blocklists && { blocklists }),
});
function evidence(phone: string | undefined, documentCountry?: string): SessionEvidence {
  const previous: Record<string, CheckResult> = documentCountry
    ? {
        document: {
          type: 'document',
          status: 'passed',
          reasons: [],
          evidence: {},
          extracted: { document: { country: { value: documentCountry, source: 'mrz', confidence: 1 } } },
        },
      }
    : {};
  return {
    applicationId: 'a',
    sessionId: 's',
    attemptId: 't',
    expected: {},
    collected: phone ? { phone } : {},
    media: [],
    previous,
  };
}
const run = (phone: string | undefined, config: object = {}, documentCountry?: string, s = services()) =>
  phoneRiskCheck.run(evidence(phone, documentCountry), phoneRiskConfigSchema.parse(config), s);
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);

describe('the phone-risk check', () => {
  it('reads validity, line type and country from the numbering plans', async () => {
    const mobile = await run('+372 5123 4567');
    expect(mobile).toMatchObject({
      status: 'passed',
      evidence: { e164: '+37251234567', country: 'EE', lineType: 'mobile' },
    });
    expect((await run('+49 30 123456')).evidence).toMatchObject({ country: 'DE', lineType: 'fixed' });
    expect((await run('+1 202 555 0143')).evidence).toMatchObject({
      country: 'US',
      lineType: 'fixed-or-mobile',
    });
    // +44 7911 is a Guernsey mobile range: the number's country is not simply its calling code
    expect((await run('+44 7911 123456')).evidence).toMatchObject({ country: 'GG', lineType: 'mobile' });
  });

  it('flags VoIP numbers (UK 056, French 09)', async () => {
    for (const n of ['+44 56 1234 5678', '+33 9 51 23 45 67']) {
      const out = await run(n);
      expect(codes(out), n).toEqual(['PHONE_VOIP']);
      expect(out.riskLabels).toEqual(['voip-phone']);
    }
    expect((await run('+44 56 1234 5678', { flagVoip: false })).status).toBe('passed');
  });

  it('flags numbers that cannot exist', async () => {
    const out = await run('+372 555 1234');
    expect(codes(out)).toEqual(['PHONE_INVALID']);
    expect(out.reasons[0]!.message).toBe('+3725551234 is not a valid number in EE.');
    expect(codes(await run('12345'))).toEqual(['PHONE_INVALID']);
  });

  it("reads a national number in the document's country, and compares countries when asked", async () => {
    expect((await run('5123 4567', {}, 'EST')).evidence).toMatchObject({
      e164: '+37251234567',
      country: 'EE',
    });
    expect(codes(await run('+49 30 123456', { compareWithDocument: true }, 'EST'))).toEqual([
      'PHONE_COUNTRY_MISMATCH',
    ]);
    expect(codes(await run('+49 30 123456', { compareWithDocument: true }, 'D'))).toEqual([]);
    expect(codes(await run('+49 30 123456', { allowedCountries: ['EE', 'LV'] }))).toEqual([
      'PHONE_COUNTRY_MISMATCH',
    ]);
  });

  it('looks the number up in E.164 form in the blocklist', async () => {
    const asked: string[] = [];
    const blocklists: BlocklistPort = {
      find: async (kind, value) => {
        asked.push(`${kind}:${value}`);
        return { id: 'blk_1', display: '+372****567', note: null };
      },
    };
    expect(codes(await run('+372 5123 4567', {}, undefined, services(blocklists)))).toEqual([
      'PHONE_BLOCKLISTED',
    ]);
    expect(asked).toEqual(['phone:+37251234567']);
  });

  it('is not applicable without a phone number', async () => {
    expect((await run(undefined)).status).toBe('not_applicable');
  });
});
