// Warm reads through a single Redis and through a 3-master Redis Cluster: one subgraph each, over
// the same fake providers, asked for the same N accounts (`accounts(keys:)`) again and again,
// alternating so machine drift hits both alike. Prints p50/p95 per query, and per query the
// MGETs and GETs the servers saw and the upstream calls made (0 when warm).
// Run: node -r @swc-node/register bench/redis-cluster.bench.ts   (N=50 ROUNDS=200 by default)
import 'reflect-metadata';
import { createClient } from '@redis/client';
import { AccountsDocument } from '../test/generated/operations';
import { faultAccount, startFaultSubgraph, startFaultUpstream, type FaultSubgraph } from '../test/support/fault-upstream';
import { startRedisCluster, startRedisServer } from '../test/support/redis-server';

const N = Number(process.env.N ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 200);

const accounts = Array.from({ length: N }, (_, i) => faultAccount(i % 2 === 0 ? 'DIGIDONAR' : 'SIMPSY', `bench${i}`));
const keys = accounts.map((account) => ({ provider: account.provider, accountId: account.accountId }));

async function calls(urls: readonly string[], command: string): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(await client.info('commandstats'));
    total += Number(match?.[1] ?? 0);
    client.destroy();
  }
  return total;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const [digidonar, simpsy] = await Promise.all([startFaultUpstream('DIGIDONAR', accounts), startFaultUpstream('SIMPSY', accounts)]);
  const single = await startRedisServer();
  const cluster = await startRedisCluster();
  const silent = { write: () => undefined };
  const common = { REDIS_TIMEOUT_MS: '1000', UPSTREAM_CACHE_TTL_SECONDS: '3600', LOG_LEVEL: 'silent' };
  const subgraphs: Array<[string, FaultSubgraph, string[]]> = [
    ['single', await startFaultSubgraph({ digidonar, simpsy, accounts, env: { ...common, REDIS_URL: single.url }, logDestination: silent }), [single.url]],
    [
      'cluster',
      await startFaultSubgraph({ digidonar, simpsy, accounts, env: { ...common, REDIS_CLUSTER_NODES: cluster.seeds() }, logDestination: silent }),
      cluster.nodes.map((node) => node.url),
    ],
  ];
  try {
    // Warm both (and let the cluster client connect every master).
    for (let i = 0; i < 20; i += 1) for (const [, subgraph] of subgraphs) await subgraph.query(AccountsDocument, { keys });
    const upstreamBefore = digidonar.requestCount() + simpsy.requestCount();
    const times = new Map<string, number[]>(subgraphs.map(([name]) => [name, []]));
    const before = new Map<string, [number, number]>();
    for (const [name, , urls] of subgraphs) before.set(name, [await calls(urls, 'mget'), await calls(urls, 'get')]);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, subgraph] of round % 2 === 0 ? subgraphs : [...subgraphs].reverse()) {
        const response = await subgraph.query(AccountsDocument, { keys });
        if (response.errors) throw new Error(`${name}: ${JSON.stringify(response.errors)}`);
        times.get(name)!.push(response.elapsedMs);
      }
    }
    const upstream = digidonar.requestCount() + simpsy.requestCount() - upstreamBefore;
    for (const [name, , urls] of subgraphs) {
      const [mget, get] = before.get(name)!;
      const t = times.get(name)!;
      const mgets = ((await calls(urls, 'mget')) - mget) / ROUNDS;
      const gets = ((await calls(urls, 'get')) - get) / ROUNDS;
      console.log(
        `${name.padEnd(8)} N=${N}: p50 ${percentile(t, 50).toFixed(2)} ms, p95 ${percentile(t, 95).toFixed(2)} ms, ` +
          `per query ${mgets.toFixed(1)} MGET, ${gets.toFixed(1)} GET`,
      );
    }
    console.log(`upstream calls during the warm rounds: ${upstream}`);
  } finally {
    for (const [, subgraph] of subgraphs) await subgraph.close();
    await Promise.all([single.close(), cluster.close(), digidonar.close(), simpsy.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
