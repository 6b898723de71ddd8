import { describe, expect, it } from 'vitest';
import {
  compareWithDeclaration,
  DEFAULT_COMPARISON,
  type DeclaredEmployment,
  sameEmployer,
} from './comparison.ts';
import { findDates, readFields } from './document-fields.ts';
import { employmentCheck, employmentConfigSchema } from './employment-check.ts';
import { FLAG_CODES, readIncomeDocument, sameName } from './income-document.ts';
import { pagePicture, payslipLines, scannedPdf, textPdf } from './testing.ts';
import { timelineFromDocuments } from './timeline.ts';

const now = new Date('2024-06-15T12:00:00Z');
const jane = { firstName: 'Jane', lastName: 'Smith' };
const slip = (payDate: string, over: Partial<Parameters<typeof payslipLines>[0]> = {}) =>
  payslipLines({
    employer: 'Acme Widgets Ltd',
    employee: 'Jane Smith',
    payDate,
    gross: '3,250.00',
    net: '2,480.15',
    ...over,
  });

describe('reading income documents', () => {
  it('reads a payslip PDF from its text layer: employer, employee, pay date, gross, net, tax reference', async () => {
    const read = await readIncomeDocument(
      await textPdf(slip('31/01/2024', { jobTitle: 'Engineer' })),
      'application/pdf',
      {
        now,
        expectedName: jane,
      },
    );
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const f = read.reading.fields;
    expect(read.reading.source).toBe('pdf-text');
    expect(f.kind).toBe('payslip');
    expect(f.employerName?.value).toBe('Acme Widgets Ltd');
    expect(f.employerName!.confidence).toBeLessThan(0.9); // a heading, not a labelled value
    expect(f.employeeName).toMatchObject({ value: 'Jane Smith', source: 'pdf-text' });
    expect(f.employeeName!.confidence).toBeGreaterThan(0.9);
    expect(f.jobTitle?.value).toBe('Engineer');
    expect(f.payDates.map((d) => d.value)).toEqual(['2024-01-31']);
    expect(f.grossPay?.value).toBe(3250);
    expect(f.netPay?.value).toBe(2480.15);
    expect(f.taxReference?.value).toBe('123/AB45678');
    expect(read.reading.flags).toEqual([]);
  });

  it('reads a scanned payslip (a PDF that is only a picture) by OCR, with confidences below 1', async () => {
    const read = await readIncomeDocument(await scannedPdf(slip('28/02/2024')), 'application/pdf', {
      now,
      expectedName: jane,
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const f = read.reading.fields;
    expect(read.reading.source).toBe('ocr');
    expect(f.employeeName?.value).toBe('Jane Smith');
    expect(f.payDates.map((d) => d.value)).toEqual(['2024-02-28']);
    expect(f.grossPay?.value).toBe(3250);
    expect(f.netPay?.value).toBe(2480.15);
    expect(f.grossPay!.confidence).toBeGreaterThan(0.5);
    expect(f.grossPay!.confidence).toBeLessThan(1);
  }, 60_000);

  it('reads a photo of a P60 by OCR', async () => {
    const photo = await pagePicture([
      'P60 End of year certificate',
      'Tax year to 5 April 2024',
      'Employee: Jane Smith',
      'Employer name: Globex Corporation',
      'Employer PAYE reference: 961/ZX12345',
      'Pay in this employment: 41,000.00',
    ]);
    const read = await readIncomeDocument(photo, 'image/png', { now, expectedName: jane });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.reading.fields).toMatchObject({
      kind: 'p60',
      employerName: { value: 'Globex Corporation', source: 'ocr' },
      taxYearEnd: { value: '2024-04-05' },
      grossPay: { value: 41000 },
      taxReference: { value: '961/ZX12345' },
    });
  }, 60_000);

  it('finds salary credits on a bank statement', () => {
    const lines = [
      'Northern Bank statement',
      'Account name: Ms Jane Smith   Sort code: 12-34-56   Account number: 12345678',
      '02/01/2024 TESCO STORES 45.10 1,020.33',
      '31/01/2024 ACME WIDGETS LTD SALARY 2,480.15 3,500.48',
      '29/02/2024 ACME WIDGETS LTD SALARY 2,480.15 5,100.00',
    ].map((text) => ({ text, confidence: 1 }));
    const f = readFields(lines, 'pdf-text');
    expect(f.kind).toBe('bank-statement');
    expect(f.employeeName?.value).toBe('Jane Smith');
    expect(f.payments).toEqual([
      expect.objectContaining({ date: '2024-01-31', amount: 2480.15, payer: 'ACME WIDGETS LTD' }),
      expect.objectContaining({ date: '2024-02-29', amount: 2480.15, payer: 'ACME WIDGETS LTD' }),
    ]);
  });

  it('reads dates as UK documents print them and drops impossible ones', () => {
    expect(findDates('05/04/2024, 2023-12-01, 3rd March 2022, 31 Sept 2024, 30/02/2024')).toEqual([
      '2024-04-05',
      '2023-12-01',
      '2022-03-03',
    ]);
  });

  it('answers a value error for bytes that are neither PDF nor image', async () => {
    const read = await readIncomeDocument(Buffer.from('hello'), 'text/plain', { now });
    expect(read).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }) });
    const broken = await readIncomeDocument(Buffer.from('%PDF-1.7 garbage'), 'application/pdf', { now });
    expect(broken).toEqual({ ok: false, error: expect.objectContaining({ code: 'CORRUPT_DOCUMENT' }) });
  });
});

