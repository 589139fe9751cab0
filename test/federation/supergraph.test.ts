import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { composeServices, type CompositionResult } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import {
  buildSchema,
  isObjectType,
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
} from 'graphql';
import { Agent, request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/config';
import type { AccountEntry } from '../../src/domain/account-entry';
import { Secret } from '../../src/domain/secret';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';
import { createApp, type BillingApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { startCompanion } from './companion/companion';
import { executorEnv } from '../support/executor';

const ROVER_CONFIG_PATH = join(__dirname, '..', '..', 'rover.yaml');

/** A logger for Apollo Server and the gateway that writes nothing. */
const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface RoverSubgraph {
  routing_url: string;
  schema: { file: string };
}

/** Reads rover.yaml the way rover does: schema files are relative to the config file. */
function readRoverConfig(): { federationVersion: string; subgraphs: Map<string, { url: string; sdl: string }> } {
  const config = parseYaml(readFileSync(ROVER_CONFIG_PATH, 'utf8')) as {
    federation_version?: unknown;
    subgraphs?: Record<string, RoverSubgraph>;
  };
  const subgraphs = new Map<string, { url: string; sdl: string }>();
  for (const [name, subgraph] of Object.entries(config.subgraphs ?? {})) {
    if (typeof subgraph?.routing_url !== 'string' || typeof subgraph.schema?.file !== 'string') {
      throw new Error(`rover.yaml: subgraph ${name} needs routing_url and schema.file`);
    }
    const sdl = readFileSync(join(dirname(ROVER_CONFIG_PATH), subgraph.schema.file), 'utf8');
    subgraphs.set(name, { url: subgraph.routing_url, sdl });
  }
  return { federationVersion: String(config.federation_version), subgraphs };
}

/** The SDL a running subgraph serves to a router. */
async function fetchSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data: { _service: { sdl: string } } };
  return body.data._service.sdl;
}

function composeRoverConfig(): CompositionResult {
  const { subgraphs } = readRoverConfig();
  return composeServices(
    [...subgraphs].map(([name, { url, sdl }]) => ({ name, url, typeDefs: parse(sdl) })),
  );
}

/** The `graph:` arguments of every @join__type / @join__field on a supergraph node. */
function joinGraphs(directives: readonly ConstDirectiveNode[] | undefined, directive: string): string[] {
  return (directives ?? [])
    .filter((d) => d.name.value === directive)
    .map((d) => d.arguments?.find((a) => a.name.value === 'graph')?.value)
    .map((value) => (value?.kind === Kind.ENUM ? value.value : '?'));
}

describe('rover.yaml', () => {
  it('lists the billing subgraph and the companion, pinned to the installed composition version', () => {
    const { federationVersion, subgraphs } = readRoverConfig();
    const installed = (require('@apollo/composition/package.json') as { version: string }).version;
    expect(federationVersion).toBe(`=${installed}`);
    expect([...subgraphs.keys()].sort()).toEqual(['billing', 'companies']);
    expect(subgraphs.get('billing')?.url).toBe('http://localhost:4001/graphql');
    expect(subgraphs.get('companies')?.url).toBe('http://localhost:4002/graphql');
  });

  it('composes with no errors and no hints, Account joined from both subgraphs', () => {
    const result = composeRoverConfig();
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expect(result.hints?.map((h) => h.toString())).toEqual([]);

    const supergraph = buildSchema(result.supergraphSdl ?? '');
    const account = supergraph.getType('Account') as GraphQLObjectType;
    const company = supergraph.getType('Company') as GraphQLObjectType;
    expect(isObjectType(account)).toBe(true);
    expect(isObjectType(company)).toBe(true);

    // Both subgraphs define Account with the same key; only billing can resolve it.
    const accountJoins = (account.astNode?.directives ?? []).filter(
      (d) => d.name.value === 'join__type' && d.arguments?.some((a) => a.name.value === 'key'),
    );
    expect(accountJoins.map((d) => print(d)).sort()).toEqual([
      '@join__type(graph: BILLING, key: "provider accountId")',
      '@join__type(graph: COMPANIES, key: "provider accountId", resolvable: false)',
    ]);
    // Key fields carry no @join__field, meaning every subgraph that has Account defines them;
    // the billing fields are joined from billing only.
    const fields = account.getFields();
    for (const key of ['provider', 'accountId']) {
      expect(fields[key]).toBeDefined();
      expect(joinGraphs(fields[key]?.astNode?.directives, 'join__field')).toEqual([]);
    }
    for (const billingField of ['profile', 'coins', 'plan', 'monthlyCharges']) {
      expect(joinGraphs(fields[billingField]?.astNode?.directives, 'join__field')).toEqual(['BILLING']);
    }
    expect(String(company.getFields().telephonyAccounts?.type)).toBe('[Account!]!');
    expect(joinGraphs(company.astNode?.directives, 'join__type')).toEqual(['COMPANIES']);
  });
});

