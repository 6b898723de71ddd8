import { describe, expect, it } from 'vitest';
import { compareWithDeclaration, DEFAULT_COMPARISON } from './comparison.ts';
import { readFields } from './document-fields.ts';
import { readIncomeDocument } from './income-document.ts';
import { offerLetterLines, payStubLines, payslipLines, scannedPdf, textPdf, w2Lines } from './testing.ts';
import { timelineFromDocuments } from './timeline.ts';

const now = new Date('2024-06-15T12:00:00Z');
const jane = { firstName: 'Jane', lastName: 'Smith' };
const stub = (checkDate: string, over: Partial<Parameters<typeof payStubLines>[0]> = {}) =>
  payStubLines({
    employer: 'Initech Inc',
    employee: 'Jane A. Smith',
    periodBegin: '03/01/2024',
    periodEnd: '03/15/2024',
    checkDate,
    gross: '3,269.23',
    net: '2,343.28',
    ytdGross: '16,346.15',
    ytdNet: '11,716.40',
    ...over,
  });
const w2 = (over: Partial<Parameters<typeof w2Lines>[0]> = {}) =>
  w2Lines({
    taxYear: '2023',
    ssn: '123-45-6789',
    ein: '74-1234567',
    employer: 'Initech Inc',
    employee: 'Jane A Smith',
    wages: '85,000.00',
    ...over,
  });

async function read(bytes: Buffer, mimeType = 'application/pdf') {
  const r = await readIncomeDocument(bytes, mimeType, { now, expectedName: jane });
  if (!r.ok) throw new Error(r.error.message);
  return r.reading;
}

describe('reading US income documents', () => {
  it('reads a pay stub PDF: employer, employee, pay period, check date, gross, net and YTD in dollars, month first', async () => {
    const reading = await read(await textPdf(stub('03/20/2024')));
    expect(reading.source).toBe('pdf-text');
    expect(reading.flags).toEqual([]);
    const f = reading.fields;
    expect(f).toMatchObject({
      kind: 'payslip',
      country: 'US',
      dateOrder: 'mdy',
      currency: 'USD',
      employerName: { value: 'Initech Inc' },
      employeeName: { value: 'Jane A. Smith' },
      periodStart: { value: '2024-03-01' },
      periodEnd: { value: '2024-03-15' },
      grossPay: { value: 3269.23, currency: 'USD' },
      netPay: { value: 2343.28, currency: 'USD' },
      ytdGross: { value: 16346.15, currency: 'USD' },
      ytdNet: { value: 11716.4, currency: 'USD' },
      ssnLast4: { value: '6789' },
    });
    expect(f.payments).toEqual([
      expect.objectContaining({ date: '2024-03-20', amount: 2343.28, currency: 'USD' }),
    ]);
    // The deductions are not mistaken for pay.
    expect(f.grossPay!.confidence).toBeGreaterThan(0.9);
  });

  it('reads 03/04/2024 on a US pay stub as March 4 and on a UK payslip as 3 April; without signals, with low confidence', async () => {
    const us = readFields(
      ['Initech Inc', 'Earnings Statement', 'Check date: 03/04/2024', 'Federal Income Tax: -$512.40'].map(
        (text) => ({ text, confidence: 1 }),
      ),
      'pdf-text',
    );
    expect(us.payDates).toEqual([expect.objectContaining({ value: '2024-03-04' })]);
    expect(us.payDates[0]!.confidence).toBeGreaterThan(0.9);

    const uk = (
      await read(
        await textPdf(
          payslipLines({
            employer: 'Acme Widgets Ltd',
            employee: 'Jane Smith',
            payDate: '03/04/2024',
            gross: '3,250.00',
            net: '2,480.15',
          }),
        ),
      )
    ).fields;
    expect(uk).toMatchObject({ country: 'GB', dateOrder: 'dmy', currency: 'GBP' });
    expect(uk.payDates).toEqual([expect.objectContaining({ value: '2024-04-03' })]);
    expect(uk.payDates[0]!.confidence).toBeGreaterThan(0.9);

    const unknown = readFields(
      ['Payslip', 'Employee: Jane Smith', 'Pay date: 03/04/2024', 'Net pay: 2,480.15'].map((text) => ({
        text,
        confidence: 1,
      })),
      'pdf-text',
    );
    expect(unknown).toMatchObject({ country: null, dateOrder: null, currency: null });
    expect(unknown.payDates[0]!.confidence).toBeLessThanOrEqual(0.5);
    expect(unknown.netPay?.currency).toBeUndefined();
    // A date that can only be read one way tells the order of the others on the same document.
    const told = readFields(
      ['Payslip', 'Pay date: 03/04/2024', 'Printed 03/25/2024'].map((text) => ({ text, confidence: 1 })),
      'pdf-text',
    );
    expect(told.dateOrder).toBe('mdy');
    expect(told.payDates).toEqual([expect.objectContaining({ value: '2024-03-04', confidence: 0.95 })]);
  });

  it('reads a Form W-2: employer, EIN, employee, box 1 wages and tax year; keeps only the last four SSN digits', async () => {
    const reading = await read(await textPdf(w2()));
    expect(reading.flags).toEqual([]);
    expect(reading.fields).toMatchObject({
      kind: 'w2',
      country: 'US',
      currency: 'USD',
      employerName: { value: 'Initech Inc' },
      employeeName: { value: 'Jane A Smith' },
      taxReference: { value: '74-1234567' },
      grossPay: { value: 85000, currency: 'USD' },
      taxYearEnd: { value: '2023-12-31' },
      ssnLast4: { value: '6789' },
    });
    const stored = JSON.stringify(reading);
    expect(stored).not.toContain('123-45-6789');
    expect(stored).not.toContain('123456789');
  });

  it('reads an offer letter like a contract: employer from the letterhead, employee, title, start date, salary', async () => {
    const lines = offerLetterLines({
      employer: 'Initech Inc',
      employee: 'Jane Smith',
      letterDate: 'February 12, 2024',
      jobTitle: 'Software Engineer',
      startDate: '03/04/2024',
      salary: '120,000.00',
    });
    const reading = await read(await textPdf(lines));
    expect(reading.flags).toEqual([]);
    expect(reading.fields).toMatchObject({
      kind: 'contract',
      country: 'US',
      employerName: { value: 'Initech Inc' },
      employeeName: { value: 'Jane Smith' },
      jobTitle: { value: 'Software Engineer' },
      startDate: { value: '2024-03-04' },
      annualSalary: { value: 120000, currency: 'USD' },
    });
    expect(reading.fields.dates.map((d) => d.value)).toContain('2024-02-12');
  });

  it('reads an employment verification letter', () => {
    const f = readFields(
      [
        'Employment Verification',
        'Employer: Initech Inc   EIN: 74-1234567',
        'Employee: Jane Smith   Job title: Senior Engineer',
        'Date of hire: 06/01/2021',
        'Annual salary: $135,000.00',
      ].map((text) => ({ text, confidence: 1 })),
      'pdf-text',
    );
    expect(f).toMatchObject({
      kind: 'contract',
      country: 'US',
      employerName: { value: 'Initech Inc' },
      taxReference: { value: '74-1234567' },
      startDate: { value: '2021-06-01' },
      annualSalary: { value: 135000, currency: 'USD' },
    });
  });

  it('finds payroll credits on a US bank statement: PAYROLL, DIRECT DEP, ACH CREDIT with the employer', async () => {
    const reading = await read(
      await textPdf([
        'First National Bank',
        'Statement of account   Statement period: 01/01/2024 - 01/31/2024',
        'Account holder: Jane Smith   Routing number: 021000021   Account number: 000123456789',
        '01/02/2024 PAYROLL INITECH INC DIRECT DEP $2,343.28 $5,120.44',
        '01/08/2024 WHOLE FOODS MARKET -$84.12 $5,036.32',
        '01/16/2024 ACH CREDIT INITECH INC PAYROLL PPD $2,343.28 $7,379.60',
        'Ending balance $7,379.60',
      ]),
    );
    expect(reading.fields).toMatchObject({ kind: 'bank-statement', country: 'US', dateOrder: 'mdy' });
    expect(reading.fields.employeeName?.value).toBe('Jane Smith');
    expect(reading.fields.payments).toEqual([
      expect.objectContaining({ date: '2024-01-02', amount: 2343.28, payer: 'INITECH INC', currency: 'USD' }),
      expect.objectContaining({ date: '2024-01-16', amount: 2343.28, payer: 'INITECH INC', currency: 'USD' }),
    ]);
  });

  it('reads a scanned pay stub by OCR, month first', async () => {
    const reading = await read(await scannedPdf(stub('03/20/2024')));
    expect(reading.source).toBe('ocr');
    expect(reading.fields).toMatchObject({ kind: 'payslip', country: 'US', currency: 'USD' });
    expect(reading.fields.payDates.map((d) => d.value)).toEqual(['2024-03-20']);
    expect(reading.fields.grossPay?.value).toBe(3269.23);
    expect(reading.fields.netPay?.value).toBe(2343.28);
  }, 60_000);
});

