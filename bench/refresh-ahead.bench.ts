// p50/p99 of one hot account whose TTL is shorter than the run, with refresh-ahead on and off,
// beside the warm p99 (a TTL longer than the run: every request a cache hit). Three subgraphs in
// this process over one fake Digidonar with a fixed latency; each worker sends one request to
// each subgraph in turn, so machine drift hits all three alike. Also counts upstream calls per
// refresh (calls / distinct fetchedAt served) and the requests that took at least the upstream
// latency (those that waited for a provider). Run: npm run bench:refresh-ahead
// (BENCH_SECONDS, BENCH_TTL_SECONDS, BENCH_WINDOW_SECONDS, BENCH_LATENCY_MS, BENCH_CONCURRENCY).
import 'reflect-metadata';
import { Pool } from 'undici';
import { loadConfig } from '../src/config/config';
import { Secret } from '../src/domain/secret';
import { installedProvider } from '../src/providers/installed';
import { FakeUpstream } from '../src/sandbox';
import { createApp, type BillingApp } from '../src/server/app';
import { createLogger } from '../src/server/logger';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TTL_SECONDS = Number(process.env.BENCH_TTL_SECONDS ?? 2);
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 1);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const QUERY = `query($id: ID!) { account(provider: DIGIDONAR, accountId: $id) {
  accountId freshness { fetchedAt stale } profile { companyName } coins { kind available } } }`;

interface Variant {
  readonly name: string;
  readonly accountId: string;
  readonly env: Record<string, string>;
  app?: BillingApp;
  pool?: Pool;
  readonly latencies: number[];
  readonly fetchedAts: Set<string>;
  /** The entry served when measuring began (fetched during the warm-up): not a refresh of the run. */
  before?: string;
  errors: number;
}

const variants: Variant[] = [
  {
    name: `warm (TTL ${SECONDS * 10} s, longer than the run)`,
    accountId: 'bench-warm',
    env: { UPSTREAM_CACHE_TTL_SECONDS: String(SECONDS * 10), UPSTREAM_REFRESH_AHEAD_SECONDS: '0' },
  },
  {
    name: `refresh-ahead on (TTL ${TTL_SECONDS} s, window ${WINDOW_SECONDS} s)`,
    accountId: 'bench-ahead',
    env: { UPSTREAM_CACHE_TTL_SECONDS: String(TTL_SECONDS), UPSTREAM_REFRESH_AHEAD_SECONDS: String(WINDOW_SECONDS) },
  },
  {
    name: `refresh-ahead off (TTL ${TTL_SECONDS} s)`,
    accountId: 'bench-off',
    env: { UPSTREAM_CACHE_TTL_SECONDS: String(TTL_SECONDS), UPSTREAM_REFRESH_AHEAD_SECONDS: '0' },
  },
].map((v) => ({ ...v, latencies: [], fetchedAts: new Set<string>(), errors: 0 }));

/** The variants' keys in BENCH_JSON's output, in the order of `variants`. */
const KEYS = ['warm', 'on', 'off'] as const;

const credentials = (accountId: string) => ({ accountId, key: `key-${accountId}`, secret: `secret-${accountId}` });

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function ask(variant: Variant): Promise<void> {
  const started = performance.now();
  const response = await variant.pool!.request({
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { id: variant.accountId } }),
  });
  const body = (await response.body.json()) as { data?: { account?: { freshness: { fetchedAt: string } } | null }; errors?: unknown };
  const elapsed = performance.now() - started;
  const fetchedAt = body.data?.account?.freshness.fetchedAt;
  if (response.statusCode !== 200 || body.errors || !fetchedAt) variant.errors += 1;
  else variant.fetchedAts.add(fetchedAt);
  variant.latencies.push(elapsed);
}

