import type { Attempt, CheckResult, Session } from '@openidv/domain';
import { dialects, type Executor } from '@openidv/storage';
import { presentDecision } from '../../usecases/sessions/present-session.ts';
import { toAlpha2 } from '../countries.ts';
import {
  autoDocument,
  autoFace,
  fraudTags,
  idenfyDocumentType,
  idenfyOverall,
  ipProxyRiskLevel,
  manualParts,
  mismatchTags,
} from './codes.ts';
import type { ReturnUrls } from './return-urls.ts';

/** What the iDenfy dialect keeps about a session it created (in the id mapping's `extra`). */
export interface IdenfySessionExtra {
  clientId: string;
  externalRef?: string | null;
  /** The country and document type direct processing said the images show. */
  selectedCountry?: string | null;
  selectedDocumentType?: string | null;
  /** The token's successUrl, errorUrl and unverifiedUrl, when it had any. */
  returns?: ReturnUrls;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const upper = (v: unknown): string | null => str(v)?.toUpperCase() ?? null;
const unix = (d: Date | null | undefined) => (d ? Math.floor(d.getTime() / 1000) : null);

/** The status block shared by `/api/v2/status` and the webhook. */
function statusOf(session: Session, attempt: Attempt | undefined) {
  const { overall, final } = idenfyOverall(session.status, session.deletedAt !== null);
  const decision = attempt?.decision ?? null;
  const checks: CheckResult[] = decision?.checks ?? [];
  // Once decided, a part no check looked at is "not analysed" (a dummy result, a workflow without it).
  const auto = {
    document: decision ? (autoDocument(checks) ?? 'DOC_NOT_ANALYSED') : null,
    face: decision ? (autoFace(checks) ?? 'FACE_NOT_ANALYSED') : null,
  };
  const manual = manualParts(decision, auto);
  return {
    final,
    status: {
      overall,
      suspicionReasons: [] as string[],
      mismatchTags: mismatchTags(checks),
      fraudTags: fraudTags(checks),
      autoDocument: auto.document,
      autoFace: auto.face,
      manualDocument: manual.document,
      manualFace: manual.face,
      additionalSteps: null,
    },
    checks,
  };
}

/** `data`: what the checks read from the document, in iDenfy's field names (names upper-case, countries alpha-2). */
export function dataBlock(
  session: Session,
  attempt: Attempt | undefined,
  extra: IdenfySessionExtra,
  duplicateScanRefs: string[],
) {
  const d = presentDecision(session, attempt);
  const person = d.person as Record<string, unknown>;
  const doc = d.document as Record<string, unknown>;
  const checks = attempt?.decision?.checks ?? [];
  const first = upper(person['firstName']);
  const last = upper(person['lastName']);
  const age = person['estimatedAge'];
  return {
    docFirstName: first,
    docLastName: last,
    docNumber: str(doc['number']),
    docPersonalCode: str(person['personalNumber']),
    docExpiry: str(doc['expiryDate']),
    docDob: str(person['dateOfBirth']),
    docDateOfIssue: str(doc['issueDate']),
    docType: idenfyDocumentType(doc['type']) ?? extra.selectedDocumentType ?? null,
    docSex: person['sex'] === 'M' ? 'MALE' : person['sex'] === 'F' ? 'FEMALE' : 'UNDEFINED',
    docNationality: toAlpha2(person['nationality']),
    docIssuingCountry: toAlpha2(doc['country']),
    selectedCountry: extra.selectedCountry ?? null,
    fullName: first || last ? [first, last].filter(Boolean).join(' ') : null,
    birthPlace: null,
    authority: null,
    address: null,
    // openidv's reviewers decide; they do not edit what was read.
    manuallyDataChanged: false,
    orgFirstName: str(person['firstName']),
    orgLastName: str(person['lastName']),
    orgNationality: null,
    ageEstimate: typeof age === 'number' ? ageBand(age) : null,
    clientIpProxyRiskLevel: ipProxyRiskLevel(checks),
    duplicateFaces: duplicateScanRefs,
    duplicateDocFaces: [],
  };
}

/** iDenfy reports an estimated age as a band. */
function ageBand(age: number): string {
  if (age < 13) return 'UNDER_13';
  if (age < 18) return 'OVER_13';
  if (age < 21) return 'OVER_18';
  if (age < 25) return 'OVER_21';
  return 'OVER_25';
}

/** `AML`: one screening service result when the workflow ran the AML check, hits in iDenfy's fields. */
function amlBlock(checks: CheckResult[], scanRef: string, checkedAt: Date | null) {
  const aml = checks.find((c) => c.type === 'aml');
  if (!aml || aml.status === 'not_applicable') return [];
  const hits = (aml.evidence['hits'] ?? []) as Record<string, unknown>[];
  const suspected = aml.status === 'failed';
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  return [
    {
      status: {
        serviceSuspected: suspected,
        serviceUsed: true,
        serviceFound: true,
        checkSuccessful: aml.status !== 'error',
        overallStatus: suspected ? 'SUSPECTED' : 'NOT_SUSPECTED',
      },
      serviceName: 'openidv',
      serviceGroupType: 'AML',
      uid: scanRef,
      errorMessage: aml.status === 'error' ? 'The screening could not run.' : null,
      data: hits.map((h) => {
        const topics = list(h['topics']) as string[];
        const lists = list(h['lists']) as { title?: unknown }[];
        return {
          name: str(h['name']),
          surname: null,
          nationality: toAlpha2(list(h['nationalities'])[0]),
          dob: str(list(h['birthDates'])[0]),
          suspicion: topics.includes('role.pep') || topics.includes('role.rca') ? 'PEP' : 'SANCTION',
          reason: str(h['explanation']),
          listNumber: str(h['ref']),
          listName: str(lists[0]?.title) ?? str(h['listId']),
          score: Number(h['score'] ?? 0),
          isPerson: true,
          checkDate: checkedAt?.toISOString() ?? null,
        };
      }),
    },
  ];
}

/** The result webhook (and `/api/v2/status` without the data). */
export function webhookBody(
  session: Session,
  attempt: Attempt | undefined,
  scanRef: string,
  extra: IdenfySessionExtra,
  duplicateScanRefs: string[],
) {
  const { final, status, checks } = statusOf(session, attempt);
  const ip = str(session.collected.ip);
  const aml = amlBlock(checks, scanRef, attempt?.decidedAt ?? null);
  return {
    final,
    platform: 'PC',
    status,
    data: dataBlock(session, attempt, extra, duplicateScanRefs),
    fileUrls: {},
    // Current iDenfy webhooks say `AML`/`LID`; the original ones said `aml`/`lid`. Both are sent.
    AML: aml,
    LID: [],
    aml,
    lid: [],
    scanRef,
    externalRef: extra.externalRef ?? null,
    clientId: extra.clientId,
    startTime: unix(session.createdAt),
    finishTime: unix(attempt?.decidedAt ?? (final ? session.updatedAt : null)),
    clientIp: ip,
    clientIpCountry: null,
    clientLocation: null,
    additionalStepPdfUrls: {},
  };
}

/** `POST /api/v2/status`. */
export function statusBody(
  session: Session,
  attempt: Attempt | undefined,
  scanRef: string,
  extra: IdenfySessionExtra,
) {
  const { status } = statusOf(session, attempt);
  return {
    status: status.overall,
    autoDocument: status.autoDocument,
    autoFace: status.autoFace,
    manualDocument: status.manualDocument,
    manualFace: status.manualFace,
    fraudTags: status.fraudTags,
    mismatchTags: status.mismatchTags,
    scanRef,
    clientId: extra.clientId,
  };
}

/**
 * The scanRefs of the sessions the face-duplicates check matched. Only sessions created through this dialect
 * have one; others (native API, other dialects) are left out rather than exposing core ids.
 */
export async function duplicateScanRefs(db: Executor, attempt: Attempt | undefined): Promise<string[]> {
  const check = attempt?.decision?.checks.find((c) => c.type === 'face-duplicates');
  const hits = (check?.evidence['duplicates'] ?? []) as { sessionId?: unknown }[];
  const refs: string[] = [];
  for (const h of hits) {
    if (typeof h.sessionId !== 'string') continue;
    const link = await dialects.findByInternalId(db, 'idenfy', h.sessionId);
    if (link?.kind === 'session') refs.push(link.externalId);
  }
  return refs;
}
