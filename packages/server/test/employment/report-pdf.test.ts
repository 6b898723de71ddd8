import type { Session } from '@openidv/domain';
import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { EmploymentResult } from '../../src/usecases/employment/employment-result.ts';
import { renderEmploymentReport } from '../../src/usecases/employment/report-pdf.ts';

const session = { id: 'ses_1', type: 'income', vendorData: 'cand-1' } as Session;
const item = (employer: string, startDate: string, endDate: string) => ({
  employer,
  jobTitle: null,
  startDate,
  endDate,
  annualGross: 30000.5,
  payments: [{ date: endDate, gross: 2500, net: 1950.25 }],
  sources: [{ kind: 'document' as const, mediaId: 'med_1', documentKind: 'payslip' }],
  confidence: 0.9,
});

const result: EmploymentResult = {
  declared: [
    {
      id: 'emp_1',
      employer: 'Zoë Café Ltd',
      startDate: '2020-01-01',
      endDate: '2021-12-31',
      annualIncome: 45000,
    },
  ],
  timeline: [
    item('Zoë Café Ltd', '2020-01-31', '2021-06-30'),
    item('北京 Trading', '2022-01-31', '2022-03-31'),
  ],
  comparison: [
    {
      declaredId: 'emp_1',
      employer: 'Zoë Café Ltd',
      status: 'partly_verified',
      differences: ['Declared until 2021-12-31; the evidence ends on 2021-06-30.'],
      evidence: [0],
    },
  ],
  gaps: [],
  undeclared: [1],
  maxGapDays: 90,
  documents: [
    {
      mediaId: 'med_2',
      kind: 'payslip',
      textSource: 'pdf-text',
      employer: null,
      employee: 'John Doe',
      payDates: [],
      grossPay: null,
      netPay: null,
      currency: null,
      country: null,
      taxReference: null,
      confidence: 0.95,
      flags: [
        { code: 'EMPLOYMENT_DOCUMENT_OTHER_PERSON', message: 'The document is made out to "John Doe".' },
      ],
    },
  ],
  connections: [
    {
      sourceId: 'payroll',
      sourceName: 'Payroll',
      declaredId: 'emp_1',
      status: 'failed',
      errorCode: 'SOURCE_DENIED',
    },
  ],
  computedAt: '2024-05-01T10:00:00.000Z',
};

describe('the employment report PDF', () => {
  it('states each comparison with its differences, undeclared jobs, flagged documents and failed sources', async () => {
    const pdf = await renderEmploymentReport(session, result, 'Lettings & Co');
    const { text } = await extractText(new Uint8Array(pdf), { mergePages: true });
    for (const line of [
      'Income verification report',
      'For Lettings & Co - session ses_1 (cand-1)',
      'Zoë Café Ltd - Partly verified',
      'Declared until 2021-12-31; the evidence ends on 2021-06-30.',
      'Shown by the evidence but not declared',
      // Standard PDF fonts cannot draw Chinese: those characters become "?" instead of failing the report.
      '?? Trading, 2022-01-31 to 2022-03-31',
      'Annual gross 30,000.50',
      'net 1,950.25',
      'The document is made out to "John Doe".',
      'Payroll: SOURCE_DENIED',
      'No gaps longer than 90 days',
    ]) {
      expect(text).toContain(line);
    }
  });
});
