import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .describe('true or false');

/** Durations like "30s", "10m", "6h", "1d". */
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration like 30s, 10m, 6h or 1d`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * Every setting openidv reads, with its default and meaning. Parsed once at start; an invalid value stops the
 * server with a message naming the variable. `openidv config` prints this table.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port.'),
  HOST: z.string().default('0.0.0.0').describe('Address to listen on.'),
  OPENIDV_DATA_DIR: z
    .string()
    .default('./data')
    .describe('Directory for the SQLite database, encrypted media and the generated master key.'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('PostgreSQL connection URL. Unset: SQLite in the data directory.'),
  OPENIDV_PUBLIC_URL: z
    .url()
    .optional()
    .describe('Base URL of the links openidv hands out (journey, media). Default: http://localhost:PORT.'),
  OPENIDV_WEBHOOK_ALLOW_PRIVATE: bool
    .default(false)
    .describe('Allow webhook targets in loopback and private address ranges (for local development).'),
  OPENIDV_MASTER_KEY: z
    .string()
    .optional()
    .describe(
      'Base64 32-byte key that encrypts media and secrets at rest. Unset: generated into the data directory.',
    ),
  OPENIDV_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPENIDV_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1_048_576)
    .describe('Largest JSON body, except media uploads.'),
  OPENIDV_UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1_048_576)
    .describe('Largest media upload (multipart file, or decoded base64 content).'),
  OPENIDV_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(6000)
    .describe('Requests per minute per API key; 0 turns rate limiting off.'),
  OPENIDV_JOURNEY_FRAME_ANCESTORS: z
    .string()
    .default("'self'")
    .refine(
      (s) => s.split(/\s+/).every((o) => /^('self'|'none'|\*|https?:\/\/[^\s;,'"]+)$/.test(o)),
      "space-separated origins like https://shop.example, or 'self', 'none' or *",
    )
    .describe(
      "Pages allowed to embed the applicant journey in an iFrame (CSP frame-ancestors): space-separated origins, 'self', or * for any.",
    ),
  OPENIDV_JOURNEY_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(300)
    .describe('Requests per minute per journey link (its browser API); 0 turns it off.'),
  OPENIDV_SESSION_LIFETIME: z
    .string()
    .regex(DURATION)
    .default('7d')
    .describe('Default lifetime of a verification session.'),
  OPENIDV_EID_SIGN_IN_LIFETIME: z
    .string()
    .regex(DURATION)
    .default('10m')
    .refine((v) => parseDuration(v) >= 30_000, 'at least 30s: the applicant must have time to sign in')
    .describe(
      "How long an eID sign-in through redirect or QR may take (a push sign-in lasts as long as the provider's `expires_in`); then it is refused with EID_EXPIRED and its PKCE verifier and nonce are erased.",
    ),
  OPENIDV_DATA_RETENTION: z
    .string()
    .regex(DURATION)
    .optional()
    .describe(
      "How long a session's personal data and media are kept after it reaches a final status (approved, declined, cancelled, expired, abandoned); then they are erased as by DELETE /v1/sessions/{id}, leaving the tombstone. Unset: kept until deleted.",
    ),
  OPENIDV_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('30s,2m,10m,30m,1h,3h,6h,12h,24h')
    .refine(
      (s) => s.split(',').every((p) => DURATION.test(p.trim())),
      'comma-separated durations like 30s,2m,1h',
    )
    .describe(
      'Delays before each retry of a failed webhook delivery; the default makes 10 attempts over ~47 hours.',
    ),
  OPENIDV_WEBHOOK_TIMEOUT: z
    .string()
    .regex(DURATION)
    .default('10s')
    .describe('Timeout of one webhook request.'),
  OPENIDV_JOB_LEASE: z
    .string()
    .regex(DURATION)
    .default('30s')
    .describe('How long a worker holds a job before another may take it over (renewed while it runs).'),
  OPENIDV_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2).describe('Jobs run at once.'),
  OPENIDV_WORKER: bool
    .default(true)
    .describe('Run the checks pipeline and webhook delivery in this process.'),
  OPENIDV_TEST_MODE: bool
    .default(false)
    .describe(
      "Test-mode features for integration testing: dialects' dummy results (iDenfy `dummyStatus`) decide a session without checks. Never on in production.",
    ),
  OPENIDV_EMPLOYMENT_SOURCES_FILE: z
    .string()
    .optional()
    .describe(
      'JSON file of the OAuth 2.0 data sources employment sessions may offer (`{"sources": [...]}`, see the README). Unset: documents only.',
    ),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  publicUrlConfigured: boolean;
  webhookAllowPrivate: boolean;
  masterKey: string | undefined;
  logLevel: RawConfig['OPENIDV_LOG_LEVEL'];
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  rateLimitPerMinute: number;
  journeyFrameAncestors: string;
  journeyRateLimitPerMinute: number;
  sessionLifetimeMs: number;
  /** Lifetime of a redirect or QR eID sign-in. */
  eidSignInLifetimeMs: number;
  /** Undefined: keep personal data until it is deleted through the API. */
  dataRetentionMs: number | undefined;
  webhookRetryScheduleMs: number[];
  webhookTimeoutMs: number;
  jobLeaseMs: number;
  jobConcurrency: number;
  worker: boolean;
  /** Dummy results (iDenfy `dummyStatus`) are accepted. */
  testMode: boolean;
  employmentSourcesFile: string | undefined;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty variables count as unset, as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const publicUrl = (c.OPENIDV_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.OPENIDV_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    publicUrl,
    publicUrlConfigured: c.OPENIDV_PUBLIC_URL !== undefined,
    webhookAllowPrivate: c.OPENIDV_WEBHOOK_ALLOW_PRIVATE,
    masterKey: c.OPENIDV_MASTER_KEY,
    logLevel: c.OPENIDV_LOG_LEVEL,
    bodyLimitBytes: c.OPENIDV_BODY_LIMIT_BYTES,
    uploadLimitBytes: c.OPENIDV_UPLOAD_LIMIT_BYTES,
    rateLimitPerMinute: c.OPENIDV_RATE_LIMIT_PER_MINUTE,
    journeyFrameAncestors: c.OPENIDV_JOURNEY_FRAME_ANCESTORS.trim(),
    journeyRateLimitPerMinute: c.OPENIDV_JOURNEY_RATE_LIMIT_PER_MINUTE,
    sessionLifetimeMs: parseDuration(c.OPENIDV_SESSION_LIFETIME),
    eidSignInLifetimeMs: parseDuration(c.OPENIDV_EID_SIGN_IN_LIFETIME),
    dataRetentionMs:
      c.OPENIDV_DATA_RETENTION === undefined ? undefined : parseDuration(c.OPENIDV_DATA_RETENTION),
    webhookRetryScheduleMs: c.OPENIDV_WEBHOOK_RETRY_SCHEDULE.split(',').map(parseDuration),
    webhookTimeoutMs: parseDuration(c.OPENIDV_WEBHOOK_TIMEOUT),
    jobLeaseMs: parseDuration(c.OPENIDV_JOB_LEASE),
    jobConcurrency: c.OPENIDV_JOB_CONCURRENCY,
    worker: c.OPENIDV_WORKER,
    testMode: c.OPENIDV_TEST_MODE,
    employmentSourcesFile:
      c.OPENIDV_EMPLOYMENT_SOURCES_FILE === undefined
        ? undefined
        : resolve(c.OPENIDV_EMPLOYMENT_SOURCES_FILE),
  };
}

/** A Markdown table of every setting, for `openidv config` and docs/configuration.md. */
export function describeConfig(): string {
  const rows = Object.entries(configSchema.shape).map(([name, schema]) => {
    const s = schema as z.ZodType & { description?: string };
    const def = s.safeParse(undefined);
    const shown = def.success && def.data !== undefined ? `\`${String(def.data)}\`` : '—';
    return `| \`${name}\` | ${shown} | ${s.description ?? ''} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
