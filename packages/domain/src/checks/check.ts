import type { z } from 'zod';
import type { EidVerification } from '../eid/eid.ts';

/** Where a piece of extracted data came from, so a reviewer can weigh it. */
export type FieldSource = 'mrz' | 'barcode' | 'visual-zone' | 'eid' | 'api' | 'face-model';

export interface ExtractedField<T = string> {
  value: T;
  source: FieldSource;
  /** 0..1: how sure the reader is of this value. */
  confidence: number;
}

export interface ExtractedPerson {
  firstName?: ExtractedField;
  lastName?: ExtractedField;
  /** YYYY-MM-DD */
  dateOfBirth?: ExtractedField;
  sex?: ExtractedField<'M' | 'F' | 'X'>;
  /** ISO 3166-1 alpha-3 as printed on documents */
  nationality?: ExtractedField;
  personalNumber?: ExtractedField;
  /** As one line; from eIDs that give it. */
  address?: ExtractedField;
  estimatedAge?: ExtractedField<number>;
}

export interface ExtractedDocument {
  number?: ExtractedField;
  type?: ExtractedField<'passport' | 'id_card' | 'residence_permit' | 'driving_licence' | 'visa' | 'other'>;
  /** ISO 3166-1 alpha-3 issuing state */
  country?: ExtractedField;
  /** YYYY-MM-DD */
  expiryDate?: ExtractedField;
  issueDate?: ExtractedField;
  mrz?: ExtractedField<string[]>;
}

/** A machine-readable reason: a stable code plus a sentence a person can act on. */
export interface Reason {
  code: string;
  message: string;
}

/**
 * - passed: the check ran and found nothing wrong.
 * - failed: the check ran and found a problem (see reasons).
 * - not_applicable: nothing for this check to look at (e.g. no document uploaded and the workflow allows that).
 * - error: the check could not run (a bug or an unavailable resource); the decision engine sends it to review.
 */
export type CheckStatus = 'passed' | 'failed' | 'not_applicable' | 'error';

export interface CheckResult {
  /** The check type that produced it (filled in by the pipeline). */
  type: string;
  status: CheckStatus;
  /** 0..1 where the check has a score (similarity, quality, match score...). */
  score?: number;
  /** The threshold the score was judged against, when there is one. */
  threshold?: number;
  reasons: Reason[];
  /** What the check used and measured, for the case view and audits. JSON-serialisable, no raw images. */
  evidence: Record<string, unknown>;
  /** Data the check read from the evidence (document reader, eID...). */
  extracted?: { person?: ExtractedPerson; document?: ExtractedDocument };
  riskLabels?: string[];
  /** Media ids of artifacts the check produced (e.g. the document portrait crop). */
  artifacts?: Record<string, string>;
  durationMs?: number;
}

export type MediaContext =
  | 'document-front'
  | 'document-back'
  | 'face'
  | 'liveness'
  | 'additional-document'
  | 'face-reference'
  | 'document-portrait';

export const MEDIA_CONTEXTS: readonly MediaContext[] = [
  'document-front',
  'document-back',
  'face',
  'liveness',
  'additional-document',
  'face-reference',
  'document-portrait',
];

export interface MediaItem {
  id: string;
  context: MediaContext;
  mimeType: string;
  size: number;
  sha256: string;
  createdAt: Date;
  /** Decrypted bytes. */
  read(): Promise<Buffer>;
}

export interface ExpectedPerson {
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  idNumber?: string;
  nationality?: string;
  [key: string]: unknown;
}

export interface ExpectedDocument {
  country?: string;
  type?: string;
  number?: string;
}

export interface CollectedData {
  ip?: string;
  userAgent?: string;
  deviceFingerprint?: string;
  email?: string;
  phone?: string;
  [key: string]: unknown;
}

/** Everything a check may look at for one attempt of one session. */
export interface SessionEvidence {
  applicationId: string;
  sessionId: string;
  attemptId: string;
  vendorData?: string | null;
  expected: { person?: ExpectedPerson; document?: ExpectedDocument };
  collected: CollectedData;
  media: MediaItem[];
  /** Results of the checks that ran earlier in this workflow, by check type. */
  previous: Readonly<Record<string, CheckResult>>;
  /** The active-liveness challenge the server issued for this attempt, if one was. */
  livenessChallenge?: LivenessChallenge;
  /** The person as an eID provider verified them, when the applicant signed in with one. */
  eid?: EidVerification;
}

/**
 * What the applicant is asked to do in front of the camera, chosen at random by the server for each attempt.
 * Turns are the applicant's own left and right; frames are unmirrored camera frames.
 */
export type ChallengeStep = 'turn-left' | 'turn-right' | 'move-closer' | 'move-back';
export const CHALLENGE_STEPS: readonly ChallengeStep[] = [
  'turn-left',
  'turn-right',
  'move-closer',
  'move-back',
];

export interface LivenessChallenge {
  id: string;
  steps: ChallengeStep[];
  issuedAt: Date;
}

