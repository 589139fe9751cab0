// Two SDL-first Apollo subgraphs (@apollo/subgraph + @apollo/server standalone), for comparison:
//   MODE=naive  what a team writes in an afternoon: one upstream call per resolved field, no
//               DataLoader, no cache (a representation's profile and coins are two Digidonar calls).
//   MODE=stock  the framework's own cost: the subgraph's own schema.graphql over in-memory
//               snapshots of the subgraph's own answers (bench/anchor-schema.mjs), no upstream.
// Both read the same accounts file.
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse as parseGraphQL } from 'graphql';
import { Agent, setGlobalDispatcher } from 'undici';
import { parse } from 'yaml';
import { anchorSchema, snapshotStore } from './anchor-schema.mjs';

const MODE = process.env.MODE ?? 'naive';
setGlobalDispatcher(new Agent({ connections: Number(process.env.UPSTREAM_CONNECTIONS ?? 64), keepAliveTimeout: 60_000 }));
const accounts = new Map(
  parse(readFileSync(process.env.ACCOUNTS_FILE, 'utf8')).accounts.map((a) => [`${a.provider}:${a.accountId}`, a]),
);

const typeDefs = parseGraphQL(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  enum Provider { DIGIDONAR SIMPSY }
  enum CoinKind { SMS OBD VOIP CLICK_TO_CALL CALL }
  type Account @key(fields: "provider accountId") {
    provider: Provider!
    accountId: ID!
    profile: CompanyProfile
    coins: [CoinBalance!]
    plan: Plan
    monthlyTotal: Money
  }
  type CompanyProfile { companyName: String }
  type CoinBalance { kind: CoinKind! purchased: Int available: Int used: Int }
  type Plan { name: String }
  type Money { amount: String currency: String }
  type Query { account(provider: Provider!, accountId: ID!): Account }
`);

const COINS = { SMS: 'sms', OBD: 'obd', VOIP: 'voip', CLICK_TO_CALL: 'clicktocall', CALL: 'call' };
const toInt = (v) => (v == null || v === '' ? null : Number.parseInt(v, 10));
const money = (raw) => (raw ? { amount: raw.replace(/^\$/, ''), currency: raw.startsWith('$') ? 'USD' : null } : null);
const normalize = {
  profile: (d) => ({ companyName: d.login_account.company_name }),
  coins: (d) =>
    Object.entries(COINS).map(([kind, p]) => {
      const purchased = toInt(d.login_account[`${p}_coins`]);
      const available = toInt(d.login_account[`avail_${p}_coins`]);
      return { kind, purchased, available, used: purchased != null && available != null ? purchased - available : null };
    }),
  plan: (s) => ({ name: s.result[0].plan.name }),
  monthlyTotal: (s) => money(s.result[0].total_monthly),
};

async function fetchUpstream(account) {
  if (account.provider === 'DIGIDONAR') {
    const res = await fetch(`${process.env.DIGIDONAR_BASE_URL}/api_v2/profile_billing_v2`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${account.key}:${account.secret}`).toString('base64')}` },
    });
    return res.json();
  }
  const url = `${process.env.SIMPSY_BASE_URL}/billing/details?${new URLSearchParams({ key: account.key, secret: account.secret })}`;
  return (await fetch(url)).json();
}

// naive: every field goes to the provider on its own.
const naiveField = (provider, name) => async (ref) => {
  if (ref.provider !== provider) return null;
  const account = accounts.get(`${ref.provider}:${ref.accountId}`);
  if (!account) throw new Error('ACCOUNT_NOT_FOUND');
  return normalize[name](await fetchUpstream(account));
};

const resolvers = {
  Query: { account: (_, { provider, accountId }) => (accounts.has(`${provider}:${accountId}`) ? { provider, accountId } : null) },
  Account: {
    __resolveReference: (ref) => ({ provider: ref.provider, accountId: ref.accountId }),
    profile: naiveField('DIGIDONAR', 'profile'),
    coins: naiveField('DIGIDONAR', 'coins'),
    plan: naiveField('SIMPSY', 'plan'),
    monthlyTotal: naiveField('SIMPSY', 'monthlyTotal'),
  },
};

// stock: the subgraph's own schema over the snapshots the driver captured from it.
const schema =
  MODE === 'stock'
    ? anchorSchema(process.env.SCHEMA_FILE, snapshotStore(process.env.SNAPSHOT_FILE))
    : buildSubgraphSchema([{ typeDefs, resolvers }]);
const server = new ApolloServer({ schema });
await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
