import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payslipLines, textPdf } from '@openidv/check-employment/testing';
import type { Dialect } from '@openidv/storage';
import { freePort, startReceiver, startTestServer } from '../support/harness.ts';
import { payrollSourceConfig, startPayrollSource } from '../support/oauth-source.ts';

export const PAYROLL_MAPPING = {
  employments: 'data.employments',
  employer: 'employer.legal_name',
  jobTitle: 'title',
  startDate: 'start_date',
  endDate: 'end_date',
  annualGross: 'pay.annual_gross',
};

/** Month ends before today, oldest first, as YYYY-MM-DD. */
export function recentMonthEnds(count: number, today = new Date()): string[] {
  const out: string[] = [];
  for (let i = count; i >= 1; i--) {
    out.push(
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - i + 1, 0)).toISOString().slice(0, 10),
    );
  }
  return out;
}

export const ukDate = (iso: string) => iso.split('-').reverse().join('/');

export function payslip(payDate: string, over: Partial<Parameters<typeof payslipLines>[0]> = {}) {
  return textPdf(
    payslipLines({
      employer: 'Acme Widgets Ltd',
      employee: 'Jane Smith',
      payDate: ukDate(payDate),
      gross: '3,000.00',
      net: '2,310.40',
      ...over,
    }),
  );
}

/**
 * An openidv server offering one OAuth data source ("Test Payroll", a real authorization server on loopback),
 * a webhook receiver subscribed to everything, and a workflow that runs the employment check.
 */
export async function startEmploymentServer(dialect: Dialect) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const source = await startPayrollSource({ redirectUris: [`${base}/j/employment/callback`] });
  source.records.set('jane', {
    data: {
      employments: [
        {
          employer: { legal_name: 'Globex Corporation' },
          title: 'Analyst',
          start_date: '2019-01-07',
          end_date: '2023-06-30',
          pay: { annual_gross: 40000 },
        },
      ],
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'openidv-sources-'));
  const sourcesFile = join(dir, 'sources.json');
  writeFileSync(
    sourcesFile,
    JSON.stringify({
      sources: [payrollSourceConfig(source, PAYROLL_MAPPING)],
    }),
  );
  const server = await startTestServer(dialect, {
    PORT: String(port),
    OPENIDV_PUBLIC_URL: base,
    OPENIDV_EMPLOYMENT_SOURCES_FILE: sourcesFile,
  });
  const receiver = await startReceiver();
  await server.api.json('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] });
  const wf = await server.api.json('POST', '/v1/workflows', {
    name: 'Employment',
    checks: [{ type: 'employment', config: {} }],
  });
  if (wf.status !== 201) throw new Error(`workflow: ${JSON.stringify(wf.body)}`);
  return {
    server,
    source,
    receiver,
    base,
    workflowId: wf.body.id as string,
    async close() {
      await server.close();
      await receiver.close();
      await source.close();
    },
  };
}

export function employmentSessionBody(workflowId: string, over: Record<string, unknown> = {}) {
  const months = recentMonthEnds(3);
  return {
    type: 'employment',
    workflowId,
    vendorData: 'candidate-7',
    person: { firstName: 'Jane', lastName: 'Smith' },
    employment: {
      declared: [
        {
          employer: 'Globex',
          jobTitle: 'Analyst',
          startDate: '2019-01-07',
          endDate: '2023-06-30',
          annualIncome: 40000,
        },
        {
          employer: 'Acme Widgets',
          startDate: `${months[0]!.slice(0, 8)}01`,
          endDate: null,
          annualIncome: 36000,
        },
      ],
      maxGapDays: 60,
    },
    ...over,
  };
}
