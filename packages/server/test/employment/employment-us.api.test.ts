import { payStubLines, textPdf, w2Lines } from '@openidv/check-employment/testing';
import { testDialects } from '@openidv/storage/testing';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/harness.ts';
import { startEmploymentServer } from './employment-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = Record<string, any>;

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
/** MM/DD/YYYY, as US payroll prints dates. */
const usDate = (isoDate: string) => {
  const [y, m, d] = isoDate.split('-');
  return `${m}/${d}/${y}`;
};

describe.each(await testDialects())('US employment evidence over the API (%s)', (dialect) => {
  let env: Awaited<ReturnType<typeof startEmploymentServer>>;
  beforeAll(async () => {
    env = await startEmploymentServer(dialect);
  });
  afterAll(async () => env?.close());

  const upload = (bytes: Buffer, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
    return form;
  };

  it("proves a US applicant's declared employer with two pay stubs and last year's W-2, in dollars", async () => {
    const today = new Date();
    const lastYear = today.getUTCFullYear() - 1;
    const declared = {
      employer: 'Initech',
      startDate: `${lastYear}-01-08`,
      endDate: null,
      annualIncome: 85000,
      currency: 'USD',
    };
    const created = await env.server.api.json('POST', '/v1/sessions', {
      type: 'employment',
      workflowId: env.workflowId,
      person: { firstName: 'Jane', lastName: 'Smith' },
      employment: { declared: [declared], maxGapDays: 60 },
    });
    expect(created.status).toBe(201);
    const token = new URL(created.body.url).pathname.split('/')[2]!;
    const j = async (method: string, path: string, body?: FormData | Json) => {
      const res = await fetch(`${env.base}/j/${token}/api/${path}`, {
        method,
        ...(body instanceof FormData
          ? { body }
          : body && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    expect((await j('POST', 'consent', { accept: true })).status).toBe(200);

    // The first pay stub of the job, last January, and the latest one; pay periods end a few days before pay day.
    const first = `${lastYear}-01-19`;
    const latest = iso(new Date(today.getTime() - 4 * DAY));
    const stub = (checkDate: string, begin: string, end: string) =>
      textPdf(
        payStubLines({
          employer: 'Initech Inc',
          employee: 'Jane A. Smith',
          periodBegin: usDate(begin),
          periodEnd: usDate(end),
          checkDate: usDate(checkDate),
          gross: '3,269.23',
          net: '2,343.28',
        }),
      );
    const documents = [
      await stub(first, `${lastYear}-01-01`, `${lastYear}-01-15`),
      await stub(
        latest,
        iso(new Date(today.getTime() - 25 * DAY)),
        iso(new Date(today.getTime() - 11 * DAY)),
      ),
      await textPdf(
        w2Lines({
          taxYear: String(lastYear),
          ssn: '123-45-6789',
          ein: '74-1234567',
          employer: 'Initech Inc',
          employee: 'Jane A Smith',
          wages: '85,000.00',
        }),
      ),
    ];
    for (const [i, bytes] of documents.entries()) {
      expect((await j('POST', 'employment/documents', upload(bytes, `document-${i}.pdf`))).status).toBe(201);
    }
    expect((await j('POST', 'submit')).status).toBe(200);

    const result = await waitFor(async () => {
      const r = await env.server.api.json('GET', `/v1/sessions/${created.body.id}/employment`);
      return r.status === 200 && (r.body as Json);
    }, 60_000);
    expect(result.declared).toEqual([
      expect.objectContaining({ id: 'emp_1', employer: 'Initech', annualIncome: 85000, currency: 'USD' }),
    ]);
    expect(
      result.documents.map((d: Json) => [d.kind, d.country, d.currency, d.employer, d.payDates, d.flags]),
    ).toEqual([
      ['payslip', 'US', 'USD', 'Initech Inc', [first], []],
      ['payslip', 'US', 'USD', 'Initech Inc', [latest], []],
      ['w2', 'US', 'USD', 'Initech Inc', [], []],
    ]);
    expect(result.documents[2]).toMatchObject({
      employee: 'Jane A Smith',
      grossPay: 85000,
      taxReference: '74-1234567',
    });
    expect(result.timeline).toEqual([
      expect.objectContaining({
        employer: 'Initech Inc',
        startDate: first,
        endDate: latest,
        annualGross: 85000,
        currency: 'USD',
        sources: [
          expect.objectContaining({ kind: 'document', documentKind: 'payslip' }),
          expect.objectContaining({ kind: 'document', documentKind: 'payslip' }),
          expect.objectContaining({ kind: 'document', documentKind: 'w2' }),
        ],
      }),
    ]);
    expect(result.comparison).toEqual([
      { declaredId: 'emp_1', employer: 'Initech', status: 'verified', differences: [], evidence: [0] },
    ]);
    expect(result.gaps).toEqual([]);
    // The W-2's social security number is not kept, not even in the check's evidence.
    const decision = await env.server.api.json('GET', `/v1/sessions/${created.body.id}/decision`);
    expect(decision.body.status).toBe('approved');
    const everything = JSON.stringify([
      result,
      decision.body,
      (await env.server.api.json('GET', `/v1/sessions/${created.body.id}`)).body,
    ]);
    expect(everything).not.toContain('123-45-6789');
    const report = await env.server.api.request('GET', `/v1/sessions/${created.body.id}/report.pdf`);
    const { text } = await extractText(new Uint8Array(await report.arrayBuffer()), { mergePages: true });
    expect(text).toContain(`Declared ${lastYear}-01-08 to now, USD 85,000 a year`);
    expect(text).toContain('Annual gross USD 85,000');
  }, 120_000);

  it('refuses a declared currency that is not an ISO 4217 code', async () => {
    const bad = await env.server.api.json('POST', '/v1/sessions', {
      type: 'employment',
      workflowId: env.workflowId,
      employment: {
        declared: [{ employer: 'Initech', startDate: '2024-01-08', annualIncome: 85000, currency: '$' }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('ISO 4217');
  });
});
