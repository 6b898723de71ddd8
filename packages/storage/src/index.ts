export { Envelope } from './crypto/envelope.ts';
export { loadOrCreateMasterKey } from './crypto/master-key.ts';
export { type Database, type Dialect, migrateToLatest, openDatabase } from './database/open-database.ts';
export type { DB } from './database/schema.ts';
export { EncryptedFileStore } from './media/encrypted-file-store.ts';
export type { ApiKeyRow } from './repositories/api-keys.ts';
export * as apiKeys from './repositories/api-keys.ts';
export type { ApplicationRow, Executor } from './repositories/applications.ts';
export * as applications from './repositories/applications.ts';
export type { DialectCredentialRow, DialectIdKind, DialectIdRow } from './repositories/dialects.ts';
export * as dialects from './repositories/dialects.ts';
export type { DocumentUseRow } from './repositories/document-uses.ts';
export * as documentUses from './repositories/document-uses.ts';
export type {
  ConnectionRow,
  ConnectionStatus,
  EmploymentVerificationRow,
} from './repositories/employment.ts';
export * as employment from './repositories/employment.ts';
export type { FaceTemplateRow } from './repositories/faces.ts';
export * as faces from './repositories/faces.ts';
export * as idempotency from './repositories/idempotency.ts';
export type {
  EidTransactionRow,
  EidTransactionStatus,
  IdentityProviderRow,
} from './repositories/identity-providers.ts';
export * as identityProviders from './repositories/identity-providers.ts';
export type { Job } from './repositories/jobs.ts';
export * as jobs from './repositories/jobs.ts';
export type { MediaRow } from './repositories/media.ts';
export * as media from './repositories/media.ts';
export type { QuestionnaireAnswersRow } from './repositories/questionnaires.ts';
export * as questionnaires from './repositories/questionnaires.ts';
export type { AuditEntry, CaseFilter, CaseRow, ClaimRow, PersonRow } from './repositories/reviews.ts';
export * as reviews from './repositories/reviews.ts';
export type { BlocklistEntry, DecidedAttempt, SignalCountRow } from './repositories/risk.ts';
export * as risk from './repositories/risk.ts';
export type { AlertRow, ListVersionRow } from './repositories/screening.ts';
export * as screening from './repositories/screening.ts';
export * as sessions from './repositories/sessions.ts';
export type { StaffRole, StaffSessionRow, StaffUserRow } from './repositories/staff.ts';
export * as staff from './repositories/staff.ts';
export { STAFF_ROLES } from './repositories/staff.ts';
export type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from './repositories/webhooks.ts';
export * as webhooks from './repositories/webhooks.ts';
export * as workflows from './repositories/workflows.ts';
