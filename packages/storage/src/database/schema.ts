import type { Generated } from 'kysely';

/**
 * One schema for SQLite and PostgreSQL. Portable column types only: text (JSON is stored as text),
 * integer/bigint epoch milliseconds for times, integer 0/1 for flags.
 */
export interface ApplicationsTable {
  id: string;
  name: string;
  branding: string; // JSON
  webhook_secret_enc: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  application_id: string;
  name: string;
  /** First characters of the key, shown in listings so people can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key (keys are 256-bit random, so a fast hash is enough). */
  hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface WorkflowsTable {
  id: string;
  application_id: string;
  name: string;
  definition: string; // JSON WorkflowDefinition
  is_default: number;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** Immutable versions: a session runs the version it was created with, whatever changes later. */
export interface WorkflowVersionsTable {
  workflow_id: string;
  version: number;
  definition: string; // JSON WorkflowDefinition
  created_at: number;
}

export interface SessionsTable {
  id: string;
  application_id: string;
  workflow_id: string;
  workflow_version: number;
  status: string;
  vendor_data: string | null;
  callback_url: string | null;
  expected: string; // JSON {person, document}
  locale: string | null;
  metadata: string; // JSON
  collected: string; // JSON
  journey_token: string;
  current_attempt_id: string;
  /** identity | employment | income */
  type: string;
  attempt_count: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
  decided_at: number | null;
  deleted_at: number | null;
}

export interface EmploymentVerificationsTable {
  session_id: string;
  application_id: string;
  declared: string; // JSON DeclaredEmployment[]
  settings: string; // JSON {maxGapDays, sources}
  result: string | null; // JSON EmploymentResult
  updated_at: number;
}

export interface EmploymentConnectionsTable {
  id: string;
  session_id: string;
  source_id: string;
  declared_id: string | null;
  /** pending | connected | failed */
  status: string;
  /** SHA-256 of the OAuth state, to find the connection when the source sends the candidate back. */
  state_digest: string | null;
  /** Sealed {state, codeVerifier} while pending. */
  pending_enc: string | null;
  employments: string | null; // JSON VerifiedEmployment[]
  error_code: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptsTable {
  id: string;
  session_id: string;
  number: number;
  status: string;
  created_at: number;
  submitted_at: number | null;
  decided_at: number | null;
  decision: string | null; // JSON Decision
}

export interface MediaTable {
  id: string;
  application_id: string;
  session_id: string;
  attempt_id: string;
  context: string;
  mime_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: number;
  deleted_at: number | null;
}

export interface SessionEventsTable {
  id: string;
  application_id: string;
  session_id: string;
  type: string;
  data: string; // JSON
  actor: string;
  created_at: number;
}

export interface WebhookEndpointsTable {
  id: string;
  application_id: string;
  url: string;
  events: string; // JSON string[]
  secret_enc: string;
  created_at: number;
  deleted_at: number | null;
  /** How deliveries are shaped and signed: "openidv" or a vendor dialect ("veriff", "idenfy", …). */
  format: string;
  /** The dialect credential whose sessions this endpoint hears about (dialect endpoints only). */
  credential_id: string | null;
  /** The one session this endpoint hears about (a per-session callback URL); null for application endpoints. */
  session_id: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  application_id: string;
  endpoint_id: string;
  session_id: string | null;
  event_id: string;
  event_type: string;
  payload: string;
  status: string; // pending | delivered | failed
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface JobsTable {
  id: string;
  type: string;
  payload: string; // JSON
  status: string; // queued | running | done | failed
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeysTable {
  application_id: string;
  key: string;
  fingerprint: string;
  status_code: number | null;
  response: string | null;
  created_at: number;
}

export interface ScreeningListVersionsTable {
  id: string;
  list_id: string;
  meta: string; // JSON ListMeta
  entity_count: number;
  /** The parsed list as a gzipped snapshot (public data; not encrypted). */
  data: Buffer;
  imported_at: number;
}

/** Approved people who are screened again whenever a list changes. Their name and birth date are sealed. */
export interface MonitoredPeopleTable {
  application_id: string;
  vendor_data: string;
  session_id: string;
  subject_enc: string;
  created_at: number;
}

export interface ScreeningAlertsTable {
  id: string;
  application_id: string;
  vendor_data: string;
  session_id: string;
  entity_id: string;
  entity_fingerprint: string;
  list_version_id: string | null;
  hit: string; // JSON ScreeningHit
  status: string; // open | dismissed | confirmed
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  note: string | null;
}

/** "Not this person": a hit a reviewer dismissed for one user, until the list entry changes. */
export interface ScreeningSuppressionsTable {
  application_id: string;
  vendor_data: string;
  entity_id: string;
  entity_fingerprint: string;
  created_at: number;
  created_by: string;
  note: string | null;
}

export interface FaceTemplatesTable {
  id: string;
  application_id: string;
  kind: string; // approved | blocklist
  session_id: string | null;
  vendor_data: string | null;
  /** The L2-normalised embedding as float32 bytes, sealed like media (biometric data). */
  embedding_enc: string;
  note: string | null;
  created_by: string;
  created_at: number;
}

/** One row per session and kind of signal (device, ip, email, phone): keyed digests only. */
export interface RiskSignalsTable {
  application_id: string;
  session_id: string;
  kind: string;
  digest: string;
  /** Digest of the session's vendorData (the integrator's user id). */
  user_digest: string | null;
  /** Digest of the identity the session claimed (document number, or name and birth date). */
  identity_digest: string | null;
  created_at: number;
}

/** The document each decided session showed (keyed digest of state, type and number), for duplicates. */
export interface DocumentUsesTable {
  session_id: string;
  application_id: string;
  digest: string;
  created_at: number;
}

/** Emails, phones, IPs and document numbers an application refuses; the value only as a keyed digest. */
export interface BlocklistEntriesTable {
  id: string;
  application_id: string;
  kind: string;
  digest: string;
  /** Masked form for listings, e.g. "a***@example.com". */
  display: string;
  note: string | null;
  created_by: string;
  created_at: number;
}

/** Credentials of a vendor dialect (Veriff API key + shared secret, iDenfy key + secret, …). */
export interface DialectCredentialsTable {
  id: string;
  application_id: string;
  dialect: string;
  name: string;
  integration_id: string;
  key_prefix: string;
  /** SHA-256 of the key (keys are random, so a fast hash is enough). */
  key_hash: string;
  secret_enc: string;
  settings: string; // JSON
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** The id a dialect shows for a core session, attempt or media item (vendors use UUIDs and tokens). */
export interface DialectIdsTable {
  dialect: string;
  external_id: string;
  kind: string; // session | attempt | media | token
  internal_id: string;
  application_id: string;
  session_id: string;
  credential_id: string | null;
  extra: string; // JSON
  created_at: number;
}

/** Console users (compliance staff and engineers). Emails are lower-cased. */
export interface StaffUsersTable {
  id: string;
  application_id: string;
  email: string;
  name: string | null;
  /** argon2id PHC string. */
  password_hash: string;
  role: string; // admin | reviewer | viewer
  /** TOTP secret sealed with the master key; set during enrolment, active once totp_enabled_at is set. */
  totp_secret_enc: string | null;
  totp_enabled_at: number | null;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
  disabled_at: number | null;
}

/** Console sign-ins: the cookie carries a random token, only its SHA-256 is stored. */
export interface StaffSessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  application_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Who did what, when, with the state before and after (JSON). */
export interface AuditLogTable {
  id: string;
  application_id: string;
  actor: string; // staff:<id> | api:<key id> | system
  actor_label: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
  created_at: number;
}

/** A reviewer working a case; claims expire so an abandoned case returns to the queue. */
export interface ReviewClaimsTable {
  session_id: string;
  application_id: string;
  actor: string;
  actor_label: string | null;
  claimed_at: number;
  expires_at: number;
}

export interface QuestionnairesTable {
  id: string;
  application_id: string;
  title: string;
  definition: string; // JSON QuestionnaireDefinition
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface QuestionnaireVersionsTable {
  questionnaire_id: string;
  version: number;
  definition: string; // JSON QuestionnaireDefinition
  created_at: number;
}

export interface QuestionnaireAnswersTable {
  session_id: string;
  application_id: string;
  questionnaire_id: string;
  questionnaire_version: number;
  answers: string; // JSON {questionId: answer}
  created_at: number;
  updated_at: number;
}

/** eID over OpenID Connect: an application's identity provider. The client secret or private key is sealed. */
export interface IdentityProvidersTable {
  id: string;
  application_id: string;
  /** The application's name for it, e.g. "bankidse"; unique per application. */
  provider_id: string;
  definition: string; // JSON IdentityProviderDefinition
  secret_enc: string | null;
  created_at: number;
  updated_at: number;
}

/** One sign-in at a provider. Only a digest of `state` is kept; the PKCE verifier, nonce and result are sealed. */
export interface EidTransactionsTable {
  id: string;
  application_id: string;
  session_id: string;
  attempt_id: string;
  provider_id: string;
  channel: string;
  state_hash: string;
  /** Sealed verifier, nonce, auth_req_id and browser binding while pending; '' once erased (the column is NOT NULL). */
  secrets_enc: string;
  /** pending | completed | failed */
  status: string;
  error_code: string | null;
  result_enc: string | null;
  created_at: number;
  expires_at: number;
  finished_at: number | null;
  /** A push poll's lease: until then only `polling_by` asks the provider's token endpoint for this sign-in. */
  poll_claimed_until: number | null;
  polling_by: string | null;
}

export interface DB {
  applications: ApplicationsTable;
  api_keys: ApiKeysTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  sessions: SessionsTable;
  employment_verifications: EmploymentVerificationsTable;
  employment_connections: EmploymentConnectionsTable;
  attempts: AttemptsTable;
  media: MediaTable;
  session_events: SessionEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  jobs: JobsTable;
  idempotency_keys: IdempotencyKeysTable;
  screening_list_versions: ScreeningListVersionsTable;
  monitored_people: MonitoredPeopleTable;
  screening_alerts: ScreeningAlertsTable;
  screening_suppressions: ScreeningSuppressionsTable;
  face_templates: FaceTemplatesTable;
  dialect_credentials: DialectCredentialsTable;
  dialect_ids: DialectIdsTable;
  risk_signals: RiskSignalsTable;
  document_uses: DocumentUsesTable;
  identity_providers: IdentityProvidersTable;
  eid_transactions: EidTransactionsTable;
  blocklist_entries: BlocklistEntriesTable;
  staff_users: StaffUsersTable;
  staff_sessions: StaffSessionsTable;
  audit_log: AuditLogTable;
  review_claims: ReviewClaimsTable;
  questionnaires: QuestionnairesTable;
  questionnaire_versions: QuestionnaireVersionsTable;
  questionnaire_answers: QuestionnaireAnswersTable;
}
