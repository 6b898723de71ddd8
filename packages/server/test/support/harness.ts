import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '@openidv/storage';
import { createTestDatabase, type TestDatabase } from '@openidv/storage/testing';
import { startServer } from '../../src/cli/start-server.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { createPlatform } from '../../src/platform/platform.ts';
import { createApplication } from '../../src/usecases/applications/bootstrap-application.ts';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export function testConfig(t: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    OPENIDV_DATA_DIR: t.dataDir,
    ...(t.databaseUrl && { DATABASE_URL: t.databaseUrl }),
    OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'true',
    OPENIDV_LOG_LEVEL: 'silent',
    OPENIDV_WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s',
    ...env,
  });
}

export interface Api {
  base: string;
  key: string;
  applicationId: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, any>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

/**
 * The workflow the core API tests run: image quality only, so that they test the platform (lifecycle, storage,
 * webhooks) fast and without models. Tests of the default workflow say so.
 */
export const CORE_TEST_WORKFLOW = {
  name: 'Core tests: photo quality only',
  checks: [{ type: 'image-quality', config: { required: ['document-front', 'face'] } }],
  isDefault: true,
};

export function apiClient(base: string, key: string, applicationId: string): Api {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && !(body instanceof FormData) && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && {
        body: body instanceof FormData ? body : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    });
  return {
    base,
    key,
    applicationId,
    request,
    async json(method, path, body, headers) {
      const res = await request(method, path, body, headers);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
  };
}

/** An openidv server in this process, on a fresh database of the given dialect. */
export async function startTestServer(dialect: Dialect, env: Record<string, string> = {}) {
  const db = await createTestDatabase(dialect);
  const config = testConfig(db, env);
  // A second application, to prove applications cannot see each other.
  const setup = await createPlatform(config);
  const app = await createApplication(setup, 'Acme');
  const other = await createApplication(setup, 'Other');
  await setup.close();
  const server = await startServer(config, { quiet: true, handleSignals: false });
  const base = server.url.replace('localhost', '127.0.0.1');
  const api = apiClient(base, app.apiKey, app.applicationId);
  const otherApi = apiClient(base, other.apiKey, other.applicationId);
  for (const client of [api, otherApi]) {
    const w = await client.json('POST', '/v1/workflows', CORE_TEST_WORKFLOW);
    if (w.status !== 201) throw new Error(`could not create the test workflow: ${JSON.stringify(w.body)}`);
  }
  return {
    db,
    config,
    api,
    otherApi,
    webhookSecret: app.webhookSecret,
    async close() {
      await server.close();
      await db.dispose();
    },
  };
}

/** A real `openidv start` process, for tests that kill and restart the server. Its output is kept in `output()`. */
export async function spawnServer(
  t: TestDatabase,
  env: Record<string, string>,
): Promise<{ proc: ChildProcess; base: string; output(): string }> {
  const proc = spawn(process.execPath, [MAIN, 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      OPENIDV_DATA_DIR: t.dataDir,
      ...(t.databaseUrl && { DATABASE_URL: t.databaseUrl }),
      OPENIDV_WEBHOOK_ALLOW_PRIVATE: 'true',
      OPENIDV_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    const m = /API base URL:\s+(http:\/\/\S+)\/v1/.exec(out);
    if (m) return { proc, base: m[1]!.replace('localhost', '127.0.0.1'), output: () => out };
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not start:\n${out}`);
}

export async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; data: Record<string, any> };
}

/** A webhook receiver on loopback; `respond` decides each answer (default 200). */
export async function startReceiver(
  respond: (n: number, hook: ReceivedWebhook) => number | 'hang' = () => 200,
): Promise<{ url: string; received: ReceivedWebhook[]; server: Server; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hook = { headers: req.headers, body, json: JSON.parse(body) };
      received.push(hook);
      const answer = respond(received.length, hook);
      if (answer === 'hang') return; // never answer: the sender times out or dies
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A port free right now on localhost, for a server whose public URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface DialectCredential {
  id: string;
  key: string;
  secret: string;
  /** Where the vendor's API is answered for this credential. */
  baseUrl: string;
  /** Veriff's `vrf-integration-id`. */
  integrationId: string;
}

/** A dialect credential made with the API key, as an integrator moving from the vendor would. */
export async function issueDialectCredential(
  api: Api,
  credential: { name: string; dialect: string; webhookUrl?: string },
): Promise<DialectCredential> {
  const created = await api.json('POST', '/v1/dialect-credentials', credential);
  if (created.status !== 201) throw new Error(`dialect credential: ${JSON.stringify(created.body)}`);
  return created.body as DialectCredential;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export { createTestDatabase };
