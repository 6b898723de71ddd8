import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A stand-in data source for tests: a real OAuth 2.0 authorization server (oidc-provider, with its development
 * login and consent pages) and a resource server of our own serving payroll records to valid access tokens.
 */
export interface PayrollSource {
  issuer: string;
  resourceUrl: string;
  clientId: string;
  clientSecret: string;
  /** Payroll records per account id (the login name typed at the source). */
  records: Map<string, unknown>;
  /** Requests the resource server answered, with the status it gave. */
  resourceHits: number[];
  /** When true, the resource server answers 503 (a source that is down). */
  down: boolean;
  provider: Provider;
  close(): Promise<void>;
}

/** openidv's configuration of this source as "Test Payroll", reading its records with `mapping`. */
export function payrollSourceConfig(source: PayrollSource, mapping: Record<string, string>) {
  return {
    id: 'payroll',
    name: 'Test Payroll',
    authorizationUrl: `${source.issuer}/auth`,
    tokenUrl: `${source.issuer}/token`,
    revocationUrl: `${source.issuer}/token/revocation`,
    clientId: source.clientId,
    clientSecret: source.clientSecret,
    scopes: ['payroll.read'],
    resourceUrl: source.resourceUrl,
    mapping,
    // The stand-in listens on loopback without TLS.
    allowInsecureHttp: true,
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

export async function startPayrollSource(options: {
  redirectUris: string[];
  accessTokenTtlSeconds?: number;
}): Promise<PayrollSource> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const authServer = createServer((req, res) => handler?.(req, res));
  const authPort = await listen(authServer);
  const issuer = `http://127.0.0.1:${authPort}`;
  const clientId = 'openidv-test';
  const clientSecret = 'test-secret-of-at-least-32-characters!!';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['payroll.read'],
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(grant: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 600 },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  });
  handler = provider.callback();

  const source: PayrollSource = {
    issuer,
    resourceUrl: '',
    clientId,
    clientSecret,
    records: new Map(),
    resourceHits: [],
    down: false,
    provider,
    close: async () => {
      await Promise.all([
        new Promise((r) => authServer.close(r)),
        new Promise((r) => resourceServer.close(r)),
      ]);
    },
  };
  const resourceServer = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      source.resourceHits.push(status);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (source.down) return answer(503, { error: 'down' });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const found = token ? await provider.AccessToken.find(token) : undefined;
    if (!found || found.isExpired || !found.scopes.has('payroll.read'))
      return answer(401, { error: 'invalid_token' });
    return answer(200, source.records.get(found.accountId) ?? { employments: [] });
  });
  source.resourceUrl = `http://127.0.0.1:${await listen(resourceServer)}/v1/payroll`;
  return source;
}

/**
 * Plays the candidate at the source over HTTP: follows the authorization URL, logs in as `login` and consents,
 * and returns the URL the source sends the browser back to (the redirect URI with the code).
 */
export async function consentAtSource(
  authorizationUrl: string,
  login: string,
  redirectPrefix: string,
): Promise<URL> {
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = new URL(authorizationUrl);
  for (let step = 0; step < 12; step++) {
    if (url.href.startsWith(redirectPrefix)) return url;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } });
    remember(res);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      continue;
    }
    const page = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (!prompt) throw new Error(`the source showed an unexpected page (${res.status})`);
    const form = new URLSearchParams({ prompt, ...(prompt === 'login' && { login, password: 'any' }) });
    const posted = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    remember(posted);
    url = new URL(posted.headers.get('location')!, url);
  }
  throw new Error('the source did not send the candidate back');
}
