import { SignJWT } from 'jose';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/config-error';
import { loadSecurityConfig } from '../../src/config/security-config';
import type { AccountEntry } from '../../src/domain/account-entry';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';
import { createApp, type BillingApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { sandboxEntries } from '../support/harness';
import { startJwtIssuer, type JwtIssuer } from '../support/jwt-issuer';
import { executorEnv } from '../support/executor';

// The end user's JWT as the router forwards it: a bad token is a 401 before any GraphQL; a
// missing one is anonymous; a valid one reads its own tenants' accounts only, and payment
// details only with the payment scope.

/** Which tenant owns each sandbox account; the rest belong to a tenant no token here names. */
const TENANTS: Record<string, string> = {
  'DIGIDONAR 1408847': 'lavi',
  'SIMPSY acme-voice': 'lavi',
  'SIMPSY northwind-calls': 'northwind',
};

const withTenants = (sandbox: Sandbox): AccountEntry[] =>
  sandboxEntries(sandbox).map((entry) => ({ ...entry, tenant: TENANTS[`${entry.provider} ${entry.accountId}`] ?? 'elsewhere' }));

interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLError[] };
}

/** Everything any server wrote, for the leak checks. */
const responses: string[] = [];
const logs: string[] = [];
const destination = { write: (line: string) => void logs.push(line) };
/** Every token and Authorization value sent, for the leak checks. */
const credentials: string[] = [];

interface JwtApp {
  app: BillingApp;
  url: string;
}

/** The subgraph as the harness builds it, but with tenants on every account and JWT verification on. */
async function startJwtApp(sandbox: Sandbox, env: Record<string, string>): Promise<JwtApp> {
  const config = loadConfig({
    ...executorEnv(),
    ...sandbox.env,
    LOG_LEVEL: 'silent',
    UPSTREAM_CACHE_TTL_SECONDS: '0',
    ...env,
  });
  const app = await createApp({ config, accounts: withTenants(sandbox), logger: createLogger({ level: 'trace', destination }) });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { app, url: `http://127.0.0.1:${address.port}/graphql` };
}

/** Posts an operation; `auth` is a JWT (sent as Bearer) or a whole Authorization value. */
async function gql(url: string, query: string, options: { token?: string; authorization?: string; variables?: unknown } = {}): Promise<Answer> {
  const authorization = options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (authorization !== undefined) credentials.push(authorization);
  if (options.token !== undefined) credentials.push(options.token);
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query, variables: options.variables }),
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const text = await response.body.text();
  responses.push(text);
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text, body: JSON.parse(text) };
}

const codesAt = (answer: Answer) =>
  Object.fromEntries((answer.body.errors ?? []).map((error) => [(error.path ?? []).join('.'), error.extensions?.code]));

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { provider accountId } } }';
const representation = (provider: 'DIGIDONAR' | 'SIMPSY', accountId: string) => ({ __typename: 'Account', provider, accountId });
const LAVI_AND_NORTHWIND = `{
  simpsy: account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } }
  digi: account(provider: DIGIDONAR, accountId: "1408847") { accountId profile { companyName } }
  other: account(provider: SIMPSY, accountId: "northwind-calls") { accountId plan { name } }
  list: accounts(keys: [
    { provider: SIMPSY, accountId: "northwind-calls" }
    { provider: DIGIDONAR, accountId: "1408847" }
    { provider: SIMPSY, accountId: "acme-voice" }
  ]) { provider accountId }
}`;
const PAYMENT = '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } paymentMethod { type last4 } } }';

let sandbox: Sandbox;
let issuer: JwtIssuer;
const upstream = () => sandbox.requestCount('DIGIDONAR') + sandbox.requestCount('SIMPSY');

beforeAll(async () => {
  sandbox = await startSandbox({ providers: INSTALLED_PROVIDERS });
  issuer = await startJwtIssuer();
});

afterAll(async () => {
  await sandbox?.close();
  await issuer?.close();
});