async function main(): Promise<void> {
  const fake = await FakeUpstream.start(installedProvider('DIGIDONAR').fake, {
    accounts: variants.map((v) => credentials(v.accountId)),
    latencyMs: LATENCY_MS,
  });
  const logger = createLogger({ level: 'silent' });
  for (const variant of variants) {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DIGIDONAR_BASE_URL: fake.baseUrl,
      UPSTREAM_REFRESH_AHEAD_MIN_READS: '3',
      ...variant.env,
    });
    const { accountId, key, secret } = credentials(variant.accountId);
    variant.app = await createApp({
      config,
      accounts: [{ provider: 'DIGIDONAR', accountId, key: new Secret(key), secret: new Secret(secret), description: null }],
      logger,
    });
    await variant.app.http.listen({ host: '127.0.0.1', port: 0 });
    const address = variant.app.http.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    variant.pool = new Pool(`http://127.0.0.1:${address.port}`, { connections: CONCURRENCY });
  }
  // The first (cold) request of each, and the JIT's warm-up, are not measured.
  for (let i = 0; i < 50; i += 1) for (const variant of variants) await ask(variant);
  for (const variant of variants) {
    variant.latencies.length = 0;
    variant.errors = 0;
    variant.before = [...variant.fetchedAts].pop();
    variant.fetchedAts.clear();
  }
  fake.reset();

  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      // Each worker starts at a different variant, so none is always first.
      for (let turn = worker; performance.now() < until; turn += 1) await ask(variants[turn % variants.length]!);
    }),
  );

  // Calls made during the run; then, once refreshes still in flight have landed, one more read
  // (not timed) per variant, so a refresh the run paid for but never served is counted as one.
  const callsInRun = variants.map((v) => fake.attempts(credentials(v.accountId)));
  await new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 3 + 100));
  for (const variant of variants) {
    const timed = variant.latencies.length;
    await ask(variant);
    variant.latencies.length = timed;
  }

  const warm = [...variants[0]!.latencies].sort((a, b) => a - b);
  const warmP99 = percentile(warm, 99);
  console.log(
    `refresh-ahead: ${SECONDS} s, ${CONCURRENCY} workers, upstream latency ${LATENCY_MS} ms, node ${process.version}\n`,
  );
  console.log('| variant | requests | p50 ms | p99 ms | p99.9 ms | max ms | p99 / warm p99 | waited >= latency | upstream calls | refreshes | calls per refresh | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const results: Record<string, unknown> = {};
  for (const [index, variant] of variants.entries()) {
    const sorted = [...variant.latencies].sort((a, b) => a - b);
    const calls = callsInRun[index]!;
    // Each distinct fetchedAt served during the run is one refresh stored.
    const refreshes = [...variant.fetchedAts].filter((at) => at !== variant.before).length;
    const waited = sorted.filter((ms) => ms >= LATENCY_MS).length;
    const row = {
      requests: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      p999: percentile(sorted, 99.9),
      max: sorted[sorted.length - 1] ?? NaN,
      ratio: percentile(sorted, 99) / warmP99,
      waited,
      calls,
      refreshes,
      callsPerRefresh: refreshes > 0 ? calls / refreshes : NaN,
      errors: variant.errors,
    };
    results[KEYS[index]!] = { name: variant.name, ...row };
    console.log(
      `| ${variant.name} | ${row.requests} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.p999.toFixed(2)} | ${row.max.toFixed(1)} | ${row.ratio.toFixed(2)}x | ${waited} | ${calls} | ${refreshes} | ${refreshes > 0 ? row.callsPerRefresh.toFixed(2) : "-"} | ${row.errors} |`,
    );
  }
  const on = results.on as { ratio: number; waited: number };
  console.log(
    `\ntarget: p99 with refresh-ahead on within 2x of the warm p99: ${on.ratio.toFixed(2)}x, ${on.ratio <= 2 ? 'met' : 'NOT met'}; requests that waited >= ${LATENCY_MS} ms: ${on.waited}`,
  );
  // BENCH_JSON=1 (bench/run.mjs): one last line of JSON, the figures BENCHMARKS.md shows.
  if (process.env.BENCH_JSON) {
    const settings = { seconds: SECONDS, ttlSeconds: TTL_SECONDS, windowSeconds: WINDOW_SECONDS, latencyMs: LATENCY_MS, concurrency: CONCURRENCY, node: process.version };
    console.log(JSON.stringify({ settings, ...results }));
  }

  for (const variant of variants) {
    await variant.pool!.close();
    await variant.app!.close();
  }
  await fake.close();
}

main().catch((error: unknown) => {
  console.error(error);
  // Servers may still be listening: nothing else would end the process.
  process.exit(1);
});
