import { createHash } from 'node:crypto';
import {
  type CheckResult,
  type CheckServices,
  type Decision,
  decide,
  type MediaContext,
  type MediaItem,
  newId,
  type Session,
  type SessionEvidence,
} from '@openidv/domain';
import { type Executor, jobs, media, sessions, workflows } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { documentUsesService, recordDocumentUse } from '../documents/document-uses.ts';
import { verificationFor } from '../eid/eid-evidence.ts';
import { announceEmploymentResult } from '../employment/announce-result.ts';
import { recordEvent } from '../events/record-event.ts';
import { ENROL_FACE_JOB } from '../faces/enrol-face.ts';
import { findChallenge } from '../liveness/issue-challenge.ts';
import { presentAnswers } from '../questionnaires/answer-questionnaire.ts';
import { recordSessionSignals, riskServices } from '../risk/risk-signals.ts';
import { enrolForMonitoring } from '../screening/monitor-people.ts';
import { presentDecision, presentSession } from './present-session.ts';

/** A check taking longer than this is abandoned and reported as an error (the session goes to review). */
const CHECK_TIMEOUT_MS = 120_000;

/**
 * Runs the session's workflow (the version it was created with) over the attempt's evidence and stores the
 * decision. Safe to run again: a job that died half-way reruns from the start, and an attempt that was already
 * decided is left alone.
 */
export async function processSession(
  platform: Platform,
  sessionId: string,
  attemptId: string,
): Promise<void> {
  const db = platform.database.db;
  const session = await sessions.findSessionById(db, sessionId);
  if (!session || session.deletedAt || session.currentAttemptId !== attemptId) return;
  const attempt = await sessions.findAttempt(db, attemptId);
  if (!attempt || attempt.decision) return;
  if (session.status === 'submitted') {
    await sessions.updateSessionStatus(db, session.id, ['submitted'], 'processing', platform.now().getTime());
    await sessions.updateAttempt(db, attemptId, { status: 'processing' });
  } else if (session.status !== 'processing') {
    return; // cancelled or otherwise moved on
  }

  const workflow = await workflows.findWorkflowVersion(db, session.workflowId, session.workflowVersion);
  if (!workflow) throw new Error(`workflow ${session.workflowId} v${session.workflowVersion} is missing`);
  const rows = await media.listMedia(db, session.id, attemptId);
  const items: MediaItem[] = rows.map((m) => ({
    id: m.id,
    context: m.context,
    mimeType: m.mimeType,
    size: m.size,
    sha256: m.sha256,
    createdAt: m.createdAt,
    read: () => platform.files.get(m.storageKey),
  }));
  const previous: Record<string, CheckResult> = {};
  const evidence: SessionEvidence = {
    applicationId: session.applicationId,
    sessionId: session.id,
    attemptId,
    vendorData: session.vendorData,
    expected: session.expected,
    collected: session.collected,
    media: items,
    previous,
  };
  const challenge = await findChallenge(db, session);
  if (challenge) evidence.livenessChallenge = challenge;
  const eid = await verificationFor(platform, session.id, attemptId);
  if (eid) evidence.eid = eid;
  const results: CheckResult[] = [];
  for (const step of workflow.checks) {
    const result = await runCheck(platform, session, attemptId, evidence, step.type, step.config);
    results.push(result);
    previous[step.type] = result;
  }
  const decision = decide(
    workflow.checks,
    results,
    (t) => platform.checks.get(t),
    platform.now(),
    workflow.rules ?? [],
  );
  if (eid) decision.provenance = eid.provenance;
  await storeDecision(
    platform,
    session,
    attemptId,
    decision,
    'system',
    session.type === 'identity'
      ? undefined
      : (tx) => announceEmploymentResult(platform, tx, session, results),
  );
}

