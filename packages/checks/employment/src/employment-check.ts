import type { CheckDefinition, CheckOutput, Reason, SessionEvidence } from '@openidv/domain';
import { z } from 'zod';
import { FLAG_CODES, type IncomeDocumentReading, readIncomeDocument } from './income-document.ts';

export const employmentConfigSchema = z.object({
  futureToleranceDays: z
    .number()
    .int()
    .min(0)
    .max(31)
    .default(1)
    .describe('Dates up to this many days ahead are not flagged (a payslip handed out before pay day).'),
});
export type EmploymentConfig = z.infer<typeof employmentConfigSchema>;

const UNREADABLE = 'EMPLOYMENT_DOCUMENT_UNREADABLE';

/** The income documents of an attempt: uploads in the `additional-document` context. */
export function incomeDocuments(evidence: SessionEvidence) {
  return evidence.media.filter((m) => m.context === 'additional-document');
}

export const employmentCheck: CheckDefinition<EmploymentConfig> = {
  type: 'employment',
  description:
    'Reads UK payslips, P60s, contracts, bank statements and SA302s and US pay stubs, W-2s, offer letters and bank statements (PDF text, OCR for scans and photos): employer, employee, pay dates, gross and net pay, tax reference; flags documents for another person, edited PDFs and future dates.',
  configSchema: employmentConfigSchema,
  reasonCodes: {
    [FLAG_CODES.OTHER_PERSON]: { action: 'review', description: 'A document is made out to someone else.' },
    [FLAG_CODES.EDITED]: {
      action: 'review',
      description: "A PDF's text layer says other figures than the image of its page (edited).",
    },
    [FLAG_CODES.PDF_UPDATED]: {
      action: 'review',
      description:
        'A PDF was saved again after it was made (an incremental update) and the later revision replaces or adds page content or fonts.',
    },
    [FLAG_CODES.PDF_EDITOR]: {
      action: 'review',
      description:
        "A PDF's Producer, Creator or XMP history names a PDF editor (desktop or online), not the software that issues such documents.",
    },
    [FLAG_CODES.PDF_MODIFIED]: {
      action: 'review',
      description: "A PDF's modification date is more than a day after its creation date.",
    },
    [FLAG_CODES.TEXT_OVERLAID]: {
      action: 'review',
      description:
        'A PDF draws text over other, different text in the same place (e.g. a white box and a new amount over the old one).',
    },
    [FLAG_CODES.FUTURE_DATE]: { action: 'review', description: 'A document carries a date in the future.' },
    [UNREADABLE]: { action: 'resubmit', description: 'A document is neither a readable PDF nor an image.' },
  },
  async run(evidence, config, services): Promise<CheckOutput> {
    const media = incomeDocuments(evidence);
    if (!media.length) return { status: 'not_applicable', reasons: [], evidence: { documents: [] } };
    const reasons: Reason[] = [];
    const documents: ({ mediaId: string } & (IncomeDocumentReading | { error: string }))[] = [];
    for (const item of media) {
      services.signal.throwIfAborted();
      const read = await readIncomeDocument(await item.read(), item.mimeType, {
        now: services.now(),
        expectedName: evidence.expected.person,
        futureToleranceDays: config.futureToleranceDays,
      });
      if (!read.ok) {
        reasons.push({ code: UNREADABLE, message: read.error.message });
        documents.push({ mediaId: item.id, error: read.error.code });
        continue;
      }
      reasons.push(...read.reading.flags);
      documents.push({ mediaId: item.id, ...read.reading });
    }
    return { status: reasons.length ? 'failed' : 'passed', reasons, evidence: { documents } };
  },
};
