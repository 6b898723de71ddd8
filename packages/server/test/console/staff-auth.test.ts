import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testDialects } from '@openidv/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotpCode } from '../../src/usecases/staff/totp.ts';
import { MAIN, startTestServer } from '../support/harness.ts';
import { signIn, staffClient, staffWithRole } from './support.ts';

const run = promisify(execFile);

describe.each(await testDialects())('console staff users and sign-in, on %s', (dialect) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    base = server.api.base;
  });
  afterAll(async () => server?.close());

  it('creates a staff user with an argon2id hash and signs them in with a secure session cookie', async () => {
    const created = await server.api.json('POST', '/v1/staff', {
      email: 'Ada@Example.com',
      password: 'correct horse battery',
      role: 'reviewer',
      name: 'Ada',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'ada@example.com', role: 'reviewer', totpEnabled: false });
    expect(JSON.stringify(created.body)).not.toContain('correct horse');

    const db = server.db.open();
    const row = await db.db
      .selectFrom('staff_users')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirst();
    await db.close();
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

    const s = await signIn(base, 'ada@example.com', 'correct horse battery');
    expect(s.status).toBe(200);
    const cookie = s.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^oidv_console=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure'); // the test server's public URL is http
    expect(s.body.user).toMatchObject({ email: 'ada@example.com', role: 'reviewer' });
    expect(s.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await s.client!.json('GET', '/v1/auth/session');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(created.body.id);
    expect(me.body.csrfToken).toBe(s.body.csrfToken);
  });

  it('refuses wrong passwords and unknown emails alike, and locks an account after five failures', async () => {
    const u = await staffWithRole(base, server.api, 'viewer', 'locked@example.com');
    const wrong = await signIn(base, 'locked@example.com', 'not the password');
    const unknown = await signIn(base, 'nobody@example.com', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    for (let i = 0; i < 4; i++) await signIn(base, 'locked@example.com', 'still wrong');
    const locked = await signIn(base, 'locked@example.com', u.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
  });

  it('validates sign-in and staff input with stable error codes', async () => {
    const bad = await fetch(`${base}/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.com' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const short = await server.api.json('POST', '/v1/staff', {
      email: 'a@example.com',
      password: 'short',
      role: 'admin',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/12 characters/);
    const role = await server.api.json('POST', '/v1/staff', {
      email: 'b@example.com',
      password: 'long enough password',
      role: 'owner',
    });
    expect(role.status).toBe(400);
    await server.api.json('POST', '/v1/staff', {
      email: 'dup@example.com',
      password: 'long enough password',
      role: 'viewer',
    });
    const dup = await server.api.json('POST', '/v1/staff', {
      email: 'DUP@example.com',
      password: 'long enough password',
      role: 'viewer',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('STAFF_EMAIL_TAKEN');
  });

  it('needs the CSRF token and the own origin on every change made with the cookie', async () => {
    const admin = await staffWithRole(base, server.api, 'admin');
    const body = { email: 'csrf-made@example.com', password: 'long enough password', role: 'viewer' };
    const noToken = await admin.json('POST', '/v1/staff', body, { 'x-csrf-token': '' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const otherToken = await admin.json('POST', '/v1/staff', body, { 'x-csrf-token': 'A'.repeat(43) });
    expect(otherToken.status).toBe(403);
    const foreign = await admin.json('POST', '/v1/staff', body, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('CSRF_TOKEN_INVALID');
    const ok = await admin.json('POST', '/v1/staff', body, { origin: base });
    expect(ok.status).toBe(201);
    // Reading needs no token.
    expect((await admin.json('GET', '/v1/staff')).status).toBe(200);
  });

  it('signs out: the cookie stops working at once', async () => {
    const viewer = await staffWithRole(base, server.api, 'viewer');
    const out = await viewer.json('POST', '/v1/auth/sign-out');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const after = await viewer.json('GET', '/v1/cases');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHORIZED');
  });

  it('applies roles: viewers read, reviewers work cases, admins manage; API keys act as admin', async () => {
    const viewer = await staffWithRole(base, server.api, 'viewer');
    const reviewer = await staffWithRole(base, server.api, 'reviewer');
    const admin = await staffWithRole(base, server.api, 'admin');
    for (const c of [viewer, reviewer, admin]) expect((await c.json('GET', '/v1/cases')).status).toBe(200);
    for (const c of [viewer, reviewer]) {
      const keys = await c.json('GET', '/v1/keys');
      expect(keys.status).toBe(403);
      expect(keys.body.error.code).toBe('FORBIDDEN');
      expect((await c.json('POST', '/v1/keys', { name: 'x' })).status).toBe(403);
      expect((await c.json('GET', '/v1/webhooks')).status).toBe(403);
      expect((await c.json('GET', '/v1/staff')).status).toBe(403);
      expect((await c.json('GET', '/v1/audit')).status).toBe(403);
      expect((await c.json('POST', '/v1/workflows', { name: 'x', checks: [] })).status).toBe(403);
    }
    expect((await viewer.json('POST', '/v1/review-queue/next')).status).toBe(403);
    expect((await viewer.json('POST', '/v1/sessions', {})).status).toBe(403);
    expect((await reviewer.json('POST', '/v1/review-queue/next')).status).toBe(200);
    expect((await admin.json('GET', '/v1/keys')).status).toBe(200);
    expect((await server.api.json('GET', '/v1/staff')).status).toBe(200);
    // Console-only endpoints refuse API keys.
    const apiSession = await server.api.json('GET', '/v1/auth/session');
    expect(apiSession.status).toBe(403);
    // Another application's key sees none of this application's staff.
    const other = await server.otherApi.json('GET', '/v1/staff');
    expect(other.body.data.map((u: { email: string }) => u.email)).not.toContain(admin.user.email);
  });

  it('changing a role or disabling a user ends their sign-ins; the last admin stays', async () => {
    const target = await staffWithRole(base, server.api, 'reviewer');
    const demoted = await server.api.json('PATCH', `/v1/staff/${target.user.id}`, { role: 'viewer' });
    expect(demoted.body.role).toBe('viewer');
    expect((await target.json('GET', '/v1/cases')).status).toBe(401);
    const back = await signIn(base, target.user.email, target.password);
    expect(back.body.user.role).toBe('viewer');
    await server.api.json('PATCH', `/v1/staff/${target.user.id}`, { disabled: true });
    expect((await signIn(base, target.user.email, target.password)).status).toBe(401);

    const list = await server.api.json('GET', '/v1/staff');
    for (const u of list.body.data.filter((x: { role: string }) => x.role === 'admin')) {
      const r = await server.api.json('PATCH', `/v1/staff/${u.id}`, { disabled: true });
      if (r.status !== 200) {
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('LAST_ADMIN');
      }
    }
    const admins = (await server.api.json('GET', '/v1/staff')).body.data.filter(
      (x: { role: string; disabled: boolean }) => x.role === 'admin' && !x.disabled,
    );
    expect(admins).toHaveLength(1);
    // Re-enable them for the other tests.
    for (const u of list.body.data.filter((x: { role: string }) => x.role === 'admin'))
      await server.api.json('PATCH', `/v1/staff/${u.id}`, { disabled: false });
    expect((await server.api.json('PATCH', '/v1/staff/stf_nope', { role: 'viewer' })).status).toBe(404);
  });

  it('sets up a TOTP second factor, then requires and checks the code, once per code', async () => {
    const u = await staffWithRole(base, server.api, 'reviewer', 'totp@example.com');
    const setup = await u.json('POST', '/v1/auth/totp');
    expect(setup.status).toBe(200);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/openidv:totp%40example\.com\?/);
    expect(setup.body.qrSvg).toMatch(/^<svg/);
    const wrongConfirm = await u.json('POST', '/v1/auth/totp/confirm', { code: '000000' });
    expect(wrongConfirm.status).toBe(400);
    const code = currentTotpCode(setup.body.secret);
    expect((await u.json('POST', '/v1/auth/totp/confirm', { code })).status).toBe(200);

    const noCode = await signIn(base, 'totp@example.com', u.password);
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('TOTP_REQUIRED');
    const badCode = await signIn(base, 'totp@example.com', u.password, '123456');
    expect(badCode.status).toBe(401);
    expect(badCode.body.error.code).toBe('UNAUTHORIZED');
    // The code used to confirm cannot be used again; the next time step's code works.
    const replay = await signIn(base, 'totp@example.com', u.password, code);
    expect(replay.status).toBe(401);
    const next = await signIn(
      base,
      'totp@example.com',
      u.password,
      currentTotpCode(setup.body.secret, Date.now() + 30_000),
    );
    expect(next.status).toBe(200);
    expect(next.body.user.totpEnabled).toBe(true);

    // An admin removes it (lost phone).
    await server.api.json('PATCH', `/v1/staff/${u.user.id}`, { resetTotp: true });
    expect((await signIn(base, 'totp@example.com', u.password)).status).toBe(200);
  });

  it('changes the own password with the current one', async () => {
    const u = await staffWithRole(base, server.api, 'viewer');
    const wrong = await u.json('POST', '/v1/auth/password', {
      currentPassword: 'nope',
      newPassword: 'a brand new password',
    });
    expect(wrong.status).toBe(403);
    const ok = await u.json('POST', '/v1/auth/password', {
      currentPassword: u.password,
      newPassword: 'a brand new password',
    });
    expect(ok.status).toBe(200);
    expect((await signIn(base, u.user.email, u.password)).status).toBe(401);
    expect((await signIn(base, u.user.email, 'a brand new password')).status).toBe(200);
    // This sign-in continues.
    expect((await u.json('GET', '/v1/auth/session')).status).toBe(200);
  });

  it('writes sign-ins and staff changes to the audit log', async () => {
    const audit = await server.api.json('GET', '/v1/audit?action=staff.');
    const actions = new Set(audit.body.data.map((e: { action: string }) => e.action));
    for (const a of ['staff.create', 'staff.update', 'staff.sign_in', 'staff.sign_out', 'staff.totp_enable'])
      expect(actions).toContain(a);
    const create = audit.body.data.find((e: { action: string }) => e.action === 'staff.create');
    expect(create.actor).toMatch(/^api:key_/);
    expect(JSON.stringify(audit.body)).not.toMatch(/password for|argon2/);
  });

  it('a forged or stale cookie is refused', async () => {
    const fake = staffClient(base, 'oidv_console=not-a-real-token', 'x', {
      id: 'x',
      email: 'x',
      role: 'admin',
    });
    const r = await fake.json('GET', '/v1/cases');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/expired/);
  });

  it('`openidv users create` makes a console user from the command line', async () => {
    const env = {
      ...process.env,
      OPENIDV_DATA_DIR: server.db.dataDir,
      ...(server.db.databaseUrl && { DATABASE_URL: server.db.databaseUrl }),
      OPENIDV_LOG_LEVEL: 'silent',
    };
    const out = await run(
      process.execPath,
      [
        MAIN,
        'users',
        'create',
        '--email',
        'cli@example.com',
        '--password',
        'from the command line',
        '--role',
        'admin',
        '--application',
        server.api.applicationId,
        '--json',
      ],
      { env },
    );
    const u = JSON.parse(out.stdout);
    expect(u).toMatchObject({ email: 'cli@example.com', role: 'admin' });
    expect((await signIn(base, 'cli@example.com', 'from the command line')).status).toBe(200);
    const bad = await run(
      process.execPath,
      [
        MAIN,
        'users',
        'create',
        '--email',
        'x@example.com',
        '--password',
        'short',
        '--role',
        'admin',
        '--application',
        server.api.applicationId,
      ],
      { env },
    ).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/12 characters/);
  });
});
