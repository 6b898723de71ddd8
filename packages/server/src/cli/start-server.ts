import type { Config } from '../config/config.ts';
import { buildServer } from '../http/build-server.ts';
import { jobHandlers } from '../jobs/handlers.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { createPlatform, type PlatformOptions } from '../platform/platform.ts';
import { bootstrapIfEmpty } from '../usecases/applications/bootstrap-application.ts';

/**
 * The applicant journey is built by `npm install` (the repository's `prepare`); a checkout whose journey
 * sources changed since is rebuilt here, so `npm start` never serves an old journey. An install without the
 * build tools (production) serves what it has.
 */
export async function buildJourneyIfStale(): Promise<void> {
  let build: typeof import('@openidv/journey/build');
  try {
    build = await import('@openidv/journey/build');
    if (!build.journeyBuildIsStale()) return;
  } catch {
    return;
  }
  process.stdout.write('openidv: building the applicant journey …\n');
  try {
    await build.buildJourney();
  } catch (e) {
    process.stderr.write(`openidv: the applicant journey could not be built: ${(e as Error).message}\n`);
  }
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts API and workers; on first start prints the credentials of the new default application once. */
export async function startServer(
  config: Config,
  options: PlatformOptions & { quiet?: boolean; handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const platform = await createPlatform(config, options);
  const created = await bootstrapIfEmpty(platform);
  const app = await buildServer(platform);
  const runner = config.worker ? new JobRunner(platform, jobHandlers(platform)) : undefined;
  await app.listen({ port: config.port, host: config.host });
  runner?.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = config.publicUrlConfigured ? config.publicUrl : `http://localhost:${port}`;
  // Links handed out must name the port actually bound (PORT=0 picks a free one).
  config.publicUrl = base;
  if (config.testMode) {
    platform.logger.warn('test mode is on (OPENIDV_TEST_MODE): dummy results decide sessions without checks');
  }

  if (!options.quiet) {
    const lines = [
      '',
      `openidv is running (${platform.database.dialect === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'})`,
      `  API base URL:  ${base}/v1`,
      `  API reference: ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
      `  Journey links: ${base}/j/<token>  (each session's "url")`,
      `  Console:       ${base}/console   (create a user: npx openidv users create --email E --password P --role admin)`,
    ];
    if (config.testMode) {
      lines.push(
        '  TEST MODE (OPENIDV_TEST_MODE): dummy results decide sessions without checks. Not for production.',
      );
    }
    if (created) {
      lines.push(
        '',
        'First start: created a default application. These secrets are shown only now — keep them:',
        `  API key:                ${created.apiKey}`,
        `  Webhook signing secret: ${created.webhookSecret}`,
        '',
        'Try it:',
        `  curl -s -X POST ${base}/v1/sessions -H "Authorization: Bearer ${created.apiKey}" -H "Content-Type: application/json" -d '{"vendorData":"user-1"}'`,
      );
    }
    lines.push('');
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  const close = async () => {
    await app.close();
    await runner?.stop();
    await platform.close();
  };
  if (options.handleSignals !== false) {
    const shutdown = (signal: string) => {
      platform.logger.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  }
  return { url: base, close };
}
