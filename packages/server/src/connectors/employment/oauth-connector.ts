import * as oauth from 'openid-client';
import {
  ConnectorError,
  type ConnectorTokens,
  type EmploymentConnector,
  type PendingAuthorization,
} from './connector.ts';
import { mapEmployments } from './mapping.ts';
import type { OAuthSourceConfig } from './source-config.ts';

/**
 * A source reached with OAuth 2.0 authorization code + PKCE (RFC 6749, 7636), revocation per RFC 7009. The
 * protocol is openid-client's; this class only knows the source's configuration and its response mapping.
 */
export class OAuthEmploymentConnector implements EmploymentConnector {
  readonly id: string;
  readonly name: string;
  readonly #config: OAuthSourceConfig;
  readonly #client: oauth.Configuration;

  constructor(config: OAuthSourceConfig) {
    this.id = config.id;
    this.name = config.name;
    this.#config = config;
    const server: oauth.ServerMetadata = {
      issuer: config.issuer ?? new URL(config.authorizationUrl).origin,
      authorization_endpoint: config.authorizationUrl,
      token_endpoint: config.tokenUrl,
      ...(config.revocationUrl && { revocation_endpoint: config.revocationUrl }),
    };
    this.#client = new oauth.Configuration(
      server,
      config.clientId,
      undefined,
      config.clientSecret ? oauth.ClientSecretBasic(config.clientSecret) : oauth.None(),
    );
    if (config.allowInsecureHttp) oauth.allowInsecureRequests(this.#client);
  }

  async authorizationUrl(redirectUri: string): Promise<{ url: string; pending: PendingAuthorization }> {
    const codeVerifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const url = oauth.buildAuthorizationUrl(this.#client, {
      redirect_uri: redirectUri,
      scope: this.#config.scopes.join(' '),
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    return { url: url.href, pending: { state, codeVerifier } };
  }

  async exchange(
    callbackUrl: URL,
    redirectUri: string,
    pending: PendingAuthorization,
  ): Promise<ConnectorTokens> {
    const error = callbackUrl.searchParams.get('error');
    if (error) throw new ConnectorError('SOURCE_DENIED', `The source answered "${error}".`);
    try {
      const tokens = await oauth.authorizationCodeGrant(
        this.#client,
        callbackUrl,
        { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, idTokenExpected: false },
        { redirect_uri: redirectUri },
      );
      return toTokens(tokens);
    } catch (e) {
      throw asConnectorError(e, 'exchange the authorization code');
    }
  }

  async refresh(tokens: ConnectorTokens): Promise<ConnectorTokens> {
    if (!tokens.refreshToken) throw new ConnectorError('SOURCE_DENIED', 'The source gave no refresh token.');
    try {
      const fresh = toTokens(await oauth.refreshTokenGrant(this.#client, tokens.refreshToken));
      // A source may keep the refresh token as it was (no rotation).
      return { ...fresh, refreshToken: fresh.refreshToken ?? tokens.refreshToken };
    } catch (e) {
      throw asConnectorError(e, 'refresh the access token');
    }
  }

  async fetchEmployments(tokens: ConnectorTokens) {
    let current = tokens;
    if (current.expiresAt !== null && current.expiresAt <= Date.now() && current.refreshToken) {
      current = await this.refresh(current);
    }
    let response = await this.#get(current.accessToken);
    if (response.status === 401 && current.refreshToken) {
      current = await this.refresh(current);
      response = await this.#get(current.accessToken);
    }
    if (response.status === 401 || response.status === 403) {
      throw new ConnectorError('SOURCE_DENIED', `The source refused the records (HTTP ${response.status}).`);
    }
    if (!response.ok) {
      throw new ConnectorError('SOURCE_UNAVAILABLE', `The source answered HTTP ${response.status}.`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ConnectorError('SOURCE_BAD_RESPONSE', 'The source answered something other than JSON.');
    }
    return { employments: mapEmployments(body, this.#config.mapping, this), tokens: current };
  }

  async revoke(tokens: ConnectorTokens): Promise<void> {
    if (!this.#config.revocationUrl) return;
    try {
      // Revoking the refresh token ends the grant; the access token goes with it at most servers, but not all.
      if (tokens.refreshToken)
        await oauth.tokenRevocation(this.#client, tokens.refreshToken, { token_type_hint: 'refresh_token' });
      await oauth.tokenRevocation(this.#client, tokens.accessToken, { token_type_hint: 'access_token' });
    } catch (e) {
      throw asConnectorError(e, 'revoke the tokens');
    }
  }

  async #get(accessToken: string): Promise<Response> {
    try {
      return await oauth.fetchProtectedResource(
        this.#client,
        accessToken,
        new URL(this.#config.resourceUrl),
        'GET',
      );
    } catch (e) {
      throw asConnectorError(e, 'read the records');
    }
  }
}

function toTokens(t: oauth.TokenEndpointResponse & oauth.TokenEndpointResponseHelpers): ConnectorTokens {
  const expiresIn = t.expiresIn();
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token ?? null,
    expiresAt: expiresIn === undefined ? null : Date.now() + expiresIn * 1000,
    scope: t.scope ?? null,
  };
}

function asConnectorError(e: unknown, doing: string): ConnectorError {
  if (e instanceof ConnectorError) return e;
  // The OAuth error code says what went wrong without carrying tokens or personal data.
  if (e instanceof oauth.ResponseBodyError)
    return new ConnectorError('SOURCE_DENIED', `Could not ${doing}: ${e.error}.`);
  return new ConnectorError(
    'SOURCE_UNAVAILABLE',
    `Could not ${doing}: ${e instanceof Error ? e.message : 'error'}.`,
  );
}