const COMPANIES_QUERY = /* GraphQL */ `
  query CompaniesWithBilling {
    companies {
      name
      telephonyAccounts {
        provider
        accountId
        profile { companyName }
        coins { kind available }
        plan { name }
        monthlyCharges { matches }
      }
    }
  }
`;

interface JoinedAccount {
  provider: string;
  accountId: string;
  profile: { companyName: string | null } | null;
  coins: { kind: string; available: number | null }[] | null;
  plan: { name: string | null } | null;
  monthlyCharges: { matches: boolean | null } | null;
}

interface CompaniesResponse {
  data?: { companies: { name: string; telephonyAccounts: JoinedAccount[] }[] } | null;
  errors?: GraphQLFormattedError[];
}

describe('the supergraph through @apollo/gateway', () => {
  let sandbox: Sandbox;
  let billing: BillingApp;
  let companion: { url: string; close(): Promise<void> };
  let gatewayServer: ApolloServer;
  let gatewayUrl: string;
  const client = new Agent();
  /** Bodies of the GraphQL requests the billing subgraph received. */
  const billingRequests: { query?: string; variables?: { representations?: unknown[] } }[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ providers: INSTALLED_PROVIDERS });
    const config = loadConfig({
      ...executorEnv(),
      ...sandbox.env,
      LOG_LEVEL: 'silent',
      // @apollo/gateway refuses supergraphs with Apollo Router's auth directives (for: SECURITY).
      FEDERATION_AUTH_DIRECTIVES: 'false',
    });
    const accounts: AccountEntry[] = sandbox.accounts.map((account) => ({
      provider: account.provider,
      accountId: account.accountId,
      key: new Secret(account.key),
      secret: new Secret(account.secret),
      description: account.description,
    }));
    billing = await createApp({ config, accounts, logger: createLogger({ level: 'silent' }) });
    billing.http.addHook('preHandler', async (req) => {
      if (req.url.startsWith('/graphql') && req.method === 'POST') billingRequests.push(req.body as never);
    });
    await billing.http.listen({ host: '127.0.0.1', port: 0 });
    const billingPort = (billing.http.server.address() as AddressInfo).port;

    companion = await startCompanion();

    // The gateway composes from what the running billing subgraph serves (without the router-only
    // auth directives), and the companion's file from rover.yaml.
    const { subgraphs } = readRoverConfig();
    const served = await fetchSdl(`http://127.0.0.1:${billingPort}/graphql`);
    const result = composeServices(
      [...subgraphs].map(([name, { url, sdl }]) => ({ name, url, typeDefs: parse(name === 'billing' ? served : sdl) })),
    );
    if (!result.supergraphSdl) throw new Error(`composition failed: ${result.errors?.map((e) => e.message).join('; ')}`);
    // The supergraph keeps rover.yaml's routing URLs; point each subgraph at where it really listens.
    const actualUrls: Record<string, string> = {
      billing: `http://127.0.0.1:${billingPort}/graphql`,
      companies: companion.url,
    };
    const gateway = new ApolloGateway({
      supergraphSdl: result.supergraphSdl,
      logger: silentLogger,
      buildService: ({ name }) => {
        const url = actualUrls[name];
        if (!url) throw new Error(`no running subgraph for ${name}`);
        return new RemoteGraphQLDataSource({ url });
      },
    });
    // No stack traces, as in production, whatever NODE_ENV the tests run under.
    gatewayServer = new ApolloServer({ gateway, logger: silentLogger, includeStacktraceInErrorResponses: false });
    ({ url: gatewayUrl } = await startStandaloneServer(gatewayServer, { listen: { host: '127.0.0.1', port: 0 } }));
  });

  afterAll(async () => {
    await gatewayServer?.stop();
    await Promise.all([billing?.close(), companion?.close(), sandbox?.close()]);
    await client.close();
  });

  async function postToGateway(query: string): Promise<CompaniesResponse> {
    const response = await request(gatewayUrl, {
      dispatcher: client,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(response.statusCode).toBe(200);
    return (await response.body.json()) as CompaniesResponse;
  }

  it('joins billing fields onto the companion accounts; the failing one is null with its own error', async () => {
    billingRequests.length = 0;
    const digidonarBefore = sandbox.requestCount('DIGIDONAR');
    const simpsyBefore = sandbox.requestCount('SIMPSY');

    const body = await postToGateway(COMPANIES_QUERY);

    const companies = body.data?.companies ?? [];
    expect(companies.map((c) => c.name)).toEqual(['Lavi Group', 'Ganga Handlooms', 'Kaveri Freight Lines']);
    const byKey = new Map(
      companies.flatMap((c) => c.telephonyAccounts).map((a) => [`${a.provider}:${a.accountId}`, a] as const),
    );
    expect([...byKey.keys()]).toEqual([
      'DIGIDONAR:1408847',
      'SIMPSY:acme-voice',
      'DIGIDONAR:1620451',
      'SIMPSY:lapsed-voice',
      'DIGIDONAR:1512093',
      'SIMPSY:northwind-calls',
    ]);

    // Digidonar accounts: profile and coins from billing; no Simpsy-only fields.
    const lavi = byKey.get('DIGIDONAR:1408847');
    expect(lavi?.profile).toEqual({ companyName: 'Lavi' });
    expect(lavi?.coins).toEqual(
      expect.arrayContaining([
        { kind: 'CALL', available: 10212 },
        { kind: 'SMS', available: 4950 },
      ]),
    );
    expect(lavi?.plan).toBeNull();
    expect(lavi?.monthlyCharges).toBeNull();
    expect(byKey.get('DIGIDONAR:1620451')?.profile).toEqual({ companyName: 'Ganga Handlooms' });
    expect(byKey.get('DIGIDONAR:1512093')?.coins).toContainEqual({ kind: 'SMS', available: 0 });

    // Simpsy accounts: plan and monthly charges; no Digidonar-only fields.
    expect(byKey.get('SIMPSY:acme-voice')).toEqual({
      provider: 'SIMPSY',
      accountId: 'acme-voice',
      profile: null,
      coins: null,
      plan: { name: 'Small-Medium Enterprise' },
      monthlyCharges: { matches: true },
    });
    expect(byKey.get('SIMPSY:northwind-calls')?.plan).toEqual({ name: 'Startup' });

    // The declined card: the account keeps its key (from the companion), billing fields are null,
    // and one error says why, with the billing subgraph's code and details intact.
    expect(byKey.get('SIMPSY:lapsed-voice')).toEqual({
      provider: 'SIMPSY',
      accountId: 'lapsed-voice',
      profile: null,
      coins: null,
      plan: null,
      monthlyCharges: null,
    });
    // What a client of the gateway sees: the billing subgraph's message and extensions as it sent
    // them, plus the gateway's serviceName, at the path of the account in this response (the
    // gateway rewrites billing's ['_entities', 3]). No locations, no stack trace.
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/failed payment/),
        path: ['companies', 1, 'telephonyAccounts', 1],
        extensions: {
          code: 'UPSTREAM_PAYMENT_REQUIRED',
          provider: 'SIMPSY',
          accountId: 'lapsed-voice',
          upstreamStatus: '300',
          serviceName: 'billing',
        },
      },
    ]);

    // One `_entities` fetch to billing for all six accounts, and one upstream call per account.
    expect(billingRequests).toHaveLength(1);
    expect(billingRequests[0]?.query).toMatch(/_entities\(representations:/);
    expect(billingRequests[0]?.variables?.representations).toHaveLength(6);
    expect(sandbox.requestCount('DIGIDONAR') - digidonarBefore).toBe(3);
    expect(sandbox.requestCount('SIMPSY') - simpsyBefore).toBe(3);
  });

  it('leaves billing alone when the query asks only for the companion fields', async () => {
    billingRequests.length = 0;
    const body = await postToGateway('{ company(id: "lavi") { name telephonyAccounts { provider accountId } } }');
    expect(body).toEqual({
      data: {
        company: {
          name: 'Lavi Group',
          telephonyAccounts: [
            { provider: 'DIGIDONAR', accountId: '1408847' },
            { provider: 'SIMPSY', accountId: 'acme-voice' },
          ],
        },
      },
    });
    expect(billingRequests).toHaveLength(0);
  });
});