async function runCheck(
  platform: Platform,
  session: Session,
  attemptId: string,
  evidence: SessionEvidence,
  type: string,
  rawConfig: Record<string, unknown>,
): Promise<CheckResult> {
  const started = performance.now();
  const def = platform.checks.get(type);
  const finish = (r: Omit<CheckResult, 'type' | 'durationMs'>): CheckResult => {
    const durationMs = Math.round(performance.now() - started);
    platform.metrics.checkDuration.observe({ check: type, status: r.status }, durationMs / 1000);
    return { ...r, type, durationMs };
  };
  if (!def) {
    return finish({
      status: 'error',
      reasons: [{ code: 'CHECK_UNAVAILABLE', message: `This server has no "${type}" check.` }],
      evidence: {},
    });
  }
  const config = def.configSchema.safeParse(rawConfig);
  if (!config.success) {
    return finish({
      status: 'error',
      reasons: [{ code: 'CHECK_CONFIG_INVALID', message: `The workflow's config for "${type}" is invalid.` }],
      evidence: { issues: config.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  }
  const controller = new AbortController();
  const services: CheckServices = {
    faces: platform.faces,
    mediaHistory: {
      seenElsewhere: (applicationId, attemptId, digests) =>
        media.digestsSeenElsewhere(platform.database.db, applicationId, attemptId, digests),
    },
    now: () => platform.now(),
    signal: controller.signal,
    ...riskServices(platform, session),
    documentUses: documentUsesService(platform, session),
    saveArtifact: async (context: MediaContext, bytes: Buffer, mimeType: string) => {
      const now = platform.now();
      const id = newId('med', now.getTime());
      const storageKey = `${session.applicationId}/${session.id}/${id}`.toLowerCase();
      await platform.files.put(storageKey, bytes);
      const row = {
        id,
        applicationId: session.applicationId,
        sessionId: session.id,
        attemptId,
        context,
        mimeType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        storageKey,
        createdAt: now,
      };
      await media.insertMedia(platform.database.db, row);
      evidence.media.push({ ...row, read: async () => bytes });
      return id;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`));
      }, CHECK_TIMEOUT_MS);
    });
    const out = await Promise.race([def.run(evidence, config.data, services), timeout]);
    return finish(out);
  } catch (e) {
    // A check that throws is a bug or a missing resource, not a verdict on the applicant: review, and log it.
    platform.logger.error({ err: e, check: type, sessionId: session.id }, 'check failed to run');
    return finish({
      status: 'error',
      reasons: [{ code: 'CHECK_ERROR', message: `The ${type} check could not run.` }],
      evidence: { error: (e as Error).message },
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Stores a decision on the attempt, moves the session to it and announces it. */
export async function storeDecision(
  platform: Platform,
  session: Session,
  attemptId: string,
  decision: Decision,
  actor: string,
  /** More writes in the same transaction, once the session has moved (a review's audit entry). */
  alsoInTransaction?: (tx: Executor) => Promise<void>,
): Promise<boolean> {
  const now = platform.now().getTime();
  const stored = await platform.database.db.transaction().execute(async (tx) => {
    const moved = await sessions.updateSessionStatus(
      tx,
      session.id,
      ['processing', 'review'],
      decision.status,
      now,
      {
        decided_at: now,
      },
    );
    if (!moved) return false;
    await sessions.updateAttempt(tx, attemptId, { status: decision.status, decidedAt: now, decision });
    const fresh = (await sessions.findSessionById(tx, session.id))!;
    await enrolForMonitoring(platform, tx, fresh, decision);
    if (decision.status === 'approved') {
      await jobs.enqueueJob(tx, {
        type: ENROL_FACE_JOB,
        payload: { sessionId: session.id, attemptId },
        runAt: now,
        maxAttempts: 3,
        now,
      });
    }
    await recordSessionSignals(platform, tx, fresh, decision);
    await recordDocumentUse(platform, tx, fresh, decision);
    // Before the event, so webhooks rendered with it (Didit's `reviews`) see the review's audit entry.
    await alsoInTransaction?.(tx);
    const attempt = await sessions.findAttempt(tx, attemptId);
    await recordEvent(
      platform,
      tx,
      fresh,
      'session.decided',
      { status: decision.status, reasons: decision.reasons.map((r) => r.code) },
      actor,
      {
        session: presentSession(fresh, platform.config.publicUrl),
        decision: presentDecision(fresh, attempt, (await presentAnswers(platform, fresh.id, tx)) ?? null),
      },
    );
    return true;
  });
  if (stored) {
    platform.metrics.decisions.inc({ status: decision.status });
    platform.wake();
  }
  return stored;
}

/** When every retry of the pipeline failed, the session goes to a person instead of staying in processing. */
export async function giveUpProcessing(
  platform: Platform,
  sessionId: string,
  attemptId: string,
  error: string,
) {
  const session = await sessions.findSessionById(platform.database.db, sessionId);
  if (!session || session.deletedAt || session.currentAttemptId !== attemptId) return;
  if (session.status === 'submitted') {
    await sessions.updateSessionStatus(
      platform.database.db,
      sessionId,
      ['submitted'],
      'processing',
      Date.now(),
    );
  }
  await storeDecision(
    platform,
    { ...session, status: 'processing' },
    attemptId,
    {
      status: 'review',
      reasons: [
        {
          code: 'PROCESSING_FAILED',
          message: 'The checks could not be completed; a person must review this session.',
          check: 'pipeline',
          action: 'review',
        },
      ],
      checks: [],
      person: {},
      document: {},
      riskLabels: [],
      decidedAt: platform.now(),
      decidedBy: 'engine',
    },
    'system',
  );
  platform.logger.error({ sessionId, error }, 'processing gave up; session sent to review');
}
