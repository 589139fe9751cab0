import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { composeRoverSupergraph } from '../../scripts/local-stack/supergraph';
import { startHiveGateway, type HiveGateway } from '../../scripts/local-stack/hive-gateway';
import { loadConfig } from '../../src/config/config';
import type { AccountEntry } from '../../src/domain/account-entry';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';
import { createApp, type BillingApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { sandboxEntries } from '../support/harness';
import { startJwtIssuer, type JwtIssuer } from '../support/jwt-issuer';
import { startCompanion } from './companion/companion';
import { executorEnv } from '../support/executor';

// The supergraph as Apollo Router would run it, through a real gateway that accepts the SDL
// exactly as billing publishes it (@authenticated, @requiresScopes, @cost, @listSize, @tag):
// Hive Gateway, composed from rover.yaml's files, adding the router secret to billing's
// requests and forwarding the end user's JWT, with billing checking both.

const ROUTER_SECRET = 'hive-gateway-test-router-secret';
const PAYMENT_SCOPE = 'billing:payment:read';

/** The companion's companies own the accounts they list (test/federation/companion). */
const TENANTS: Record<string, string> = {
  'DIGIDONAR 1408847': 'lavi',
  'SIMPSY acme-voice': 'lavi',
  'DIGIDONAR 1620451': 'ganga',
  'SIMPSY lapsed-voice': 'ganga',
  'DIGIDONAR 1512093': 'kaveri',
  'SIMPSY northwind-calls': 'kaveri',
};

interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

interface Answer<TData = Record<string, unknown>> {
  status: number;
  text: string;
  body: { data?: TData | null; errors?: GraphQLError[]; extensions?: Record<string, unknown> };
}

const COMPANIES = /* GraphQL */ `
  query CompaniesWithBilling {
    companies {
      name
      telephonyAccounts { provider accountId profile { companyName } plan { name } }
    }
  }
`;

interface Company {
  name: string;
  telephonyAccounts: Array<{
    provider: string;
    accountId: string;
    profile: { companyName: string } | null;
    plan: { name: string } | null;
  }>;
}

let sandbox: Sandbox;
let issuer: JwtIssuer;
let billing: BillingApp;
let billingUrl: string;
let companion: { url: string; close(): Promise<void> };
let supergraphSdl: string;
let gateway: HiveGateway;
const client = new Agent();
/** The headers of every request billing received, as it received them. */
const billingHeaders: Array<Record<string, string | string[] | undefined>> = [];

async function post<TData = Record<string, unknown>>(
  url: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<Answer<TData>> {
  const response = await request(url, {
    dispatcher: client,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, body: JSON.parse(text) };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** A token of the three companies' tenants, with or without the payment scope. */
const token = (options: { tenants?: string[]; payment?: boolean } = {}) =>
  issuer.sign({
    tenant: options.tenants ?? ['lavi', 'ganga', 'kaveri'],
    scope: options.payment ? `openid ${PAYMENT_SCOPE}` : 'openid',
  });
/** Error codes by response path. */
const codesByPath = (answer: Answer<unknown>) =>
  Object.fromEntries((answer.body.errors ?? []).map((e) => [(e.path ?? []).join('.'), e.extensions?.code]));

beforeAll(async () => {
  sandbox = await startSandbox({ providers: INSTALLED_PROVIDERS });
  issuer = await startJwtIssuer();
  const config = loadConfig({
    ...executorEnv(),
    ...sandbox.env,
    LOG_LEVEL: 'silent',
    UPSTREAM_CACHE_TTL_SECONDS: '0',
    ROUTER_SECRET,
    JWT_JWKS_URL: issuer.jwksUrl,
    JWT_ISSUER: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
  });
  const accounts: AccountEntry[] = sandboxEntries(sandbox).map((entry) => ({
    ...entry,
    tenant: TENANTS[`${entry.provider} ${entry.accountId}`] ?? 'nobody',
  }));
  billing = await createApp({ config, accounts, logger: createLogger({ level: 'silent' }) });
  billing.http.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/graphql')) billingHeaders.push({ ...req.headers });
  });
  await billing.http.listen({ host: '127.0.0.1', port: 0 });
  billingUrl = `http://127.0.0.1:${(billing.http.server.address() as AddressInfo).port}/graphql`;
  companion = await startCompanion();

  // rover.yaml's own files (billing's schema.graphql, with every directive), at the real ports.
  supergraphSdl = composeRoverSupergraph({ urls: { billing: billingUrl, companies: companion.url } });
  gateway = await startHiveGateway({
    supergraphSdl,
    subgraphs: { billing: { forwardAuthorization: true, insert: { 'router-authorization': ROUTER_SECRET } } },
  });
});

afterAll(async () => {
  await gateway?.close();
  await billing?.close();
  await Promise.all([companion?.close(), sandbox?.close(), issuer?.close()]);
  await client.close();
});

describe('the supergraph through Hive Gateway', () => {
  it('composes from rover.yaml with the auth directives that @apollo/gateway refuses', () => {
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)');
    expect(supergraphSdl).toMatch(/paymentMethod: PaymentMethod @join__field\(graph: BILLING\) @requiresScopes/);
  });

  it('billing refuses a request without the router secret, and gets it and the JWT through the gateway', async () => {
    const direct = await post(billingUrl, '{ _service { sdl } }');
    expect(direct.status).toBe(401);
    expect(direct.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    billingHeaders.length = 0;
    const jwt = await token();
    const answer = await post(gateway.url, '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }', bearer(jwt));
    expect(answer.body).toEqual({ data: { account: { accountId: 'acme-voice' } } });
    expect(billingHeaders).toHaveLength(1);
    expect(billingHeaders[0]?.['router-authorization']).toBe(ROUTER_SECRET);
    expect(billingHeaders[0]?.authorization).toBe(`Bearer ${jwt}`);
  });

  it('joins billing onto the companion accounts; the failed payment keeps its code and details', async () => {
    const upstreamBefore = sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY');
    const answer = await post<{ companies: Company[] }>(gateway.url, COMPANIES, bearer(await token()));
    expect(answer.status).toBe(200);

    const accounts = (answer.body.data?.companies ?? []).flatMap((c) => c.telephonyAccounts);
    expect(answer.body.data?.companies.map((c) => c.name)).toEqual(['Lavi Group', 'Ganga Handlooms', 'Kaveri Freight Lines']);
    expect(accounts).toEqual([
      { provider: 'DIGIDONAR', accountId: '1408847', profile: { companyName: 'Lavi' }, plan: null },
      { provider: 'SIMPSY', accountId: 'acme-voice', profile: null, plan: { name: 'Small-Medium Enterprise' } },
      { provider: 'DIGIDONAR', accountId: '1620451', profile: { companyName: 'Ganga Handlooms' }, plan: null },
      { provider: 'SIMPSY', accountId: 'lapsed-voice', profile: null, plan: null },
      { provider: 'DIGIDONAR', accountId: '1512093', profile: { companyName: 'Kaveri Freight Lines' }, plan: null },
      { provider: 'SIMPSY', accountId: 'northwind-calls', profile: null, plan: { name: 'Startup' } },
    ]);

    // Hive Gateway reports an entity's error on each billing field asked of it, at a path without
    // the account's index in the list (Apollo's gateway puts one error on the account); the
    // message and every extension billing sent arrive as sent, plus the subgraph's name.
    const errors = answer.body.errors ?? [];
    expect(errors.map((e) => e.path?.at(-1)).sort()).toEqual(['plan', 'profile']);
    for (const error of errors) {
      expect(error).toEqual({
        message: expect.stringMatching(/failed payment/),
        path: expect.arrayContaining(['companies', 1, 'telephonyAccounts']),
        extensions: {
          code: 'UPSTREAM_PAYMENT_REQUIRED',
          provider: 'SIMPSY',
          accountId: 'lapsed-voice',
          upstreamStatus: '300',
          serviceName: 'billing',
        },
      });
    }
    // One upstream call per account: the gateway sent billing one _entities call for all six.
    expect(sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY') - upstreamBefore).toBe(6);
  });

  it('root fields: an unknown account is ACCOUNT_NOT_FOUND, the lapsed one UPSTREAM_PAYMENT_REQUIRED, each at its own path', async () => {
    const answer = await post(
      gateway.url,
      `{
        ok: account(provider: DIGIDONAR, accountId: "1408847") { accountId profile { companyName } }
        missing: account(provider: SIMPSY, accountId: "no-such-account") { accountId }
        lapsed: account(provider: SIMPSY, accountId: "lapsed-voice") { accountId plan { name } }
      }`,
      bearer(await token()),
    );
    expect(answer.body.data).toEqual({
      ok: { accountId: '1408847', profile: { companyName: 'Lavi' } },
      missing: null,
      lapsed: null,
    });
    expect(codesByPath(answer)).toEqual({ missing: 'ACCOUNT_NOT_FOUND', lapsed: 'UPSTREAM_PAYMENT_REQUIRED' });
    const missing = answer.body.errors?.find((e) => e.path?.[0] === 'missing');
    expect(missing?.extensions).toEqual({
      code: 'ACCOUNT_NOT_FOUND',
      provider: 'SIMPSY',
      accountId: 'no-such-account',
      serviceName: 'billing',
    });
  });

  it('without a JWT, every account is UNAUTHENTICATED on its own, and the companion still answers', async () => {
    const upstreamBefore = sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY');
    const list = await post(
      gateway.url,
      `{ accounts(keys: [
          { provider: DIGIDONAR, accountId: "1408847" }
          { provider: SIMPSY, accountId: "acme-voice" }
          { provider: SIMPSY, accountId: "no-such-account" }
        ]) { accountId } }`,
    );
    expect(list.body.data).toEqual({ accounts: [null, null, null] });
    expect(codesByPath(list)).toEqual({
      'accounts.0': 'UNAUTHENTICATED',
      'accounts.1': 'UNAUTHENTICATED',
      'accounts.2': 'UNAUTHENTICATED',
    });

    const joined = await post<{ companies: Company[] }>(gateway.url, COMPANIES);
    expect(joined.body.data?.companies.map((c) => c.name)).toEqual(['Lavi Group', 'Ganga Handlooms', 'Kaveri Freight Lines']);
    for (const account of joined.body.data?.companies.flatMap((c) => c.telephonyAccounts) ?? []) {
      expect(account).toEqual({ provider: account.provider, accountId: account.accountId, profile: null, plan: null });
    }
    // Six accounts, two billing fields each.
    const errors = joined.body.errors ?? [];
    expect(errors).toHaveLength(12);
    expect(new Set(errors.map((e) => e.extensions?.code))).toEqual(new Set(['UNAUTHENTICATED']));
    // Every one of the six accounts has its own error.
    expect(new Set(errors.map((e) => e.path?.slice(0, 2).join('.')))).toEqual(
      new Set(['companies.0', 'companies.1', 'companies.2']),
    );
    expect(sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY')).toBe(upstreamBefore);
  });

  it("another tenant's account reads as one that does not exist; payment details need the payment scope", async () => {
    const lavi = await token({ tenants: ['lavi'] });
    const query = `{
      mine: account(provider: SIMPSY, accountId: "acme-voice") { accountId paymentMethod { last4 } }
      theirs: account(provider: SIMPSY, accountId: "northwind-calls") { accountId }
    }`;
    const withoutScope = await post(gateway.url, query, bearer(lavi));
    expect(withoutScope.body.data).toEqual({ mine: { accountId: 'acme-voice', paymentMethod: null }, theirs: null });
    expect(codesByPath(withoutScope)).toEqual({ 'mine.paymentMethod': 'FORBIDDEN', theirs: 'ACCOUNT_NOT_FOUND' });

    const withScope = await post(gateway.url, query, bearer(await token({ tenants: ['lavi'], payment: true })));
    expect(withScope.body.data).toEqual({ mine: { accountId: 'acme-voice', paymentMethod: { last4: '1111' } }, theirs: null });
    expect(codesByPath(withScope)).toEqual({ theirs: 'ACCOUNT_NOT_FOUND' });
  });

  it('a badly signed JWT is refused by billing before any GraphQL runs', async () => {
    const forged = await issuer.sign({ tenant: ['lavi'] }, { key: 'unrelated' });
    const upstreamBefore = sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY');
    const answer = await post(gateway.url, '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }', bearer(forged));
    expect(answer.body.data ?? { account: null }).toEqual({ account: null });
    expect((answer.body.errors ?? []).map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY')).toBe(upstreamBefore);
    expect(answer.text).not.toContain(forged);
  });

  it('a gateway without the router secret gets nothing from billing', async () => {
    const misconfigured = await startHiveGateway({ supergraphSdl, subgraphs: { billing: { forwardAuthorization: true } } });
    try {
      const answer = await post(
        misconfigured.url,
        '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } } }',
        bearer(await token()),
      );
      expect(answer.body.data ?? { account: null }).toEqual({ account: null });
      expect((answer.body.errors ?? []).map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
      expect(answer.text).not.toContain('Small-Medium Enterprise');
    } finally {
      await misconfigured.close();
    }
  });
});

describe("Hive Gateway's demand control reads billing's @cost and @listSize", () => {
  let costed: HiveGateway;

  beforeAll(async () => {
    costed = await startHiveGateway({
      supergraphSdl,
      subgraphs: { billing: { forwardAuthorization: true, insert: { 'router-authorization': ROUTER_SECRET } } },
      demandControl: { maxCost: 500, includeExtensionMetadata: true },
    });
  });

  afterAll(async () => {
    await costed?.close();
  });

  const estimated = (answer: Answer<unknown>) => (answer.body.extensions?.cost as { estimated?: number } | undefined)?.estimated;

  it('an account costs its load (10) and each object in it 1; invoices their own load and `first` items', async () => {
    const jwt = bearer(await token());
    const one = await post(costed.url, '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } } }', jwt);
    expect(one.body.data).toEqual({ account: { accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' } } });
    expect(estimated(one)).toBe(10 + 1);

    const invoices = (first: number) =>
      post(costed.url, `{ account(provider: SIMPSY, accountId: "acme-voice") { invoices(first: ${first}) { nodes { id } } } }`, jwt);
    // account 10 + invoices' load 10 + the connection object 1 + `first` nodes.
    expect(estimated(await invoices(2))).toBe(10 + 10 + 1 + 2);
    expect(estimated(await invoices(50))).toBe(10 + 10 + 1 + 50);
  });

  it('rejects, before calling billing, what costs more than the maximum: accounts is sized at 100, the overview at 50 loads', async () => {
    const jwt = bearer(await token());
    billingHeaders.length = 0;
    const list = await post(costed.url, '{ accounts(keys: [{ provider: SIMPSY, accountId: "acme-voice" }]) { accountId } }', jwt);
    expect(list.body.errors?.map((e) => e.extensions?.code)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(list.body.data ?? null).toBeNull();

    const overview = await post(costed.url, '{ billingOverview { needingAttention } }', jwt);
    expect(overview.body.errors?.map((e) => e.extensions?.code)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(billingHeaders).toHaveLength(0);
  });
});
