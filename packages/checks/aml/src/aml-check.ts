import type { CheckDefinition, CheckOutput, Reason, SessionEvidence } from '@openidv/domain';
import {
  DEFAULT_THRESHOLD,
  entityFingerprint,
  type ScreeningEntity,
  type ScreeningHit,
  type ScreeningIndex,
  screen,
} from '@openidv/screening';
import { z } from 'zod';

export const amlConfigSchema = z.object({
  threshold: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_THRESHOLD)
    .describe('Score (0..1) from which a list entry counts as a hit.'),
  lists: z
    .array(z.string().min(1))
    .optional()
    .describe('Only screen against these list ids (e.g. ["us-ofac-sdn"]). Unset: every loaded list.'),
  screenPep: z.boolean().default(true).describe('Report PEP hits (PEP_HIT) when a PEP dataset is loaded.'),
  useDateOfBirth: z
    .boolean()
    .default(true)
    .describe('Lower the score of entries whose date of birth disagrees.'),
  useNationality: z.boolean().default(true).describe('Lower the score of entries whose countries disagree.'),
  maxHits: z.number().int().min(1).max(50).default(10).describe('Most hits kept in the evidence.'),
});
export type AmlCheckConfig = z.infer<typeof amlConfigSchema>;

export interface AmlCheckOptions {
  /**
   * The loaded screening index, or a function returning the current one so a server can swap
   * in a new list version without re-creating the check.
   */
  index: ScreeningIndex | (() => ScreeningIndex);
  /**
   * Hits a reviewer dismissed as "not this person" for this user (vendorData), as `${entityId}#${fingerprint}`.
   * A dismissed hit is left out until the list entry changes.
   */
  suppressed?: (applicationId: string, vendorData: string) => Promise<Set<string>>;
}

const entitiesById = new WeakMap<ScreeningIndex, Map<string, ScreeningEntity>>();

/** The fingerprint of the list entry behind a hit, as the index holds it now. */
export function hitFingerprint(index: ScreeningIndex, entityId: string): string | undefined {
  let byId = entitiesById.get(index);
  if (!byId) {
    byId = new Map(index.entities.map((e) => [e.id, e]));
    entitiesById.set(index, byId);
  }
  const e = byId.get(entityId);
  return e && entityFingerprint(e);
}

const pepLoaded = new WeakMap<ScreeningIndex, boolean>();

function hasPepData(index: ScreeningIndex): boolean {
  let known = pepLoaded.get(index);
  if (known === undefined) {
    known = index.entities.some((e) => e.topics.includes('role.pep'));
    pepLoaded.set(index, known);
  }
  return known;
}

const isSanction = (h: ScreeningHit) => h.topics.some((t) => t !== 'role.pep' && t !== 'role.rca');
const isPep = (h: ScreeningHit) => h.topics.includes('role.pep') || h.topics.includes('role.rca');

function evidenceHit(h: ScreeningHit) {
  return {
    entityId: h.entityId,
    listId: h.listId,
    ref: h.ref,
    ...(h.reference ? { reference: h.reference } : {}),
    name: h.name,
    matchedName: h.matchedName,
    score: h.score,
    lists: h.lists,
    topics: h.topics,
    programs: h.programs,
    birthDates: h.birthDates,
    nationalities: h.nationalities,
    explanation: h.explanation,
  };
}

/**
 * Builds the `aml` check around a screening index the server loaded once. It screens the name and
 * date of birth read from the document (falling back to the data the integrator sent).
 */
