import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, startTestServer } from './harness.ts';

/**
 * openidv (on SQLite) at a fixed port, so that the links it hands out (its public URL) open in the browser,
 * with journeys that an integrator's page on another origin may frame (the deployment must allow it).
 */
export async function startTestServerForIntegrators(env: Record<string, string> = {}) {
  const port = await freePort();
  return startTestServer('sqlite', {
    PORT: String(port),
    OPENIDV_PUBLIC_URL: `http://127.0.0.1:${port}`,
    OPENIDV_JOURNEY_FRAME_ANCESTORS: '*',
    ...env,
  });
}

/**
 * The integrator's site, on another origin than openidv: each path answers with its content type and body
 * (a function is called at each request, for a page that changes between steps); other paths are 404.
 */
export async function startIntegratorSite(
  files: Record<string, readonly [type: string, body: string | (() => string)]>,
): Promise<{ url: string; close(): Promise<void> }> {
  const site = createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (!f) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[0] }).end(typeof f[1] === 'function' ? f[1]() : f[1]);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => site.close(() => r())),
  };
}
