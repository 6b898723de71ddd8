import { join } from 'node:path';
import type { CheckDefinition } from '@openidv/domain';
import {
  type Database,
  EncryptedFileStore,
  Envelope,
  loadOrCreateMasterKey,
  migrateToLatest,
  openDatabase,
  screening as screeningRepo,
} from '@openidv/storage';
import { CheckRegistry, createDefaultRegistry } from '../checks/registry.ts';
import type { Config } from '../config/config.ts';
import type { EmploymentConnector } from '../connectors/employment/connector.ts';
import { loadEmploymentSources } from '../connectors/employment/sources.ts';
import type { FrameFormat, WebhookFormat } from '../dialects/dialect.ts';
import { FRAME_FORMATS } from '../dialects/frame-formats.ts';
import { WEBHOOK_FORMATS } from '../dialects/webhook-formats.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { FaceTemplateStore } from '../usecases/faces/face-templates.ts';
import { ScreeningLists } from '../usecases/screening/screening-lists.ts';
import { createMetrics, type Metrics } from './metrics.ts';

/**
 * Everything the use cases need, built once: the composition root. Use cases receive this and nothing
 * reaches for globals, so tests can build several platforms side by side.
 */
export interface Platform {
  config: Config;
  logger: Logger;
  database: Database;
  envelope: Envelope;
  files: EncryptedFileStore;
  checks: CheckRegistry;
  /** The sanctions lists in service (shipped snapshot plus imported versions). */
  screening: ScreeningLists;
  /** Face templates (approved users, face blocklist) for 1:N search. */
  faces: FaceTemplateStore;
  metrics: Metrics;
  /** Consented data sources employment sessions may offer, by id. */
  employmentSources: ReadonlyMap<string, EmploymentConnector>;
  /** Vendor webhook formats (Veriff, …) by dialect name; native endpoints use the openidv format. */
  webhookFormats: ReadonlyMap<string, WebhookFormat>;
  /** Vendor iFrame message formats the journey speaks for sessions created through their dialect. */
  frameFormats: readonly FrameFormat[];
  now(): Date;
  /** Tells the job runner that work is waiting, so it does not wait for its next poll. */
  wake(): void;
  /** Short-lived caches of hot lookups; invalidated on every change made through this process. */
  caches: {
    apiKeys: Map<string, { at: number; value: { keyId: string; applicationId: string } | null }>;
    endpoints: Map<
      string,
      { at: number; value: { id: string; events: string[]; format: string; credentialId: string | null }[] }
    >;
    dialectKeys: Map<string, { at: number; value: unknown }>;
  };
  close(): Promise<void>;
}

export interface PlatformOptions {
  checks?: CheckDefinition<never>[];
  logger?: Logger;
  now?: () => Date;
  /** Replaces the sources of OPENIDV_EMPLOYMENT_SOURCES_FILE (tests). */
  employmentSources?: EmploymentConnector[];
}

export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { key } = loadOrCreateMasterKey(config.dataDir, config.masterKey);
  const envelope = new Envelope(key);
  // Read before the database opens: a bad sources file stops the start with nothing to clean up.
  const employmentSources = options.employmentSources
    ? new Map(options.employmentSources.map((c) => [c.id, c]))
    : loadEmploymentSources(config.employmentSourcesFile);
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: join(config.dataDir, 'openidv.sqlite'),
    onIdleError: (e) => logger.warn({ err: e }, 'an idle database connection failed; it was discarded'),
  });
  await migrateToLatest(database);
  const lists = new ScreeningLists(database.db);
  const checks = options.checks
    ? new CheckRegistry(options.checks)
    : createDefaultRegistry({
        screeningIndex: () => lists.current(),
        suppressed: (applicationId, vendorData) =>
          screeningRepo.suppressionsFor(database.db, applicationId, vendorData),
        riskDataDir: join(config.dataDir, 'risk-data'),
      });
  const platform: Platform = {
    config,
    logger,
    database,
    envelope,
    files: new EncryptedFileStore(join(config.dataDir, 'media'), envelope),
    checks,
    screening: lists,
    faces: new FaceTemplateStore(database.db, envelope),
    metrics: createMetrics(),
    employmentSources,
    webhookFormats: WEBHOOK_FORMATS,
    frameFormats: FRAME_FORMATS,
    now: options.now ?? (() => new Date()),
    wake: () => {},
    caches: { apiKeys: new Map(), endpoints: new Map(), dialectKeys: new Map() },
    close: async () => {
      await database.close();
    },
  };
  return platform;
}