describe('flags', () => {
  it('flags a payslip made out to someone else', async () => {
    const read = await readIncomeDocument(
      await textPdf(slip('31/01/2024', { employee: 'John Doe' })),
      'application/pdf',
      {
        now,
        expectedName: jane,
      },
    );
    expect(read.ok && read.reading.flags.map((f) => f.code)).toEqual([FLAG_CODES.OTHER_PERSON]);
  });

  it('flags a date in the future', async () => {
    const read = await readIncomeDocument(await textPdf(slip('31/07/2024')), 'application/pdf', {
      now,
      expectedName: jane,
    });
    expect(read.ok && read.reading.flags).toEqual([
      expect.objectContaining({
        code: FLAG_CODES.FUTURE_DATE,
        message: expect.stringContaining('2024-07-31'),
      }),
    ]);
  });

  it("flags a PDF whose text layer says other figures than its page's image (edited), and not an honest scan", async () => {
    const honest = await readIncomeDocument(
      await scannedPdf(slip('31/01/2024'), slip('31/01/2024')),
      'application/pdf',
      {
        now,
        expectedName: jane,
      },
    );
    expect(honest.ok && honest.reading.flags).toEqual([]);
    const edited = await readIncomeDocument(
      await scannedPdf(slip('31/01/2024'), slip('31/01/2024', { gross: '5,250.00' })),
      'application/pdf',
      { now, expectedName: jane },
    );
    expect(edited.ok && edited.reading.flags).toEqual([
      expect.objectContaining({ code: FLAG_CODES.EDITED, message: expect.stringContaining('5250.00') }),
    ]);
  }, 90_000);

  it('matches names across titles, order, initials and accents', () => {
    expect(sameName('Mrs J. Smith', jane)).toBe(true);
    expect(sameName('SMITH, JANE', jane)).toBe(true);
    expect(sameName('Zoë Müller', { firstName: 'Zoe', lastName: 'Muller' })).toBe(true);
    expect(sameName('John Smith', jane)).toBe(false);
    expect(sameName('Jane Smythe', jane)).toBe(false);
  });
});

describe('employment check', () => {
  const media = (bytes: Buffer, id: string) => ({
    id,
    context: 'additional-document' as const,
    mimeType: 'application/pdf',
    size: bytes.length,
    sha256: id,
    createdAt: now,
    read: async () => bytes,
  });
  const services = { now: () => now, signal: new AbortController().signal, saveArtifact: async () => 'x' };

  it('fails with the reasons of flagged documents and keeps what it read as evidence', async () => {
    const good = await textPdf(slip('31/01/2024'));
    const other = await textPdf(slip('29/02/2024', { employee: 'John Doe' }));
    const out = await employmentCheck.run(
      {
        applicationId: 'app',
        sessionId: 'ses',
        attemptId: 'att',
        expected: { person: jane },
        collected: {},
        media: [media(good, 'med_1'), media(other, 'med_2')],
        previous: {},
      },
      employmentConfigSchema.parse({}),
      services,
    );
    expect(out.status).toBe('failed');
    expect(out.reasons.map((r) => r.code)).toEqual([FLAG_CODES.OTHER_PERSON]);
    expect((out.evidence['documents'] as { mediaId: string }[]).map((d) => d.mediaId)).toEqual([
      'med_1',
      'med_2',
    ]);
  });

  it('is not applicable without documents', async () => {
    const out = await employmentCheck.run(
      {
        applicationId: 'a',
        sessionId: 's',
        attemptId: 't',
        expected: {},
        collected: {},
        media: [],
        previous: {},
      },
      employmentConfigSchema.parse({}),
      services,
    );
    expect(out.status).toBe('not_applicable');
  });
});

