import { afterAll, beforeAll } from 'vitest';
import {
  type DialectCredential,
  issueDialectCredential,
  startReceiver,
  startTestServer,
} from '../support/harness.ts';
import { testPhotos } from '../support/photos.ts';

type Dialect = Parameters<typeof startTestServer>[0];

/**
 * What a dialect's API tests run against: an openidv server, a webhook receiver, test photos and a dialect
 * credential whose webhooks go to the receiver. Started before the suite's tests and closed after them; read the
 * fields inside tests (they are filled by then).
 */
export function dialectTestbed(dialect: Dialect, credential: { name: string; dialect: string }) {
  const bed = {} as {
    server: Awaited<ReturnType<typeof startTestServer>>;
    receiver: Awaited<ReturnType<typeof startReceiver>>;
    photos: Awaited<ReturnType<typeof testPhotos>>;
    credential: DialectCredential;
  };
  beforeAll(async () => {
    bed.server = await startTestServer(dialect);
    bed.receiver = await startReceiver();
    bed.photos = await testPhotos();
    bed.credential = await issueDialectCredential(bed.server.api, {
      ...credential,
      webhookUrl: bed.receiver.url,
    });
  });
  afterAll(async () => {
    await bed.receiver?.close();
    await bed.server?.close();
  });
  return bed;
}

/** The applicant's side of a session: calls to the hosted journey's API behind the session's `url`. */
export function journeyApi(apiBase: string, sessionUrl: string) {
  const token = new URL(sessionUrl).pathname.split('/')[2]!;
  return (method: string, path: string, body?: unknown) =>
    fetch(`${apiBase}/j/${token}/api/${path}`, {
      method,
      ...(body !== undefined &&
        (body instanceof FormData
          ? { body }
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })),
    });
}
