import { type FaceEngine, loadFaceEngine } from '@openidv/biometrics';
import type { CheckDefinition, CheckOutput, MediaItem, Reason } from '@openidv/domain';
import { z } from 'zod';

/**
 * 1:N thresholds are stricter than the 1:1 match threshold (0.35): the chance of a false match grows with
 * the number of stored faces. On the shared pairs the lowest genuine similarity was 0.436 and the highest
 * impostor 0.333 (docs/benchmarks.md), so 0.45 keeps duplicates to near-certain matches.
 */
export const faceDuplicatesConfigSchema = z.object({
  duplicateThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.45)
    .describe("Similarity from which another user's approved face counts as the same person."),
  blocklistThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.4)
    .describe('Similarity from which a blocklisted face counts as a hit.'),
  maxHits: z.number().int().min(1).max(20).default(5),
});
export type FaceDuplicatesConfig = z.infer<typeof faceDuplicatesConfigSchema>;

function latestFace(media: MediaItem[]): MediaItem | undefined {
  return media
    .filter((m) => m.context === 'face')
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

export function createFaceDuplicatesCheck(
  deps: { engine: () => Promise<FaceEngine> } = { engine: loadFaceEngine },
): CheckDefinition<FaceDuplicatesConfig> {
  return {
    type: 'face-duplicates',
    description:
      "Searches the selfie among the application's approved users (a different user with the same face is a duplicate) and its face blocklist.",
    configSchema: faceDuplicatesConfigSchema,
    reasonCodes: {
      DUPLICATE_FACE: {
        action: 'review',
        description: 'The face matches an approved user with a different vendorData.',
      },
      FACE_BLOCKLISTED: { action: 'decline', description: 'The face matches a face on the blocklist.' },
    },
    async run(evidence, config, services): Promise<CheckOutput> {
      const selfie = latestFace(evidence.media);
      if (!selfie) return { status: 'not_applicable', reasons: [], evidence: { selfie: false } };
      if (!services.faces) {
        return {
          status: 'error',
          reasons: [{ code: 'CHECK_UNAVAILABLE', message: 'This server keeps no face templates.' }],
          evidence: {},
        };
      }
      const engine = await deps.engine();
      const analysis = await engine.analyse(await selfie.read());
      const face = analysis.ok ? analysis.value.faces[0] : undefined;
      if (!face) {
        // The face-match check reports why there is no usable face; nothing to search with here.
        return { status: 'not_applicable', reasons: [], evidence: { selfieMediaId: selfie.id, face: false } };
      }
      const [approved, blocked] = await Promise.all([
        services.faces.search(evidence.applicationId, face.embedding, {
          kind: 'approved',
          minSimilarity: config.duplicateThreshold,
          limit: config.maxHits + 5,
        }),
        services.faces.search(evidence.applicationId, face.embedding, {
          kind: 'blocklist',
          minSimilarity: config.blocklistThreshold,
          limit: config.maxHits,
        }),
      ]);
      // The same user coming back (same vendorData) is not a duplicate; nor is this session itself.
      const duplicates = approved
        .filter((h) => h.sessionId !== evidence.sessionId)
        .filter((h) => !evidence.vendorData || h.vendorData !== evidence.vendorData)
        .slice(0, config.maxHits);
      const reasons: Reason[] = [];
      if (duplicates.length) {
        const best = duplicates[0]!;
        reasons.push({
          code: 'DUPLICATE_FACE',
          message: `The face matches an approved user${best.vendorData ? ` (${best.vendorData})` : ''} from session ${best.sessionId} (similarity ${best.similarity.toFixed(3)}).`,
        });
      }
      if (blocked.length) {
        reasons.push({
          code: 'FACE_BLOCKLISTED',
          message: `The face matches a blocklisted face (similarity ${blocked[0]!.similarity.toFixed(3)}).`,
        });
      }
      const best = Math.max(0, ...duplicates.map((h) => h.similarity), ...blocked.map((h) => h.similarity));
      return {
        status: reasons.length ? 'failed' : 'passed',
        score: Math.round(best * 1000) / 1000,
        threshold: config.duplicateThreshold,
        reasons,
        riskLabels: [
          ...(duplicates.length ? ['duplicate_face'] : []),
          ...(blocked.length ? ['blocklisted_face'] : []),
        ],
        evidence: {
          selfieMediaId: selfie.id,
          duplicates: duplicates.map((h) => ({
            sessionId: h.sessionId,
            vendorData: h.vendorData,
            similarity: Math.round(h.similarity * 1000) / 1000,
          })),
          blocklist: blocked.map((h) => ({
            templateId: h.templateId,
            note: h.note,
            similarity: Math.round(h.similarity * 1000) / 1000,
          })),
          thresholds: { duplicate: config.duplicateThreshold, blocklist: config.blocklistThreshold },
        },
      };
    },
  };
}

export const faceDuplicatesCheck = createFaceDuplicatesCheck();
