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
