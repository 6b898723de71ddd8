import type { CheckResult } from '@openidv/domain';
import { describe, expect, it } from 'vitest';
import { autoDocument, autoFace, fraudTags, idenfyOverall, ipProxyRiskLevel, mismatchTags } from './codes.ts';

const check = (
  type: string,
  status: CheckResult['status'],
  codes: string[] = [],
  evidence = {},
): CheckResult => ({
  type,
  status,
  reasons: codes.map((code) => ({ code, message: code })),
  evidence,
  durationMs: 1,
});

describe('iDenfy vocabulary', () => {
  it('names every core status with an overall status and whether more will follow', () => {
    expect(idenfyOverall('created', false)).toEqual({ overall: 'ACTIVE', final: false });
    expect(idenfyOverall('processing', false)).toEqual({ overall: 'REVIEWING', final: false });
    expect(idenfyOverall('approved', false)).toEqual({ overall: 'APPROVED', final: true });
    expect(idenfyOverall('declined', false)).toEqual({ overall: 'DENIED', final: true });
    expect(idenfyOverall('review', false)).toEqual({ overall: 'SUSPECTED', final: false });
    expect(idenfyOverall('resubmission_requested', false)).toEqual({ overall: 'DENIED', final: false });
    expect(idenfyOverall('abandoned', false)).toEqual({ overall: 'EXPIRED', final: true });
    expect(idenfyOverall('approved', true)).toEqual({ overall: 'DELETED', final: true });
  });

  it('reads autoDocument from the document check, or the photo check when no document was read', () => {
    expect(autoDocument([check('document', 'passed')])).toBe('DOC_VALIDATED');
    expect(autoDocument([check('document', 'failed', ['NAME_MISMATCH', 'DOC_EXPIRED'])])).toBe('DOC_EXPIRED');
    expect(autoDocument([check('document', 'failed', ['COUNTRY_NOT_ACCEPTED'])])).toBe('COUNTRY_MISMATCH');
    expect(
      autoDocument([
        check('image-quality', 'failed', ['IMAGE_TOO_BLURRY'], {
          images: [{ context: 'document-front', reasons: ['IMAGE_TOO_BLURRY'] }],
        }),
      ]),
    ).toBe('DOC_TOO_BLURRY');
    expect(
      autoDocument([check('image-quality', 'failed', ['MEDIA_MISSING'], { missing: ['document-front'] })]),
    ).toBe('DOC_NOT_FOUND');
    // A blurred selfie says nothing about the document.
    expect(
      autoDocument([
        check('image-quality', 'failed', ['IMAGE_TOO_BLURRY'], {
          images: [{ context: 'face', reasons: ['x'] }],
        }),
      ]),
    ).toBeNull();
  });

  it('reads autoFace from face match and liveness', () => {
    expect(autoFace([check('face-match', 'passed'), check('liveness', 'passed')])).toBe('FACE_MATCH');
    expect(autoFace([check('face-match', 'passed'), check('liveness', 'failed', ['LIVENESS_FAILED'])])).toBe(
      'FAKE_FACE',
    );
    expect(autoFace([check('face-match', 'failed', ['MULTIPLE_FACES'])])).toBe('TOO_MANY_FACES');
    expect(autoFace([check('face-match', 'not_applicable')])).toBe('FACE_NOT_ANALYSED');
    expect(autoFace([check('image-quality', 'passed')])).toBeNull();
  });

  it('turns risk reasons into fraud tags and data comparisons into mismatch tags', () => {
    const checks = [
      check('face-duplicates', 'failed', ['DUPLICATE_FACE', 'FACE_BLOCKLISTED']),
      check('document', 'failed', ['NAME_MISMATCH', 'DOB_MISMATCH', 'DOC_EXPIRED']),
    ];
    expect(fraudTags(checks)).toEqual(['DUPLICATE_FACE', 'FACE_IN_BLACKLIST']);
    expect(mismatchTags(checks)).toEqual(['NAME', 'DATE_OF_BIRTH']);
  });

  it('grades the applicant address from the IP check', () => {
    expect(ipProxyRiskLevel([check('ip-risk', 'passed')])).toBe('VERY_LOW');
    expect(ipProxyRiskLevel([check('ip-risk', 'failed', ['IP_VPN_OR_PROXY'])])).toBe('HIGH');
    expect(ipProxyRiskLevel([check('ip-risk', 'failed', ['IP_TOR'])])).toBe('VERY_HIGH');
    expect(ipProxyRiskLevel([])).toBeNull();
  });
});