describe('US evidence in the timeline and the comparison', () => {
  it('joins pay stubs and a W-2 of one employer; the W-2 gives the year in dollars', async () => {
    const timeline = timelineFromDocuments([
      { mediaId: 'm1', reading: await read(await textPdf(stub('03/05/2024'))) },
      { mediaId: 'm2', reading: await read(await textPdf(stub('03/20/2024'))) },
      { mediaId: 'm3', reading: await read(await textPdf(w2())) },
    ]);
    expect(timeline).toEqual([
      expect.objectContaining({
        employer: 'Initech Inc',
        startDate: '2024-03-05',
        endDate: '2024-03-20',
        annualGross: 85000,
        currency: 'USD',
        sources: [
          expect.objectContaining({ documentKind: 'payslip' }),
          expect.objectContaining({ documentKind: 'payslip' }),
          expect.objectContaining({ documentKind: 'w2' }),
        ],
      }),
    ]);
  });

  it('refuses to compare a dollar income with a pound declaration, and says so', async () => {
    const timeline = timelineFromDocuments([{ mediaId: 'm3', reading: await read(await textPdf(w2())) }]);
    const job = { id: 'a', employer: 'Initech', startDate: '2023-01-01', endDate: '2023-12-31' };
    const options = { ...DEFAULT_COMPARISON, today: '2024-03-10' };
    const inPounds = compareWithDeclaration(
      [{ ...job, annualIncome: 85000, currency: 'GBP' }],
      timeline,
      options,
    );
    expect(inPounds.employments[0]!.differences).toContain(
      'Declared income is in GBP; the evidence shows 85000 USD a year (not compared).',
    );
    const inDollars = compareWithDeclaration(
      [{ ...job, annualIncome: 85000, currency: 'USD' }],
      timeline,
      options,
    );
    expect(inDollars.employments[0]!.differences.some((d) => d.includes('income'))).toBe(false);
  });
});
