import { describe, expect, it } from 'vitest';
import { returnOutcome, returnUrlFor } from './return-urls.ts';

const passed = { autoDocument: 'DOC_VALIDATED', autoFace: 'FACE_MATCH' };
const none = { autoDocument: null, autoFace: null };

describe('where an iDenfy applicant ends', () => {
  it('follows the session: approved succeeds, denied fails, nothing analysed is unverified', () => {
    expect(returnOutcome('approved', passed)).toBe('success');
    expect(returnOutcome('declined', none)).toBe('error');
    // Photos to retake: iDenfy's DENIED, not final.
    expect(returnOutcome('resubmission_requested', none)).toBe('error');
    for (const s of ['cancelled', 'expired', 'abandoned'] as const)
      expect(returnOutcome(s, none)).toBe('unverified');
    expect(returnOutcome('submitted', none)).toBe('pending');
    expect(returnOutcome('processing', none)).toBe('pending');
    expect(returnOutcome('started', none)).toBe('open');
  });

  it('treats SUSPECTED as approved with flags only when the document and face passed', () => {
    expect(returnOutcome('review', passed)).toBe('success');
    expect(returnOutcome('review', { autoDocument: 'DOC_NOT_ANALYSED', autoFace: 'FACE_NOT_ANALYSED' })).toBe(
      'success',
    );
    expect(returnOutcome('review', { autoDocument: 'DOC_VALIDATED', autoFace: 'FACE_MISMATCH' })).toBe(
      'error',
    );
    expect(returnOutcome('review', { autoDocument: 'DOC_EXPIRED', autoFace: 'FACE_MATCH' })).toBe('error');
  });

  it('picks the token URL for the outcome, or none', () => {
    const urls = { successUrl: 'https://a/ok', errorUrl: 'https://a/no', unverifiedUrl: null };
    expect(returnUrlFor('success', urls)).toBe('https://a/ok');
    expect(returnUrlFor('error', urls)).toBe('https://a/no');
    expect(returnUrlFor('unverified', urls)).toBeNull();
  });
});
