import type { Attempt, Session } from '@openidv/domain';
import { describe, expect, it } from 'vitest';
import { statusBody, webhookBody } from './present.ts';

const at = new Date('2026-03-01T10:00:00Z');
const session: Session = {
  id: 'ses_1',
  type: 'identity',
  applicationId: 'app_1',
  workflowId: 'wf_1',
  workflowVersion: 1,
  status: 'declined',
  vendorData: 'user-9',
  callbackUrl: null,
  expected: {},
  locale: null,
  metadata: {},
  collected: { ip: '203.0.113.7' },
  journeyToken: 'token',
  currentAttemptId: 'att_1',
  attemptCount: 1,
  createdAt: at,
  updatedAt: at,
  expiresAt: at,
  decidedAt: at,
  deletedAt: null,
};
const field = <T>(value: T) => ({ value, source: 'mrz' as const, confidence: 1 });
const attempt: Attempt = {
  id: 'att_1',
  sessionId: 'ses_1',
  number: 1,
  status: 'declined',
  createdAt: at,
  submittedAt: at,
  decidedAt: new Date('2026-03-01T10:01:00Z'),
  decision: {
    status: 'declined',
    reasons: [{ code: 'AML_HIT', message: 'hit', check: 'aml', action: 'decline' }],
    checks: [
      { type: 'document', status: 'passed', reasons: [], evidence: {}, durationMs: 1 },
      {
        type: 'aml',
        status: 'failed',
        reasons: [{ code: 'AML_HIT', message: 'hit' }],
        evidence: {
          hits: [
            {
              name: 'Ivan Example',
              score: 0.97,
              ref: 'EU-123',
              listId: 'eu_fsf',
              lists: [{ title: 'EU Financial Sanctions' }],
              topics: ['sanction'],
              birthDates: ['1970-01-01'],
              nationalities: ['RUS'],
              explanation: 'name and year of birth',
            },
          ],
        },
        durationMs: 1,
      },
    ],
    person: {
      firstName: field('Ivan'),
      lastName: field('Example'),
      dateOfBirth: field('1970-01-01'),
      sex: field<'M' | 'F' | 'X'>('M'),
      nationality: field('RUS'),
    },
    document: { number: field('X1'), type: field<'passport'>('passport'), country: field('D') },
    riskLabels: ['sanctions'],
    decidedAt: at,
    decidedBy: 'engine',
  },
};

describe('iDenfy result body', () => {
  it('carries the AML hits in iDenfy fields under AML and the legacy aml', () => {
    const body = webhookBody(session, attempt, 'scan-1', { clientId: 'user-9' }, []);
    expect(body.AML).toEqual([
      {
        status: {
          serviceSuspected: true,
          serviceUsed: true,
          serviceFound: true,
          checkSuccessful: true,
          overallStatus: 'SUSPECTED',
        },
        serviceName: 'openidv',
        serviceGroupType: 'AML',
        uid: 'scan-1',
        errorMessage: null,
        data: [
          {
            name: 'Ivan Example',
            surname: null,
            nationality: 'RU',
            dob: '1970-01-01',
            suspicion: 'SANCTION',
            reason: 'name and year of birth',
            listNumber: 'EU-123',
            listName: 'EU Financial Sanctions',
            score: 0.97,
            isPerson: true,
            checkDate: '2026-03-01T10:01:00.000Z',
          },
        ],
      },
    ]);
    expect(body.aml).toBe(body.AML);
  });

  it('reads the document into data.* with alpha-2 countries and times in Unix seconds', () => {
    const body = webhookBody(session, attempt, 'scan-1', { clientId: 'user-9', externalRef: 'r-1' }, [
      'scan-0',
    ]);
    expect(body).toMatchObject({
      final: true,
      status: { overall: 'DENIED', autoDocument: 'DOC_VALIDATED', autoFace: 'FACE_NOT_ANALYSED' },
      data: {
        docFirstName: 'IVAN',
        docLastName: 'EXAMPLE',
        docSex: 'MALE',
        docNationality: 'RU',
        docIssuingCountry: 'DE',
        docType: 'PASSPORT',
        duplicateFaces: ['scan-0'],
        manuallyDataChanged: false,
      },
      scanRef: 'scan-1',
      clientId: 'user-9',
      externalRef: 'r-1',
      clientIp: '203.0.113.7',
      startTime: 1772359200,
      finishTime: 1772359260,
    });
  });

  it('answers the status poll with the status block', () => {
    expect(statusBody(session, attempt, 'scan-1', { clientId: 'user-9' })).toEqual({
      status: 'DENIED',
      autoDocument: 'DOC_VALIDATED',
      autoFace: 'FACE_NOT_ANALYSED',
      manualDocument: null,
      manualFace: null,
      fraudTags: [],
      mismatchTags: [],
      scanRef: 'scan-1',
      clientId: 'user-9',
    });
  });
});
