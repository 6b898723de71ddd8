import { z } from 'zod';

const source = z.union([
  z.object({ kind: z.literal('connector'), sourceId: z.string(), sourceName: z.string() }),
  z.object({
    kind: z.literal('document'),
    mediaId: z.string(),
    documentKind: z
      .string()
      .describe(
        'payslip (a UK payslip or US pay stub), p60, w2 (US Form W-2), contract (a contract, offer letter or employment verification letter), bank-statement, sa302 or unknown.',
      ),
  }),
]);

/** A job as the candidate declared it; the result and the journey each add their own view of it. */
const declaredEmployment = z.object({
  id: z.string(),
  employer: z.string(),
  jobTitle: z.string().nullable(),
  startDate: z.string(),
  endDate: z.string().nullable(),
});

export const employmentResultSchema = z
  .object({
    sessionId: z.string(),
    type: z.enum(['identity', 'employment', 'income']),
    vendorData: z.string().nullable(),
    declared: z.array(
      declaredEmployment.extend({ annualIncome: z.number().nullable(), currency: z.string().nullable() }),
    ),
    timeline: z
      .array(
        z.object({
          employer: z.string(),
          jobTitle: z.string().nullable(),
          startDate: z.string().nullable(),
          endDate: z.string().nullable(),
          annualGross: z
            .number()
            .nullable()
            .describe(
              "Given by the source, a P60/SA302/W-2 or an offer letter's salary, or implied by regular payslips and pay stubs.",
            ),
          currency: z
            .string()
            .nullable()
            .optional()
            .describe(
              'ISO 4217 currency of the amounts, as the documents print it; null when unknown or mixed.',
            ),
          payments: z.array(
            z.object({ date: z.string(), gross: z.number().nullable(), net: z.number().nullable() }),
          ),
          sources: z
            .array(source)
            .describe('The evidence: a data source, or the documents it was read from.'),
          confidence: z.number().describe('Lowest confidence of the values this item rests on (0..1).'),
        }),
      )
      .describe('Verified employment and income, oldest first.'),
    comparison: z.array(
      z.object({
        declaredId: z.string(),
        employer: z.string(),
        status: z.enum(['verified', 'partly_verified', 'unverified']),
        differences: z.array(z.string()),
        evidence: z.array(z.number().int()).describe('Indexes into `timeline`.'),
      }),
    ),
    gaps: z.array(z.object({ from: z.string(), to: z.string(), days: z.number().int() })),
    undeclared: z
      .array(z.number().int())
      .describe(
        'Indexes into `timeline` of employment the evidence shows but the candidate did not declare.',
      ),
    maxGapDays: z.number().int(),
    documents: z.array(
      z.object({
        mediaId: z.string(),
        kind: z.string(),
        textSource: z.enum(['pdf-text', 'ocr']).nullable(),
        employer: z.string().nullable(),
        employee: z.string().nullable(),
        payDates: z.array(z.string()),
        grossPay: z.number().nullable(),
        netPay: z.number().nullable(),
        currency: z.string().nullable().describe('ISO 4217 currency of the amounts read; null when unknown.'),
        country: z
          .enum(['GB', 'US'])
          .nullable()
          .describe(
            "The country the document's terms belong to; it decides how dates such as 03/04/2024 read.",
          ),
        taxReference: z.string().nullable(),
        confidence: z.number().nullable(),
        flags: z
          .array(
            z.object({
              code: z.string(),
              message: z.string(),
              evidence: z
                .record(z.string(), z.unknown())
                .optional()
                .describe(
                  'What was found, for flags that rest on the PDF itself: the revisions and changed objects, the software and dates, or the overlapping strings.',
                ),
            }),
          )
          .describe(
            'What makes the document untrustworthy: `EMPLOYMENT_DOCUMENT_OTHER_PERSON` (made out to someone else), `EMPLOYMENT_DOCUMENT_EDITED` (a scanned PDF whose text layer says other figures than its image), `EMPLOYMENT_DOCUMENT_FUTURE_DATE`, `EMPLOYMENT_DOCUMENT_UNREADABLE`, and for born-digital PDFs: `EMPLOYMENT_DOCUMENT_PDF_UPDATED` (an incremental update replaces or adds page content or fonts), `EMPLOYMENT_DOCUMENT_PDF_EDITOR` (Producer, Creator or XMP history names a PDF editor), `EMPLOYMENT_DOCUMENT_PDF_MODIFIED` (modified more than a day after creation), `EMPLOYMENT_DOCUMENT_TEXT_OVERLAID` (text drawn over other, different text).',
          ),
      }),
    ),
    connections: z.array(
      z.object({
        sourceId: z.string(),
        sourceName: z.string(),
        declaredId: z.string().nullable(),
        status: z.string(),
        errorCode: z.string().nullable(),
      }),
    ),
    computedAt: z.string(),
    reportUrl: z.string().describe('`GET` it with your API key for the PDF report.'),
  })
  .meta({ id: 'EmploymentResult' });

export const employmentJourneySchema = z
  .object({
    businessName: z.string().describe('The business the candidate shares their records with.'),
    sources: z.array(z.object({ id: z.string(), name: z.string() })).describe('Offered in this order.'),
    declared: z.array(
      declaredEmployment.extend({
        connectedSource: z.string().nullable(),
        failedSources: z.array(z.string()),
        nextSource: z
          .string()
          .nullable()
          .describe('The source to offer next for this job; null when connected or every source failed.'),
        offerDocuments: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'EmploymentJourney' });
