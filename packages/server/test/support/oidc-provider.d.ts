// oidc-provider ships no type declarations (and @types/oidc-provider is not installed): the part the tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface ProviderClient {
    grantTypeAllowed(type: string): boolean;
  }
  interface ProviderAccessToken {
    accountId: string;
    isExpired: boolean;
    scopes: Set<string>;
  }
  interface ProviderConfiguration {
    clients: Record<string, unknown>[];
    scopes?: string[];
    features?: Record<string, { enabled: boolean }>;
    issueRefreshToken?: (ctx: unknown, client: ProviderClient, code: unknown) => Promise<boolean>;
    ttl?: Record<string, number>;
    findAccount: (
      ctx: unknown,
      id: string,
    ) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> }>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    AccessToken: { find(token: string): Promise<ProviderAccessToken | undefined> };
  }
}