describe('timeline and comparison with the declaration', () => {
  const reading = async (lines: string[]) => {
    const r = await readIncomeDocument(await textPdf(lines), 'application/pdf', { now, expectedName: jane });
    if (!r.ok) throw new Error('unreadable');
    return r.reading;
  };

  it('joins payslips of one employer into a span with an implied annual gross; flagged ones prove nothing', async () => {
    const timeline = timelineFromDocuments([
      { mediaId: 'm1', reading: await reading(slip('31/01/2024')) },
      { mediaId: 'm2', reading: await reading(slip('29/02/2024')) },
      { mediaId: 'm3', reading: await reading(slip('31/03/2024', { employee: 'John Doe' })) },
    ]);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      employer: 'Acme Widgets Ltd',
      startDate: '2024-01-31',
      endDate: '2024-02-29',
      annualGross: 39000,
      sources: [{ mediaId: 'm1' }, { mediaId: 'm2' }],
    });
  });

  const declared: DeclaredEmployment[] = [
    { id: 'a', employer: 'Globex', startDate: '2019-01-01', endDate: '2023-06-30', annualIncome: 40000 },
    { id: 'b', employer: 'ACME Widgets', startDate: '2024-01-01', endDate: null, annualIncome: 39000 },
    { id: 'c', employer: 'Initech', startDate: '2016-01-01', endDate: '2018-12-31' },
  ];
  const options = { ...DEFAULT_COMPARISON, today: '2024-03-10' };

  it('verifies, partly verifies with the difference, leaves unverified, and reports long gaps', () => {
    const result = compareWithDeclaration(
      declared,
      [
        {
          employer: 'GLOBEX CORPORATION',
          jobTitle: null,
          startDate: '2019-01-01',
          endDate: '2023-02-28',
          annualGross: 40500,
          payments: [],
          sources: [{ kind: 'connector', sourceId: 'payroll', sourceName: 'Payroll' }],
          confidence: 1,
        },
        {
          employer: 'Acme Widgets Ltd',
          jobTitle: null,
          startDate: '2024-01-31',
          endDate: '2024-02-29',
          annualGross: 39000,
          payments: [],
          sources: [{ kind: 'document', mediaId: 'm1', documentKind: 'payslip' }],
          confidence: 0.95,
        },
      ],
      options,
    );
    expect(result.employments).toEqual([
      {
        declaredId: 'a',
        employer: 'Globex',
        status: 'partly_verified',
        differences: ['Declared until 2023-06-30; the evidence ends on 2023-02-28.'],
        evidence: [0],
      },
      { declaredId: 'b', employer: 'ACME Widgets', status: 'verified', differences: [], evidence: [1] },
      { declaredId: 'c', employer: 'Initech', status: 'unverified', differences: [], evidence: [] },
    ]);
    expect(result.gaps).toEqual([{ from: '2023-06-30', to: '2024-01-01', days: 184 }]);
    expect(compareWithDeclaration(declared, [], { ...options, maxGapDays: 200 }).gaps).toEqual([]);
  });

  it('reports a declared income the evidence does not bear out', () => {
    const result = compareWithDeclaration(
      [{ id: 'b', employer: 'Acme', startDate: '2024-01-01', annualIncome: 60000 }],
      [
        {
          employer: 'Acme Ltd',
          jobTitle: null,
          startDate: '2024-01-31',
          endDate: '2024-02-29',
          annualGross: 39000,
          payments: [],
          sources: [],
          confidence: 1,
        },
      ],
      options,
    );
    expect(result.employments[0]).toMatchObject({
      status: 'partly_verified',
      differences: ['Declared income 60000 a year; the evidence shows 39000 (35% apart).'],
    });
  });

  it('tells employers apart by name, ignoring legal suffixes', () => {
    expect(sameEmployer('Acme Widgets Ltd.', 'ACME WIDGETS')).toBe(true);
    expect(sameEmployer('Acme Widgets', 'Acme Gadgets')).toBe(false);
  });
});
