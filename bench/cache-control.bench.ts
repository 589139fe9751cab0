// Measures what Apollo's cache-control plugin costs on a warm 500-entity `_entities` call,
// against the same server with it disabled (which is how the subgraph runs). In one process,
// alternating, so machine drift hits both alike. Run: npm run bench:cache-control
import 'reflect-metadata';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { parse } from 'graphql';
import { loadConfig } from '../src/config/config';
import type { AccountView } from '../src/domain/account';
import type { GraphQLContext } from '../src/graphql/context';
import { ResponseCachePolicy, observeLoads } from '../src/graphql/cache-control';
import { cacheControlHeaderPlugin } from '../src/server/plugins/cache-control-header';
import { buildBillingSchema } from '../src/graphql/schema';
import { ANONYMOUS } from '../src/server/security/jwt';
import { digidonarSnapshot } from '../src/providers/digidonar/digidonar.mapper';
import { simpsySnapshot } from '../src/providers/simpsy/simpsy.mapper';
import { digidonarBody } from '../src/providers/digidonar/digidonar.wire';
import { simpsyBilling } from '../src/providers/simpsy/simpsy.wire';

const N = 500;
const ROUNDS = Number(process.env.ROUNDS ?? 40);

const QUERY = parse(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Account {
  provider accountId freshness { ageSeconds stale }
  profile { companyName adminPhone { e164 } } coins { kind purchased available used }
  plan { name price { amount currency } } addons { kind totalPrice { amount } }
  dids { raw e164 country monthlyPrice { amount } }
  monthlyCharges { matches computedTotal { amount } lineItems { kind amount { amount } } } } } }`);

function views(): Map<string, AccountView> {
  const map = new Map<string, AccountView>();
  const fetchedAt = new Date();
  const digi = { login_account: { account_id: '1', company_name: 'Lavi', sms_coins: '5500', avail_sms_coins: '4950', create_at: '2020-08-19 13:24:24', admin_number: '7289045183' }, desk_phone: '01206851234, 00911206851235', did_no: null, type: 'success' };
  const simpsy = { plan: { name: 'SME', price: '$24.90', no_of_agents: '5', storage: '3GB', crm: '0' }, addon: { agents: { no_of_agents: '10', price_per_agent: '$4.90', total_agent_price: '$49.00' }, did: [{ number: '1234567', country: 'United States', monthly: '$15.90' }] }, total_monthly: '$88.80' };
  for (let i = 0; i < N; i += 1) {
    const provider = i % 2 === 0 ? 'DIGIDONAR' : 'SIMPSY';
    const id = String(i);
    const snapshot =
      provider === 'DIGIDONAR'
        ? digidonarSnapshot(digidonarBody.parse(digi), id, 'Asia/Kolkata', fetchedAt)
        : simpsySnapshot(simpsyBilling.parse(simpsy), id, fetchedAt);
    map.set(`${provider}:${id}`, {
      ...snapshot,
      freshness: { fetchedAt: snapshot.fetchedAt, ageSeconds: 0, maxAgeSeconds: 60, stale: false, refreshError: null },
    });
  }
  return map;
}

async function server(plugins: ApolloServerPlugin<GraphQLContext>[]) {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const apollo = new ApolloServer<GraphQLContext>({ schema: await buildBillingSchema(), plugins, logger: quiet });
  await apollo.start();
  return apollo;
}

async function main(): Promise<void> {
  const data = views();
  const representations = [...data.values()].map((v) => ({ __typename: 'Account', provider: v.provider, accountId: v.accountId }));
  const context = async (): Promise<GraphQLContext> => {
    const cachePolicy = new ResponseCachePolicy();
    const loader = { load: async (key: { provider: string; accountId: string }) => data.get(`${key.provider}:${key.accountId}`)! };
    return {
      loaders: { account: observeLoads(loader as never, cachePolicy), invoices: { load: async () => null } },
      maxAccountsPerQuery: 100,
      cachePolicy,
      now: new Date(), insights: loadConfig({}),
      access: { enforce: false, caller: ANONYMOUS, tenantOf: () => null, accounts: () => [] },
    };
  };
  const variants = {
    'Apollo cache-control plugin (default)': await server([]),
    'disabled + one header per response (ours)': await server([
      ApolloServerPluginCacheControlDisabled(),
      cacheControlHeaderPlugin<GraphQLContext>(),
    ]),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS + 5; round += 1) {
    for (const [name, apollo] of Object.entries(variants)) {
      const started = performance.now();
      const result = await apollo.executeOperation(
        { query: QUERY, variables: { r: representations } },
        { contextValue: await context() },
      );
      const elapsed = performance.now() - started;
      if (result.body.kind !== 'single' || result.body.singleResult.errors) throw new Error('query failed');
      if (round >= 5) times[name]!.push(elapsed); // the first rounds warm the JIT
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const [withPlugin, withoutPlugin] = Object.values(times).map(median) as [number, number];
  for (const [name, values] of Object.entries(times)) {
    process.stdout.write(`${name.padEnd(44)} median ${median(values).toFixed(1)} ms per ${N}-entity _entities\n`);
  }
  process.stdout.write(`speed-up from disabling Apollo's plugin: ${(withPlugin / withoutPlugin).toFixed(2)}x (${ROUNDS} rounds)\n`);
  await Promise.all(Object.values(variants).map((apollo) => apollo.stop()));
}

void main();