/** Whether uploaded bytes were seen before, anywhere in the application (a replay of earlier media). */
export interface MediaHistoryPort {
  /** Of the given SHA-256 digests, those stored for another attempt of this application. */
  seenElsewhere(applicationId: string, attemptId: string, sha256: string[]): Promise<Set<string>>;
}

export interface FaceTemplateHit {
  templateId: string;
  kind: 'approved' | 'blocklist';
  /** The session the face came from, when it came from one. */
  sessionId: string | null;
  vendorData: string | null;
  similarity: number;
  note: string | null;
}

/** The application's stored faces: approved users (for duplicates) and the face blocklist. */
export interface FaceTemplates {
  search(
    applicationId: string,
    embedding: Float32Array,
    options: { kind: 'approved' | 'blocklist'; minSimilarity: number; limit: number },
  ): Promise<FaceTemplateHit[]>;
}

/** What the applicant's traffic is remembered by, for velocity counts (stored only as keyed digests). */
export type SignalKind = 'device' | 'ip' | 'email' | 'phone';
export const SIGNAL_KINDS: readonly SignalKind[] = ['device', 'ip', 'email', 'phone'];

/** How often a value was seen on this application's other sessions within a window. */
export interface SignalCounts {
  /** Other sessions that carried the value. */
  sessions: number;
  /** Distinct users (vendorData) among them. */
  users: number;
  /** Distinct identities (document number, or name and date of birth) among them, other than `identity`. */
  identities: number;
}

/**
 * Read side of the velocity store: counts over the application's other sessions. The adapter normalises and
 * digests the raw value; the check never sees other sessions' data.
 */
export interface SignalsPort {
  count(
    kind: SignalKind,
    value: string,
    options: {
      windowMs: number;
      /** This session's identity key (see identityKey); not counted among the other identities. */
      identity?: string | undefined;
    },
  ): Promise<SignalCounts>;
}

/** What an application can block outright. */
export type BlocklistKind = 'email' | 'phone' | 'ip' | 'document';
export const BLOCKLIST_KINDS: readonly BlocklistKind[] = ['email', 'phone', 'ip', 'document'];

export interface BlocklistHit {
  id: string;
  /** The masked form shown in listings, e.g. "a***@example.com". */
  display: string;
  note: string | null;
}

/** Looks a raw value up in the application's blocklist (the adapter normalises and digests it). */
export interface BlocklistPort {
  find(kind: BlocklistKind, value: string): Promise<BlocklistHit | undefined>;
}

/** The identifying parts of a document: its number, issuing state and type. */
export interface DocumentIdentity {
  number: string;
  country?: string | undefined;
  type?: string | undefined;
}

/** Another session of the application that showed the same document. */
export interface DocumentUse {
  sessionId: string;
  vendorData: string | null;
  /** When that session was decided with this document. */
  seenAt: Date;
}

/**
 * The documents the application's decided sessions showed, remembered as keyed digests (the adapter normalises
 * and digests), for the duplicate-document check.
 */
export interface DocumentUsesPort {
  /**
   * Other sessions (never this one) that showed the same document, newest first; those of `excludeVendorData`
   * (the same user coming back) are left out by the query, so they cannot crowd other users out of the limit.
   */
  find(
    document: DocumentIdentity,
    options: { limit: number; excludeVendorData?: string },
  ): Promise<DocumentUse[]>;
}

/** Services a check may use, provided by the pipeline; adapters implement them. */
export interface CheckServices {
  /** Present when the server keeps face templates. */
  faces?: FaceTemplates;
  /** Present when the server can look up earlier media by digest. */
  mediaHistory?: MediaHistoryPort;
  /** Store bytes produced by a check (an image crop) as a media item of this attempt; returns its id. */
  saveArtifact(context: MediaContext, bytes: Buffer, mimeType: string): Promise<string>;
  now(): Date;
  signal: AbortSignal;
  /** Velocity counts over other sessions; absent where no store is wired (checks then skip velocity). */
  signals?: SignalsPort;
  /** The application's data blocklists; absent where no store is wired. */
  blocklists?: BlocklistPort;
  /** Documents other sessions of the application showed; absent where nothing is stored (a bare read). */
  documentUses?: DocumentUsesPort;
}

export type CheckOutput = Omit<CheckResult, 'type' | 'durationMs'>;

/**
 * The one shape every check has. A new check is a new package that exports one of these
 * and is registered in the check registry; nothing else in the core changes.
 */
export interface CheckDefinition<TConfig = unknown> {
  /** Stable id used in workflows, e.g. "image-quality", "document", "face-match". */
  type: string;
  description: string;
  /** Validates and defaults the per-workflow config of this check. */
  configSchema: z.ZodType<TConfig>;
  /** Reason codes this check can emit, with their default decision action and a description (for docs/OpenAPI). */
  reasonCodes: Record<string, { action: CheckAction; description: string }>;
  run(evidence: SessionEvidence, config: TConfig, services: CheckServices): Promise<CheckOutput>;
}

/** What the decision engine does when a check fails. */
export type CheckAction = 'decline' | 'review' | 'resubmit' | 'none';