const MODES: Array<[string, () => Record<string, string>, boolean]> = [
  ['JWT_JWKS_URL', () => ({ JWT_JWKS_URL: issuer.jwksUrl }), true],
  ['JWT_PUBLIC_KEY', () => ({ JWT_PUBLIC_KEY: issuer.publicKeyPem }), false],
];

describe.each(MODES)('JWT verification with %s', (_mode, keyEnv, jwks) => {
  let subgraph: JwtApp;
  let url: string;

  beforeAll(async () => {
    subgraph = await startJwtApp(sandbox, { ...keyEnv(), JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience });
    url = subgraph.url;
  });

  afterAll(async () => {
    await subgraph?.app.close();
  });

  describe('a bad Authorization header is a 401 before any GraphQL', () => {
    const refused: Array<[string, () => Promise<{ authorization: string }>]> = [
      ['an expired token', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi', exp: issuer.now() - 3_600 })}` })],
      ['a token signed by another key (same kid)', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi' }, { key: 'unrelated' })}` })],
      ['a token signed by another key (its own kid)', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi' }, { key: 'unrelated', kid: 'someone-else' })}` })],
      ['a token for another audience', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi', aud: 'another-api' })}` })],
      ['a token from another issuer', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi', iss: 'https://evil.test/' })}` })],
      ['a token without exp', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi', exp: null })}` })],
      ['a token not valid before an hour from now', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi', nbf: issuer.now() + 3_600 })}` })],
      ['alg none, empty signature', async () => ({ authorization: `Bearer ${issuer.unsigned({ tenant: 'lavi' })}` })],
      ['alg none, with a signature part', async () => ({ authorization: `Bearer ${issuer.unsigned({ tenant: 'lavi' })}c2lnbmF0dXJl` })],
      [
        'HS256 keyed with the public key (algorithm confusion)',
        async () => ({
          authorization: `Bearer ${await new SignJWT({ tenant: 'lavi' })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(issuer.issuer)
            .setAudience(issuer.audience)
            .setExpirationTime('10m')
            .sign(new TextEncoder().encode(issuer.publicKeyPem))}`,
        }),
      ],
      ['a signature of another token', async () => {
        const [header, payload] = (await issuer.sign({ tenant: 'northwind' })).split('.');
        const signature = (await issuer.sign({ tenant: 'lavi' })).split('.')[2];
        return { authorization: `Bearer ${header}.${payload}.${signature}` };
      }],
      ['"Bearer x"', async () => ({ authorization: 'Bearer x' })],
      ['"Basic ..."', async () => ({ authorization: `Basic ${Buffer.from('user:password').toString('base64')}` })],
      ['a token without the Bearer scheme', async () => ({ authorization: await issuer.sign({ tenant: 'lavi' }) })],
      ['a token followed by garbage', async () => ({ authorization: `Bearer ${await issuer.sign({ tenant: 'lavi' })} trailing` })],
      ['"Bearer" alone', async () => ({ authorization: 'Bearer' })],
      ['two dots only', async () => ({ authorization: 'Bearer ..' })],
      ['a token of random base64url parts', async () => ({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnQiOiJsYXZpIn0.AAAA' })],
    ];

    test.each(refused)('%s: HTTP 401 UNAUTHENTICATED, no data, no upstream call', async (_name, make) => {
      const { authorization } = await make();
      const before = upstream();
      const answer = await gql(url, LAVI_AND_NORTHWIND, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(upstream()).toBe(before);
      // The refusal says why, without echoing the token.
      const token = authorization.replace(/^\S+\s+/, '');
      if (token.length > 8) expect(answer.text).not.toContain(token);
    });
  });

  describe('no token: anonymous', () => {
    test('root fields: each account null with UNAUTHENTICATED, no upstream call', async () => {
      const before = upstream();
      const answer = await gql(
        url,
        `{
          simpsy: account(provider: SIMPSY, accountId: "acme-voice") { accountId }
          digi: account(provider: DIGIDONAR, accountId: "1408847") { accountId }
        }`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ simpsy: null, digi: null });
      expect(codesAt(answer)).toEqual({ simpsy: 'UNAUTHENTICATED', digi: 'UNAUTHENTICATED' });
      expect(upstream()).toBe(before);
    });

    test('accounts: each account null with its own UNAUTHENTICATED; the response keeps its data', async () => {
      const before = upstream();
      const answer = await gql(
        url,
        `{
          accounts(keys: [{ provider: SIMPSY, accountId: "acme-voice" }, { provider: DIGIDONAR, accountId: "1408847" }]) { accountId }
          _service { sdl }
        }`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.data).not.toBeNull();
      expect(answer.body.data?.accounts).toEqual([null, null]);
      expect(codesAt(answer)).toEqual({ 'accounts.0': 'UNAUTHENTICATED', 'accounts.1': 'UNAUTHENTICATED' });
      expect(upstream()).toBe(before);
    });

    test('_entities: each representation null with UNAUTHENTICATED, no upstream call', async () => {
      const before = upstream();
      const answer = await gql(url, ENTITIES, {
        variables: { r: [representation('SIMPSY', 'acme-voice'), representation('SIMPSY', 'northwind-calls'), representation('DIGIDONAR', '1408847')] },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ _entities: [null, null, null] });
      expect(codesAt(answer)).toEqual({ '_entities.0': 'UNAUTHENTICATED', '_entities.1': 'UNAUTHENTICATED', '_entities.2': 'UNAUTHENTICATED' });
      expect(upstream()).toBe(before);
    });

    test('_service { sdl } still answers: composition needs it', async () => {
      const answer = await gql(url, '{ _service { sdl } }');
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      const { sdl } = (answer.body.data as { _service: { sdl: string } })._service;
      expect(sdl).toContain('type Account');
      expect(sdl).toContain('@key(fields: "provider accountId")');
    });
  });

  describe('a valid token of tenant "lavi"', () => {
    test("root fields: lavi's accounts resolve; northwind's is null with ACCOUNT_NOT_FOUND, in the same request", async () => {
      const token = await issuer.sign({ tenant: 'lavi', sub: 'user-lavi' });
      const simpsy = sandbox.requestCount('SIMPSY');
      const digi = sandbox.requestCount('DIGIDONAR');
      const answer = await gql(url, LAVI_AND_NORTHWIND, { token });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({
        simpsy: { accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' } },
        digi: { accountId: '1408847', profile: { companyName: expect.any(String) } },
        other: null,
        list: [null, { provider: 'DIGIDONAR', accountId: '1408847' }, { provider: 'SIMPSY', accountId: 'acme-voice' }],
      });
      expect(codesAt(answer)).toEqual({ other: 'ACCOUNT_NOT_FOUND', 'list.0': 'ACCOUNT_NOT_FOUND' });
      const hidden = answer.body.errors?.find((error) => error.path?.[0] === 'other');
      expect(hidden?.extensions).toEqual({ code: 'ACCOUNT_NOT_FOUND', provider: 'SIMPSY', accountId: 'northwind-calls' });
      // One call per lavi account; none for northwind's.
      expect(sandbox.requestCount('SIMPSY') - simpsy).toBe(1);
      expect(sandbox.requestCount('DIGIDONAR') - digi).toBe(1);
    });

    test("another tenant's account alone costs zero upstream calls", async () => {
      const token = await issuer.sign({ tenant: 'lavi' });
      const before = upstream();
      const answer = await gql(url, '{ account(provider: SIMPSY, accountId: "northwind-calls") { accountId plan { name } } }', { token });
      expect(answer.body.data).toEqual({ account: null });
      expect(codesAt(answer)).toEqual({ account: 'ACCOUNT_NOT_FOUND' });
      const entities = await gql(url, ENTITIES, { token, variables: { r: [representation('SIMPSY', 'northwind-calls'), representation('DIGIDONAR', '1512093')] } });
      expect(entities.body.data).toEqual({ _entities: [null, null] });
      expect(codesAt(entities)).toEqual({ '_entities.0': 'ACCOUNT_NOT_FOUND', '_entities.1': 'ACCOUNT_NOT_FOUND' });
      expect(upstream()).toBe(before);
    });

    test("_entities: lavi's accounts resolve, northwind's is null with ACCOUNT_NOT_FOUND, zero calls for it", async () => {
      const token = await issuer.sign({ tenant: 'lavi' });
      const simpsy = sandbox.requestCount('SIMPSY');
      const digi = sandbox.requestCount('DIGIDONAR');
      const answer = await gql(url, ENTITIES, {
        token,
        variables: { r: [representation('SIMPSY', 'northwind-calls'), representation('SIMPSY', 'acme-voice'), representation('DIGIDONAR', '1408847')] },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({
        _entities: [null, { provider: 'SIMPSY', accountId: 'acme-voice' }, { provider: 'DIGIDONAR', accountId: '1408847' }],
      });
      expect(codesAt(answer)).toEqual({ '_entities.0': 'ACCOUNT_NOT_FOUND' });
      expect(sandbox.requestCount('SIMPSY') - simpsy).toBe(1);
      expect(sandbox.requestCount('DIGIDONAR') - digi).toBe(1);
    });

    test("invoices follow the account: lavi's own resolve; another tenant's, or no token, cost no invoice call", async () => {
      const query = `query($r: [_Any!]!) {
        own: account(provider: SIMPSY, accountId: "acme-voice") { accountId invoices(first: 2) { totalCount nodes { id } } }
        other: account(provider: SIMPSY, accountId: "northwind-calls") { accountId invoices(first: 2) { totalCount } }
        _entities(representations: $r) { ... on Account { accountId invoices { totalCount } } }
      }`;
      const variables = { r: [representation('SIMPSY', 'northwind-calls')] };
      const invoiceCalls = () => sandbox.requestCount('SIMPSY', '/billing/invoice');
      const before = invoiceCalls();
      const answer = await gql(url, query, { token: await issuer.sign({ tenant: 'lavi' }), variables });
      expect(answer.body.data).toEqual({
        own: { accountId: 'acme-voice', invoices: { totalCount: 4, nodes: [{ id: 'INV-2018-0408' }, { id: 'INV-2018-0308' }] } },
        other: null,
        _entities: [null],
      });
      expect(codesAt(answer)).toEqual({ other: 'ACCOUNT_NOT_FOUND', '_entities.0': 'ACCOUNT_NOT_FOUND' });
      expect(invoiceCalls() - before).toBe(1);

      const anonymous = await gql(url, query, { variables });
      expect(anonymous.body.data).toEqual({ own: null, other: null, _entities: [null] });
      expect(codesAt(anonymous)).toEqual({ own: 'UNAUTHENTICATED', other: 'UNAUTHENTICATED', '_entities.0': 'UNAUTHENTICATED' });
      expect(invoiceCalls() - before).toBe(1);
    });

    test('paymentMethod without the scope: that field null with FORBIDDEN, the rest of the account resolves', async () => {
      const token = await issuer.sign({ tenant: 'lavi', scope: 'openid billing:read' });
      const answer = await gql(url, PAYMENT, { token });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ account: { accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' }, paymentMethod: null } });
      expect(codesAt(answer)).toEqual({ 'account.paymentMethod': 'FORBIDDEN' });
    });

    test("paymentMethod with scope 'billing:payment:read' (space-separated scope claim) resolves", async () => {
      const token = await issuer.sign({ tenant: 'lavi', scope: 'openid billing:payment:read profile' });
      const answer = await gql(url, PAYMENT, { token });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toEqual({
        account: { accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' }, paymentMethod: { type: expect.any(String), last4: '1111' } },
      });
    });

    test('a scope that only contains the payment scope as a substring does not count', async () => {
      const token = await issuer.sign({ tenant: 'lavi', scope: 'billing:payment:readonly xbilling:payment:read' });
      const answer = await gql(url, PAYMENT, { token });
      expect(codesAt(answer)).toEqual({ 'account.paymentMethod': 'FORBIDDEN' });
    });

    test('a tenant claim listing several tenants reads the accounts of each', async () => {
      const token = await issuer.sign({ tenant: ['northwind', 'lavi'] });
      const before = upstream();
      const answer = await gql(url, LAVI_AND_NORTHWIND, { token });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toMatchObject({
        simpsy: { accountId: 'acme-voice' },
        digi: { accountId: '1408847' },
        other: { accountId: 'northwind-calls', plan: { name: expect.any(String) } },
      });
      expect(upstream() - before).toBe(3);
    });

    test('a token without a tenant, or with a tenant of no account, reads nothing and costs nothing', async () => {
      const before = upstream();
      for (const claims of [{}, { tenant: 'nobody' }, { tenant: [] as string[] }, { tenant: 42 }, { tenant: { lavi: true } }]) {
        const answer = await gql(url, LAVI_AND_NORTHWIND, { token: await issuer.sign(claims) });
        expect(answer.status).toBe(200);
        const hidden = 'ACCOUNT_NOT_FOUND';
        expect(codesAt(answer)).toEqual({ simpsy: hidden, digi: hidden, other: hidden, 'list.0': hidden, 'list.1': hidden, 'list.2': hidden });
      }
      expect(upstream()).toBe(before);
    });

    test('a token still valid within the clock tolerance (expired 10 s ago) is accepted', async () => {
      const token = await issuer.sign({ tenant: 'lavi', exp: issuer.now() - 10 });
      const answer = await gql(url, '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }', { token });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ account: { accountId: 'acme-voice' } });
    });

    if (jwks) {
      test('an ES256 token from the JWKS is accepted too', async () => {
        const token = await issuer.sign({ tenant: 'lavi' }, { key: 'es256' });
        const answer = await gql(url, '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }', { token });
        expect(answer.status).toBe(200);
        expect(answer.body.data).toEqual({ account: { accountId: 'acme-voice' } });
      });

      test('tokens with unknown kids do not make the subgraph fetch the JWKS for each one', async () => {
        const before = issuer.jwksRequests();
        for (let i = 0; i < 5; i += 1) {
          const answer = await gql(url, '{ __typename }', { token: await issuer.sign({ tenant: 'lavi' }, { kid: `unknown-${i}` }) });
          expect(answer.status).toBe(401);
        }
        expect(issuer.jwksRequests() - before).toBeLessThanOrEqual(1);
      });
    } else {
      test('an ES256 token cannot pass for the configured RSA key', async () => {
        const answer = await gql(url, '{ __typename }', { token: await issuer.sign({ tenant: 'lavi' }, { key: 'es256' }) });
        expect(answer.status).toBe(401);
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      });
    }

    test('the request log names the codes the client saw', async () => {
      const token = await issuer.sign({ tenant: 'lavi' });
      const from = logs.length;
      const answer = await gql(url, `{ a: account(provider: SIMPSY, accountId: "northwind-calls") { accountId } b: ${PAYMENT.slice(2, -2)} }`, { token });
      const clientCodes = [...new Set((answer.body.errors ?? []).map((error) => error.extensions?.code))].sort();
      expect(clientCodes).toEqual(['ACCOUNT_NOT_FOUND', 'FORBIDDEN']);
      const line = logs.slice(from).map((text) => JSON.parse(text) as { msg?: string; errorCodes?: string[] }).find((entry) => entry.msg === 'graphql request');
      expect([...(line?.errorCodes ?? [])].sort()).toEqual(clientCodes);
    });
  });
});

describe("another tenant's account cannot be told from an unknown one", () => {
  let subgraph: JwtApp;
  let token: string;

  beforeAll(async () => {
    subgraph = await startJwtApp(sandbox, { JWT_PUBLIC_KEY: issuer.publicKeyPem, JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience });
    token = await issuer.sign({ tenant: 'lavi', scope: 'billing:payment:read' });
  });

  afterAll(async () => {
    await subgraph?.app.close();
  });

  /** Status, Cache-Control and body of a request, with the probed id replaced by a placeholder. */
  async function seen(query: string, id: string, variables?: unknown) {
    const response = await request(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.body.text();
    responses.push(text);
    return { status: response.statusCode, cacheControl: response.headers['cache-control'], body: text.split(id).join('<ID>') };
  }

  // Existing ids of other tenants (northwind, elsewhere), each beside an id that exists nowhere.
  const PROBES: Array<[provider: 'SIMPSY' | 'DIGIDONAR', existing: string, unknown: string]> = [
    ['SIMPSY', 'northwind-calls', 'northwind-callz'],
    ['SIMPSY', 'lapsed-voice', 'lapsed-voicx'],
    ['DIGIDONAR', '1512093', '1512094'],
  ];

  test.each(PROBES)('%s %s: the same answer as an unknown id, through account, accounts and _entities', async (provider, existing, unknown) => {
    const shapes: Array<[string, (id: string) => unknown]> = [
      [`query($id: ID!) { account(provider: ${provider}, accountId: $id) { accountId plan { name } invoices { totalCount } } }`, (id) => ({ id })],
      // Beside an unknown key before it and a readable one after, so the order of errors is compared too.
      [
        'query($k: [AccountKeyInput!]!) { accounts(keys: $k) { accountId } }',
        (id) => ({ k: [{ provider, accountId: 'nowhere-1' }, { provider, accountId: id }, { provider: 'SIMPSY', accountId: 'acme-voice' }] }),
      ],
      [
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { accountId invoices { totalCount } } } }',
        (id) => ({ r: [representation(provider, 'nowhere-2'), representation(provider, id), representation('SIMPSY', 'acme-voice')] }),
      ],
    ];
    const before = upstream();
    for (const [query, variables] of shapes) {
      const other = await seen(query, existing, variables(existing));
      const none = await seen(query, unknown, variables(unknown));
      expect(other).toEqual(none);
      expect(other.body).toContain('ACCOUNT_NOT_FOUND');
      expect(other.body).not.toMatch(/FORBIDDEN|tenant/i);
    }
    // acme-voice only (no cache here): its details in 4 requests, its invoices in the 2 _entities ones.
    expect(upstream() - before).toBe(6);
  });

  test('billingOverview shows nothing of other tenants: not their ids, counts or totals', async () => {
    const answer = await gql(subgraph.url, `{ billingOverview {
      needingAttention accountsWithoutMonthlyTotal monthlyTotals { amount currency }
      accounts { provider accountId attention problem { code message } account { accountId } }
    } }`, { token });
    expect(answer.body.errors).toBeUndefined();
    const overview = (answer.body.data as { billingOverview: { accounts: Array<{ accountId: string }>; monthlyTotals: unknown; accountsWithoutMonthlyTotal: number } }).billingOverview;
    expect(overview.accounts.map((a) => a.accountId).sort()).toEqual(['1408847', 'acme-voice']);
    // acme-voice's $177.70 alone: northwind's $60.00 is not summed in.
    expect(overview.monthlyTotals).toEqual([{ amount: '177.70', currency: 'USD' }]);
    expect(overview.accountsWithoutMonthlyTotal).toBe(0);
    for (const other of ['northwind', 'lapsed-voice', '1512093', '1620451']) expect(answer.text).not.toContain(other);
  });

  test('a missing scope is still FORBIDDEN: it names a field, not an account', async () => {
    const scopeless = await issuer.sign({ tenant: 'lavi' });
    const answer = await gql(subgraph.url, PAYMENT, { token: scopeless });
    expect(codesAt(answer)).toEqual({ 'account.paymentMethod': 'FORBIDDEN' });
  });
});

describe('JWT claims configuration', () => {
  let subgraph: JwtApp;

  beforeAll(async () => {
    subgraph = await startJwtApp(sandbox, {
      // The PEM as it fits in one environment variable line, with \n escapes.
      JWT_PUBLIC_KEY: issuer.publicKeyPem.replace(/\n/g, '\\n'),
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: issuer.audience,
      JWT_SCOPE_CLAIM: 'scp',
      JWT_TENANT_CLAIM: 'https://billing.test/tenants',
    });
  });

  afterAll(async () => {
    await subgraph?.app.close();
  });

  test('scopes as an array claim (JWT_SCOPE_CLAIM=scp) grant paymentMethod', async () => {
    const token = await issuer.sign({ 'https://billing.test/tenants': ['lavi'], scp: ['openid', 'billing:payment:read'] });
    const answer = await gql(subgraph.url, PAYMENT, { token });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toMatchObject({ account: { paymentMethod: { last4: '1111' } } });
  });

  test('with JWT_SCOPE_CLAIM=scp, the scope claim grants nothing', async () => {
    const token = await issuer.sign({ 'https://billing.test/tenants': 'lavi', scope: 'billing:payment:read', scp: ['openid'] });
    const answer = await gql(subgraph.url, PAYMENT, { token });
    expect(answer.body.data).toMatchObject({ account: { accountId: 'acme-voice', paymentMethod: null } });
    expect(codesAt(answer)).toEqual({ 'account.paymentMethod': 'FORBIDDEN' });
  });

  test('with a custom JWT_TENANT_CLAIM, the tenant claim grants nothing', async () => {
    const before = upstream();
    const answer = await gql(subgraph.url, '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }', {
      token: await issuer.sign({ tenant: 'lavi' }),
    });
    expect(codesAt(answer)).toEqual({ account: 'ACCOUNT_NOT_FOUND' });
    expect(upstream()).toBe(before);
  });

  test('JWT_PUBLIC_KEY with \\n escapes is read as the PEM', () => {
    const security = loadSecurityConfig({
      JWT_PUBLIC_KEY: issuer.publicKeyPem.replace(/\n/g, '\\n'),
      JWT_ISSUER: issuer.issuer,
      JWT_AUDIENCE: issuer.audience,
    });
    expect(security.jwt?.publicKey).toBe(issuer.publicKeyPem);
    expect(security.jwt?.tenantClaim).toBe('tenant');
    expect(security.jwt?.scopeClaim).toBe('scope');
  });

  test('half a JWT configuration is refused, naming what is missing', () => {
    expect(() => loadSecurityConfig({ JWT_ISSUER: issuer.issuer, JWT_AUDIENCE: issuer.audience })).toThrow(/JWT_JWKS_URL or JWT_PUBLIC_KEY/);
    expect(() => loadSecurityConfig({ JWT_JWKS_URL: issuer.jwksUrl, JWT_AUDIENCE: issuer.audience })).toThrow(/JWT_ISSUER/);
    expect(() => loadSecurityConfig({ JWT_PUBLIC_KEY: issuer.publicKeyPem, JWT_ISSUER: issuer.issuer })).toThrow(/JWT_AUDIENCE/);
  });
});

describe('createApp with JWT on', () => {
  const env = () => ({
    ...sandbox.env,
    JWT_JWKS_URL: issuer.jwksUrl,
    JWT_ISSUER: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
  });

  test('refuses accounts without a tenant, naming them', async () => {
    const accounts = withTenants(sandbox).map((entry) =>
      entry.accountId === 'acme-voice' ? { ...entry, tenant: undefined } : entry.accountId === '1512093' ? { ...entry, tenant: null } : entry,
    );
    const outcome = await createApp({ config: loadConfig(env()), accounts, logger: createLogger({ level: 'silent' }) }).then(
      async (app) => {
        await app.close();
        return new Error('createApp accepted accounts without a tenant');
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as Error).message).toContain('SIMPSY acme-voice');
    expect((outcome as Error).message).toContain('DIGIDONAR 1512093');
    expect((outcome as Error).message).not.toContain('1408847');
  });

  test('refuses the sandbox accounts as they are (none has a tenant)', async () => {
    await expect(
      createApp({ config: loadConfig(env()), accounts: sandboxEntries(sandbox), logger: createLogger({ level: 'silent' }) }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('no token or key material anywhere', () => {
  test('responses and log lines carry no token, Authorization value or key', () => {
    expect(responses.length).toBeGreaterThan(50);
    expect(logs.length).toBeGreaterThan(20);
    const forbidden = [
      ...new Set([
        ...credentials.flatMap((value) => [value, ...value.split('.').filter((part) => part.length >= 24)]),
        ...issuer.keyMaterial,
      ]),
    ].filter((value) => value.length >= 12);
    expect(forbidden.length).toBeGreaterThan(20);
    for (const text of [...responses, ...logs]) {
      for (const value of forbidden) {
        if (text.includes(value)) throw new Error(`leaked: ${value.slice(0, 12)}... in ${text.slice(0, 200)}`);
      }
    }
  });
});