export function createAmlCheck(options: AmlCheckOptions): CheckDefinition<AmlCheckConfig> {
  const current = typeof options.index === 'function' ? options.index : () => options.index as ScreeningIndex;
  return {
    type: 'aml',
    description:
      "Screens the document holder's name and date of birth against sanctions lists (and PEP lists where loaded), on this server's own copy of the lists.",
    configSchema: amlConfigSchema,
    reasonCodes: {
      AML_HIT: {
        action: 'review',
        description: 'The name matches an entry on a sanctions list; a person must confirm or dismiss it.',
      },
      PEP_HIT: {
        action: 'review',
        description: 'The name matches a politically exposed person; enhanced due diligence applies.',
      },
    },
    async run(evidence: SessionEvidence, config: AmlCheckConfig): Promise<CheckOutput> {
      // A verified eID name is as good as a document's: screen whichever the applicant gave.
      const documentRead = evidence.previous['document']?.extracted?.person;
      const eidRead = evidence.previous['eid']?.extracted?.person;
      const hasName = (p: typeof documentRead) => !!(p?.firstName?.value || p?.lastName?.value);
      const read = hasName(documentRead) ? documentRead : eidRead;
      const expected = evidence.expected.person;
      const fromDocument = hasName(read);
      const firstName = fromDocument ? read?.firstName?.value : expected?.firstName;
      const lastName = fromDocument ? read?.lastName?.value : expected?.lastName;
      const name = [firstName, lastName].filter((p) => p?.trim()).join(' ');
      if (!name) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No name was read from a document or given for this applicant.' },
        };
      }
      const dateOfBirth = (fromDocument ? read?.dateOfBirth?.value : undefined) ?? expected?.dateOfBirth;
      const nationality = (fromDocument ? read?.nationality?.value : undefined) ?? expected?.nationality;
      const sex = fromDocument ? read?.sex?.value : undefined;
      const index = current();
      const pepData = hasPepData(index);
      const hits = screen(
        index,
        {
          name,
          type: 'person',
          ...(config.useDateOfBirth && dateOfBirth ? { dateOfBirth } : {}),
          ...(config.useNationality && nationality ? { nationality } : {}),
          ...(sex === 'M' || sex === 'F' ? { gender: sex } : {}),
        },
        {
          threshold: config.threshold,
          limit: config.maxHits,
          ...(config.lists ? { listIds: config.lists } : {}),
        },
      );
      const dismissed =
        options.suppressed && evidence.vendorData
          ? await options.suppressed(evidence.applicationId, evidence.vendorData)
          : new Set<string>();
      const suppressedHits = hits.filter((h) =>
        dismissed.has(`${h.entityId}#${hitFingerprint(index, h.entityId)}`),
      );
      const live = hits.filter((h) => !suppressedHits.includes(h));
      const sanctionHits = live.filter(isSanction);
      const pepHits = config.screenPep && pepData ? live.filter((h) => isPep(h) && !isSanction(h)) : [];
      const reasons: Reason[] = [];
      if (sanctionHits.length) {
        const best = sanctionHits[0]!;
        reasons.push({
          code: 'AML_HIT',
          message: `The name matches ${sanctionHits.length} sanctions list ${sanctionHits.length === 1 ? 'entry' : 'entries'}, best "${best.name}" on ${best.lists[0]?.title ?? best.listId} (score ${best.score}).`,
        });
      }
      if (pepHits.length) {
        const best = pepHits[0]!;
        reasons.push({
          code: 'PEP_HIT',
          message: `The name matches ${pepHits.length} politically exposed ${pepHits.length === 1 ? 'person' : 'people'}, best "${best.name}" (score ${best.score}).`,
        });
      }
      const reported = [...sanctionHits, ...pepHits];
      const riskLabels = [...(sanctionHits.length ? ['sanctions'] : []), ...(pepHits.length ? ['pep'] : [])];
      return {
        status: reasons.length ? 'failed' : 'passed',
        score: reported[0]?.score ?? hits[0]?.score ?? 0,
        threshold: config.threshold,
        reasons,
        evidence: {
          screened: {
            source: fromDocument ? (read === eidRead ? 'eid' : 'document') : 'expected',
            name,
            ...(config.useDateOfBirth && dateOfBirth ? { dateOfBirth } : {}),
            ...(config.useNationality && nationality ? { nationality } : {}),
          },
          lists: index.lists.map((l) => ({
            listId: l.listId,
            title: l.title,
            date: l.date,
            entityCount: l.entityCount,
          })),
          pepScreening: config.screenPep && pepData,
          hits: reported.map((h) => ({ ...evidenceHit(h), fingerprint: hitFingerprint(index, h.entityId) })),
          ...(suppressedHits.length && {
            suppressed: suppressedHits.map((h) => ({
              entityId: h.entityId,
              name: h.name,
              score: h.score,
              note: 'Dismissed by a reviewer for this user; the list entry has not changed since.',
            })),
          }),
        },
        ...(riskLabels.length ? { riskLabels } : {}),
      };
    },
  };
}
