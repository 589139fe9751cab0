import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/** The companion's SDL; rover.yaml points at the same file. */
export const COMPANION_SDL_PATH = join(__dirname, 'companion.graphql');

interface AccountKey {
  provider: 'DIGIDONAR' | 'SIMPSY';
  accountId: string;
}

interface Company {
  id: string;
  name: string;
  telephonyAccounts: AccountKey[];
}

/** Companies and the sandbox accounts they hold; lapsed-voice fails upstream with a declined card. */
export const COMPANIES: readonly Company[] = [
  {
    id: 'lavi',
    name: 'Lavi Group',
    telephonyAccounts: [
      { provider: 'DIGIDONAR', accountId: '1408847' },
      { provider: 'SIMPSY', accountId: 'acme-voice' },
    ],
  },
  {
    id: 'ganga',
    name: 'Ganga Handlooms',
    telephonyAccounts: [
      { provider: 'DIGIDONAR', accountId: '1620451' },
      { provider: 'SIMPSY', accountId: 'lapsed-voice' },
    ],
  },
  {
    id: 'kaveri',
    name: 'Kaveri Freight Lines',
    telephonyAccounts: [
      { provider: 'DIGIDONAR', accountId: '1512093' },
      { provider: 'SIMPSY', accountId: 'northwind-calls' },
    ],
  },
];

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Starts the companion subgraph, by default on 127.0.0.1 and a free port. */
export async function startCompanion(
  listen: { host?: string; port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const typeDefs = parse(readFileSync(COMPANION_SDL_PATH, 'utf8'));
  const resolvers = {
    Query: {
      companies: () => COMPANIES,
      company: (_: unknown, { id }: { id: string }) => COMPANIES.find((company) => company.id === id) ?? null,
    },
    Company: {
      __resolveReference: (reference: { id: string }) => COMPANIES.find((company) => company.id === reference.id) ?? null,
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    logger: silentLogger,
    // Whoever runs the companion (a test, `npm run stack`) owns SIGINT/SIGTERM: Apollo's own
    // handlers would stop it on the first Ctrl-C and send the signal again.
    stopOnTerminationSignals: false,
  });
  const { url } = await startStandaloneServer(server, { listen: { host: listen.host ?? '127.0.0.1', port: listen.port ?? 0 } });
  return { url, close: () => server.stop() };
}
