import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/harness.ts';
import { multipart } from '../support/photos.ts';
import { diditClient } from './didit-client.ts';
import { dialectTestbed } from './testbed.ts';

/**
 * The journey state tells the journey page which vendor's iFrame messages to post besides openidv's: Didit's,
 * for sessions created through /compat/didit, named by their Didit id and with the status Didit's web SDK
 * reports. The browser side is proven with Didit's own SDK in didit-sdk.browser.test.ts.
 */
describe("the journey speaks Didit's frame messages for sessions created through /compat/didit", () => {
  const bed = dialectTestbed('sqlite', { name: 'didit-frame', dialect: 'didit' });
  const didit = () => diditClient(`${bed.server.api.base}/compat/didit`, bed.credential.key);
  const journey = (url: string) => {
    const token = new URL(url).pathname.split('/')[2]!;
    return async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${bed.server.api.base}/j/${token}/api/${path}`, {
        method,
        ...(body instanceof FormData && { body }),
        ...(body !== undefined &&
          !(body instanceof FormData) && {
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the journey state is checked by the assertions
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
  };

  it('names the Didit session id and "Pending" until decided, then the decision', async () => {
    const created = await didit().createSession({ vendor_data: 'frame-1' });
    expect(created.status).toBe(201);
    const j = journey(created.body.url);
    const state = await j('GET', 'session');
    expect(state.status).toBe(200);
    expect(state.body['frame']).toEqual({
      format: 'didit',
      sessionId: created.body.session_id,
      status: 'Pending',
    });

    expect((await j('POST', 'consent', { accept: true })).status).toBe(200);
    expect((await j('POST', 'media', multipart('document-front', bed.photos.sharpJpeg))).status).toBe(201);
    expect(
      (await j('POST', 'media', multipart('face', bed.photos.png, 'face.png', 'image/png'))).status,
    ).toBe(201);
    expect((await j('POST', 'submit')).body['frame']).toMatchObject({ sessionId: created.body.session_id });
    const decided = await waitFor(
      async () => {
        const d = await didit().decision(created.body.session_id);
        return ['Approved', 'Declined'].includes(d.body.status) && (d.body.status as string);
      },
      30_000,
      'the decision',
    );
    expect((await j('GET', 'session')).body['frame']).toEqual({
      format: 'didit',
      sessionId: created.body.session_id,
      status: decided,
    });
  });

  it('names nothing for a native session, even one the Didit dialect has listed (and so given a Didit id)', async () => {
    const native = await bed.server.api.json('POST', '/v1/sessions', { vendorData: 'frame-native' });
    expect(native.status).toBe(201);
    const listed = await didit().call('GET', '/v3/sessions/?vendor_data=frame-native');
    expect(listed.body.results).toHaveLength(1);
    expect(listed.body.results[0].session_id).toBeTruthy();
    const state = await journey(native.body.url)('GET', 'session');
    expect(state.status).toBe(200);
    expect(state.body['frame']).toBeNull();
  });
});
