import { randomBytes } from 'node:crypto';
import {
  type Attempt,
  DomainError,
  EID_PERSON_FIELDS,
  LEVELS_OF_ASSURANCE,
  newId,
  SESSION_TYPES,
  type Session,
} from '@openidv/domain';
import { employment, sessions, workflows } from '@openidv/storage';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { assertEidRequirements } from '../eid/eid-offer.ts';
import { declarationInput, prepareDeclaration } from '../employment/declaration.ts';
import { recordEvent } from '../events/record-event.ts';
import { presentSession } from './present-session.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

export const createSessionInput = z
  .object({
    type: z
      .enum(SESSION_TYPES)
      .default('identity')
      .describe(
        '`identity` (default) verifies the person; `employment` and `income` verify the declared history in `employment` (the workflow must have the `employment` check).',
      ),
    employment: declarationInput.optional(),
    workflowId: z
      .string()
      .max(64)
      .optional()
      .describe("Workflow to run; default: the application's default."),
    vendorData: z
      .string()
      .max(1000)
      .optional()
      .describe('Your reference for the applicant (a user id). Not personal data, please.'),
    callbackUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe('Where the journey sends the applicant at the end.'),
    person: z
      .object({
        firstName: z.string().max(200).optional(),
        lastName: z.string().max(200).optional(),
        dateOfBirth: isoDate.optional(),
        idNumber: z.string().max(100).optional(),
        nationality: z.string().max(3).optional(),
        email: z.email().max(320).optional(),
        phone: z.string().max(40).optional(),
      })
      .strict()
      .optional()
      .describe('What you expect the applicant to be; checks compare what they read with it.'),
    document: z
      .object({
        country: z.string().min(2).max(3).optional(),
        type: z
          .enum(['passport', 'id_card', 'residence_permit', 'driving_licence', 'visa', 'other'])
          .optional(),
        number: z.string().max(64).optional(),
      })
      .strict()
      .optional(),
    eid: z
      .object({
        providers: z
          .array(z.string().min(1).max(63))
          .min(1)
          .max(20)
          .optional()
          .describe("Offer only these of the workflow's identity providers (provider ids)."),
        requestedClaims: z
          .array(z.enum(EID_PERSON_FIELDS))
          .max(EID_PERSON_FIELDS.length)
          .optional()
          .describe('Person fields the provider must yield; default firstName, lastName, dateOfBirth.'),
        minimumLevelOfAssurance: z
          .enum(LEVELS_OF_ASSURANCE)
          .optional()
          .describe('The lowest level of assurance accepted; a sign-in below it fails.'),
      })
      .strict()
      .optional()
      .describe(
        'For a workflow with an eID step: which providers, claims and level of assurance. A provider that cannot reach the level is refused here (EID_LEVEL_UNREACHABLE).',
      ),
    locale: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag like "en" or "et-EE"')
      .optional(),
    lifetimeSeconds: z
      .number()
      .int()
      .min(60)
      .max(60 * 60 * 24 * 90)
      .optional()
      .describe('How long the applicant has to finish; default from the workflow or the server.'),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .refine((m) => m === undefined || JSON.stringify(m).length <= 16_384, 'must be at most 16 KB as JSON')
      .describe('Free key-value data kept with the session and returned as given.'),
  })
  .strict();
/** As sent: defaults (type identity) are applied here, so other callers (dialects) may leave them out. */
export type CreateSessionInput = z.input<typeof createSessionInput>;

export async function createSession(
  platform: Platform,
  applicationId: string,
  input: CreateSessionInput,
  actor: string,
) {
  const db = platform.database.db;
  const workflow = input.workflowId
    ? await workflows.findWorkflow(db, applicationId, input.workflowId)
    : await workflows.findDefaultWorkflow(db, applicationId);
  if (!workflow) {
    throw new DomainError(
      input.workflowId ? 'NOT_FOUND' : 'WORKFLOW_INVALID',
      input.workflowId ? `No workflow ${input.workflowId}.` : 'The application has no default workflow.',
    );
  }
  const type = input.type ?? 'identity';
  const declaration = prepareDeclaration(platform, { type, employment: input.employment }, workflow.checks);
  if (input.eid) await assertEidRequirements(platform, applicationId, workflow, input.eid);
  const now = platform.now();
  const lifetimeMs =
    (input.lifetimeSeconds ?? workflow.sessionLifetimeSeconds ?? platform.config.sessionLifetimeMs / 1000) *
    1000;
  const attemptId = newId('att', now.getTime());
  const session: Session = {
    id: newId('ses', now.getTime()),
    type,
    applicationId,
    workflowId: workflow.id,
    workflowVersion: workflow.version,
    status: 'created',
    vendorData: input.vendorData ?? null,
    callbackUrl: input.callbackUrl ?? null,
    expected: {
      ...(input.person && { person: input.person }),
      ...(input.document && { document: input.document }),
      ...(input.eid && { eid: input.eid }),
    },
    locale: input.locale ?? null,
    metadata: input.metadata ?? {},
    collected: {},
    // The journey link is a bearer credential for the applicant: 192 random bits.
    journeyToken: randomBytes(24).toString('base64url'),
    currentAttemptId: attemptId,
    attemptCount: 1,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + lifetimeMs),
    decidedAt: null,
    deletedAt: null,
  };
  const attempt: Attempt = {
    id: attemptId,
    sessionId: session.id,
    number: 1,
    status: 'created',
    createdAt: now,
    submittedAt: null,
    decidedAt: null,
    decision: null,
  };
  const presented = presentSession(session, platform.config.publicUrl);
  await db.transaction().execute(async (tx) => {
    await sessions.insertSession(tx, session);
    await sessions.insertAttempt(tx, attempt);
    if (declaration) {
      await employment.insertVerification(tx, {
        sessionId: session.id,
        applicationId,
        ...declaration,
        result: null,
        updatedAt: now,
      });
    }
    await recordEvent(platform, tx, session, 'session.created', { workflowId: workflow.id }, actor, {
      session: presented,
    });
  });
  platform.metrics.sessionsCreated.inc();
  platform.wake();
  return session;
}
