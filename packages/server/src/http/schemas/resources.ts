import {
  DECISION_STATUSES,
  SESSION_STATUSES,
  SESSION_TYPES,
  workflowCheckSchema,
  workflowRuleSchema,
} from '@openidv/domain';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../usecases/events/event-types.ts';

/** Response schemas: they document the API (OpenAPI) and type the presenters. */
export const sessionSchema = z
  .object({
    id: z.string().describe('Session id, prefixed `ses_`, sortable by creation time.'),
    type: z
      .enum(SESSION_TYPES)
      .describe('identity, or employment / income (see `GET /v1/sessions/{id}/employment`).'),
    status: z.enum(SESSION_STATUSES),
    url: z.string().nullable().describe('The applicant journey link (null once deleted).'),
    workflowId: z.string(),
    workflowVersion: z.number().int(),
    vendorData: z.string().nullable(),
    callbackUrl: z.string().nullable(),
    person: z.record(z.string(), z.unknown()).nullable().describe('Expected person data as sent.'),
    document: z.record(z.string(), z.unknown()).nullable().describe('Expected document data as sent.'),
    locale: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    attempt: z.number().int().describe('Number of the current attempt (1 + resubmissions).'),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string(),
    decidedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Session' });

const reasonSchema = z.object({
  code: z.string().describe('Stable reason code, e.g. IMAGE_TOO_BLURRY.'),
  message: z.string(),
  check: z.string().describe('The check that raised it.'),
  action: z.enum(['decline', 'review', 'resubmit', 'none']),
});

export const checkResultSchema = z
  .object({
    type: z.string(),
    status: z.enum(['passed', 'failed', 'not_applicable', 'error']),
    score: z.number().optional(),
    threshold: z.number().optional(),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    evidence: z.record(z.string(), z.unknown()),
    extracted: z.record(z.string(), z.unknown()).optional(),
    riskLabels: z.array(z.string()).optional(),
    artifacts: z.record(z.string(), z.string()).optional(),
    durationMs: z.number().optional(),
  })
  .meta({ id: 'CheckResult' });

export const decisionSchema = z
  .object({
    sessionId: z.string(),
    attemptId: z.string(),
    attempt: z.number().int(),
    status: z.enum(['pending', ...DECISION_STATUSES]),
    reasons: z.array(reasonSchema),
    checks: z.array(checkResultSchema),
    person: z
      .object({
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        dateOfBirth: z.string().optional().describe('YYYY-MM-DD'),
        nationality: z.string().optional(),
        sex: z.string().optional(),
      })
      .catchall(z.unknown()),
    document: z
      .object({
        number: z.string().optional(),
        type: z.string().optional(),
        country: z.string().optional(),
        expiryDate: z.string().optional(),
      })
      .catchall(z.unknown()),
    extracted: z
      .object({ person: z.record(z.string(), z.unknown()), document: z.record(z.string(), z.unknown()) })
      .describe('Each extracted field with its source (mrz, barcode, visual-zone, …) and confidence.'),
    riskLabels: z.array(z.string()),
    decidedAt: z.string().nullable(),
    decidedBy: z.union([z.literal('engine'), z.object({ reviewer: z.string() })]).nullable(),
    review: z
      .object({
        reasonCode: z.string().optional(),
        note: z.string().optional(),
        resubmitSteps: z.array(z.string()).optional(),
      })
      .nullable()
      .describe(
        "A person's decision: reason code, note, and the steps to redo when sent back (null for the engine's).",
      ),
    provenance: z
      .object({
        provider: z.string().describe('The identity provider id, e.g. "bankidse".'),
        issuer: z.string(),
        channel: z.enum(['redirect', 'qr', 'push']),
        authenticatedAt: z.string(),
        levelOfAssurance: z.enum(['low', 'substantial', 'high']),
        acr: z.string().optional(),
        subject: z.string().describe("The provider's subject identifier for the person."),
      })
      .nullable()
      .describe(
        'Where the verified person came from when an eID provider verified them (null otherwise); the signed ID token is at GET /v1/sessions/{id}/evidence.',
      ),
    vendorData: z.string().nullable(),
    questionnaire: z
      .object({
        questionnaireId: z.string(),
        questionnaireVersion: z.number().int(),
        answers: z.record(z.string(), z.unknown()).describe('By question id.'),
        answeredAt: z.string(),
      })
      .nullable()
      .optional()
      .describe(
        "The applicant's questionnaire answers (null when the workflow has none or nothing was answered).",
      ),
  })
  .meta({ id: 'Decision' });

export const mediaSchema = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    attemptId: z.string(),
    context: z.string(),
    mimeType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
    url: z.string().describe('Download URL (needs the API key).'),
  })
  .meta({ id: 'Media' });

export const eventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
    actor: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'SessionEvent' });

export const attemptSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    status: z.string(),
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionStatus: z.string().nullable(),
  })
  .meta({ id: 'Attempt' });

export const workflowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    checks: z.array(workflowCheckSchema),
    sessionLifetimeSeconds: z.number().int().optional(),
    questionnaire: z
      .object({
        id: z.string(),
        version: z.number().int().optional().describe('The pinned version (always set once saved).'),
        placement: z.enum(['before-capture', 'after-capture']),
      })
      .optional()
      .describe('The questionnaire the journey asks, at its pinned version.'),
    rules: z.array(workflowRuleSchema).optional().describe('Rules applied after the per-check actions.'),
    isDefault: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Workflow' });

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum([...WEBHOOK_EVENT_TYPES, '*'])),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to tell keys apart.'),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });

export const idParams = z.object({ id: z.string().max(64) });
