import { type Api, waitFor } from '../support/harness.ts';
import { multipart, testPhotos } from '../support/photos.ts';

/** A workflow that sends every failed photo check to a person: the way sessions reach the review queue. */
export const REVIEW_WORKFLOW = {
  name: 'Everything doubtful to a person',
  checks: [{ type: 'image-quality', config: { required: ['document-front', 'face'] }, action: 'review' }],
};

let photos: Promise<Awaited<ReturnType<typeof testPhotos>>> | undefined;

/**
 * Creates a session through the API, uploads a document photo but no selfie and submits it: the photo check
 * fails with MEDIA_MISSING and the review workflow sends it to `review`.
 */
export async function sessionInReview(api: Api, workflowId: string, body: Record<string, unknown> = {}) {
  photos ??= testPhotos();
  const { sharpJpeg } = await photos;
  const s = await api.json('POST', '/v1/sessions', { workflowId, ...body });
  if (s.status !== 201) throw new Error(`create: ${JSON.stringify(s.body)}`);
  const up = await api.request(
    'POST',
    `/v1/sessions/${s.body.id}/media`,
    multipart('document-front', sharpJpeg),
  );
  if (up.status !== 201) throw new Error(`upload: ${await up.text()}`);
  await api.json('PATCH', `/v1/sessions/${s.body.id}`, { status: 'submitted' });
  await waitFor(
    async () => (await api.json('GET', `/v1/sessions/${s.body.id}`)).body.status === 'review',
    20_000,
    'the session to reach review',
  );
  return s.body as { id: string; vendorData: string | null };
}

export interface StaffClient {
  cookie: string;
  csrf: string;
  user: { id: string; email: string; role: string };
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely, as the harness does
  json<T = Record<string, any>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

export async function signIn(
  base: string,
  email: string,
  password: string,
  totpCode?: string,
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely, as the harness does
): Promise<{ status: number; body: any; headers: Headers; client?: StaffClient }> {
  const res = await fetch(`${base}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, ...(totpCode && { totpCode }) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely, as the harness does
  const body: any = await res.json();
  if (res.status !== 200) return { status: res.status, body, headers: res.headers };
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return {
    status: 200,
    body,
    headers: res.headers,
    client: staffClient(base, cookie, body.csrfToken, body.user),
  };
}

export function staffClient(
  base: string,
  cookie: string,
  csrf: string,
  user: StaffClient['user'],
): StaffClient {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        cookie,
        ...(method !== 'GET' && { 'x-csrf-token': csrf }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  return {
    cookie,
    csrf,
    user,
    request,
    async json(method, path, body, headers) {
      const res = await request(method, path, body, headers);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
  };
}

/** Creates a staff user with the API key (as an admin would) and signs them in. */
export async function staffWithRole(
  base: string,
  api: Api,
  role: 'admin' | 'reviewer' | 'viewer',
  email?: string,
) {
  const address = email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = `a long password for ${role}`;
  const created = await api.json('POST', '/v1/staff', { email: address, password, role });
  if (created.status !== 201) throw new Error(`create staff: ${JSON.stringify(created.body)}`);
  const s = await signIn(base, address, password);
  if (!s.client) throw new Error(`sign-in: ${JSON.stringify(s.body)}`);
  return { ...s.client, password };
}
