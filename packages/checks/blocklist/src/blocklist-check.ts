import type { CheckDefinition, CheckOutput, SessionEvidence } from '@openidv/domain';
import { blocklistReason, readFromPrevious } from '@openidv/domain';
import { z } from 'zod';

export const blocklistConfigSchema = z.object({
  useExpected: z
    .boolean()
    .default(true)
    .describe('Also look up the document number the integrator sent when no document was read.'),
});
export type BlocklistConfig = z.infer<typeof blocklistConfigSchema>;

/**
 * The `blocklist` check: the document number read by the document check (or sent by the integrator) against
 * the application's document blocklist. Email, phone and IP blocklists are consulted by their own checks.
 */
export function createBlocklistCheck(): CheckDefinition<BlocklistConfig> {
  return {
    type: 'blocklist',
    description:
      "The document number read from the document (or sent by the integrator) against the application's document blocklist.",
    configSchema: blocklistConfigSchema,
    reasonCodes: {
      DOCUMENT_BLOCKLISTED: {
        action: 'decline',
        description: "The document number is on the application's blocklist.",
      },
    },
    async run(evidence: SessionEvidence, config: BlocklistConfig, services): Promise<CheckOutput> {
      const read = readFromPrevious(evidence.previous).document?.number?.value;
      const expected = config.useExpected
        ? (evidence.expected.document?.number ?? evidence.expected.person?.idNumber)
        : undefined;
      const number = read ?? expected;
      if (!number) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No document number was read or given.' },
        };
      }
      if (!services.blocklists) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No blocklist store is available to this check.' },
        };
      }
      const blocked = await blocklistReason(services, 'document', number);
      const source = read ? 'document' : 'expected';
      return blocked
        ? {
            status: 'failed',
            reasons: [blocked.reason],
            evidence: { source, blocklisted: blocked.evidence },
            riskLabels: ['blocklisted'],
          }
        : { status: 'passed', reasons: [], evidence: { source } };
    },
  };
}

export const blocklistCheck = createBlocklistCheck();
