import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connectors/employment/connector.ts';
import { OAuthEmploymentConnector } from '../../src/connectors/employment/oauth-connector.ts';
import { oauthSourceSchema } from '../../src/connectors/employment/source-config.ts';
import {
  consentAtSource,
  type PayrollSource,
  payrollSourceConfig,
  startPayrollSource,
} from '../support/oauth-source.ts';

const redirectUri = 'http://127.0.0.1:9/journey/callback';
let source: PayrollSource;
let connector: OAuthEmploymentConnector;

const mapping = {
  employments: 'data.employments',
  employer: 'employer.legal_name',
  jobTitle: 'title',
  startDate: 'start_date',
  endDate: 'end_date',
  annualGross: 'pay.annual_gross',
  payments: 'payslips',
  paymentDate: 'paid_on',
  paymentGross: 'gross',
  paymentNet: 'net',
};

beforeAll(async () => {
  source = await startPayrollSource({ redirectUris: [redirectUri], accessTokenTtlSeconds: 60 });
  source.records.set('jane', {
    data: {
      employments: [
        {
          employer: { legal_name: 'Globex Corporation' },
          title: 'Analyst',
          start_date: '2019-01-07',
          end_date: '2023-06-30',
          pay: { annual_gross: '40000' },
          payslips: [{ paid_on: '2023-06-30', gross: 3333.33, net: 2600.1 }],
        },
        { employer: {}, title: 'no employer: skipped' },
      ],
    },
  });
  connector = new OAuthEmploymentConnector(oauthSourceSchema.parse(payrollSourceConfig(source, mapping)));
});
afterAll(() => source.close());

async function authorize(login = 'jane') {
  const { url, pending } = await connector.authorizationUrl(redirectUri);
  const callback = await consentAtSource(url, login, redirectUri);
  return { tokens: await connector.exchange(callback, redirectUri, pending), pending, url };
}

describe('OAuth 2.0 authorization-code connector', () => {
  it('asks for the configured scopes with PKCE and state, exchanges the code, reads and maps the records', async () => {
    const { tokens, url } = await authorize();
    const auth = new URL(url);
    expect(auth.searchParams.get('scope')).toBe('payroll.read');
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('state')).toBeTruthy();
    expect(tokens.refreshToken).toBeTruthy();
    const { employments } = await connector.fetchEmployments(tokens);
    expect(employments).toEqual([
      {
        employer: 'Globex Corporation',
        jobTitle: 'Analyst',
        startDate: '2019-01-07',
        endDate: '2023-06-30',
        annualGross: 40000,
        payments: [{ date: '2023-06-30', gross: 3333.33, net: 2600.1 }],
        sources: [{ kind: 'connector', sourceId: 'payroll', sourceName: 'Test Payroll' }],
        confidence: 1,
      },
    ]);
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const { url, pending } = await connector.authorizationUrl(redirectUri);
    const callback = await consentAtSource(url, 'jane', redirectUri);
    await expect(
      connector.exchange(callback, redirectUri, { ...pending, state: 'other' }),
    ).rejects.toBeInstanceOf(ConnectorError);
  });

  it('reports a candidate who refused at the source', async () => {
    const { pending } = await connector.authorizationUrl(redirectUri);
    const denied = new URL(`${redirectUri}?error=access_denied&state=${pending.state}`);
    await expect(connector.exchange(denied, redirectUri, pending)).rejects.toMatchObject({
      code: 'SOURCE_DENIED',
    });
  });

  it('refreshes an access token the resource server no longer accepts, once', async () => {
    const { tokens } = await authorize();
    const stale = { ...tokens, accessToken: 'revoked-or-expired' };
    source.resourceHits.length = 0;
    const { employments, tokens: fresh } = await connector.fetchEmployments(stale);
    expect(source.resourceHits).toEqual([401, 200]);
    expect(fresh.accessToken).not.toBe('revoked-or-expired');
    expect(employments).toHaveLength(1);
  });

  it('revokes the grant: neither the access token nor the refresh token works afterwards', async () => {
    const { tokens } = await authorize();
    await connector.revoke(tokens);
    await expect(connector.refresh(tokens)).rejects.toMatchObject({ code: 'SOURCE_DENIED' });
    await expect(connector.fetchEmployments({ ...tokens, refreshToken: null })).rejects.toMatchObject({
      code: 'SOURCE_DENIED',
    });
  });

  it('reports a source that is down, and a response without the configured list', async () => {
    const { tokens } = await authorize();
    source.down = true;
    await expect(connector.fetchEmployments(tokens)).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    source.down = false;
    const other = await authorize('nobody');
    source.records.set('nobody', { unexpected: true });
    await expect(connector.fetchEmployments(other.tokens)).rejects.toMatchObject({
      code: 'SOURCE_BAD_RESPONSE',
    });
  });
});
