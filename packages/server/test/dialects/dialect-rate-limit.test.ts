import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDialectCredential, startTestServer } from '../support/harness.ts';
import { diditClient } from './didit-client.ts';
import { idenfyClient } from './idenfy-client.ts';
import { veriffClient } from './veriff-client.ts';

const LIMIT = 5;

// The limit is per process and credential, not stored, so one database is enough.
describe('Dialect rate limits', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { OPENIDV_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(async () => server?.close());

  const credential = (dialect: string) => issueDialectCredential(server.api, { name: dialect, dialect });
  const local = (baseUrl: string) => baseUrl.replace(/^https?:\/\/[^/]+/, server.api.base);

  /** Statuses of LIMIT + 2 calls, and the body of the last. */
  async function exhaust(call: () => Promise<{ status: number; body: unknown }>) {
    const statuses: number[] = [];
    let last: unknown;
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await call();
      statuses.push(res.status);
      last = res.body;
    }
    return { statuses, last };
  }

  it('throttles a Didit key in Didit words', async () => {
    const c = await credential('didit');
    const didit = diditClient(local(c.baseUrl), c.key);
    const { statuses, last } = await exhaust(() => didit.decision(crypto.randomUUID()));
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(last).toEqual({
      detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds\.$/),
    });
  });

  it('throttles an iDenfy key in iDenfy words', async () => {
    const c = await credential('idenfy');
    const idenfy = idenfyClient(local(c.baseUrl), c.key, c.secret);
    const { statuses, last } = await exhaust(() => idenfy.status('no-such-scan-ref'));
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(last).toEqual({
      identifier: 'TOO_MANY_REQUESTS',
      message: `Requests per minute limit (${LIMIT}) has been reached.`,
    });
  });

  it('throttles a Veriff key in Veriff words', async () => {
    const c = await credential('veriff');
    const veriff = veriffClient(local(c.baseUrl), c.key, c.secret);
    const id = crypto.randomUUID();
    const { statuses, last } = await exhaust(() => veriff.get(`/sessions/${id}/decision`, id));
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(last).toEqual({
      status: 'fail',
      code: '429',
      message: `Rate limit of ${LIMIT} requests per minute exceeded; retry later.`,
    });
  });
});
