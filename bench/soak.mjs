// Memory soak: the built subgraph under steady load for 2 minutes, its RSS sampled every second.
// Accounts refresh every second (UPSTREAM_CACHE_TTL_SECONDS=1) and requests rotate over every
// account, so upstream calls, normalization, cache writes and evictions all run the whole time.
// Run: npm run bench:soak   (BENCH_SOAK_SECONDS=120). Writes bench/soak.json; npm run bench puts it in BENCHMARKS.md.
import { execSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { ACCOUNTS, QUERY, ROOT, accounts, log, startFakes, startTarget, statusKb, stopProcess } from './harness.mjs';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 120);
const WARMUP_SECONDS = 15;
const N = 50;
const CONNECTIONS = 8;

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main() {
  execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'billing-soak-'));
  const accountsFile = join(dir, 'accounts.yaml');
  writeFileSync(accountsFile, stringify({ accounts: accounts.map(({ provider, accountId, key, secret }) => ({ provider, accountId, key, secret })) }));
  const fakes = await startFakes(Number(process.env.BENCH_LATENCY_MS ?? 50), ['subgraph']);
  const target = await startTarget('subgraph', fakes, accountsFile, {
    cache: true,
    upstreamConnections: 64,
    env: { UPSTREAM_CACHE_TTL_SECONDS: '1' },
  });
  // Every account in turn, N per request.
  const requests = [];
  for (let start = 0; start < ACCOUNTS; start += N) {
    const reps = accounts.slice(start, start + N).map((a) => ({ __typename: 'Account', provider: a.provider, accountId: a.accountId }));
    requests.push({ method: 'POST', body: JSON.stringify({ query: QUERY, variables: { r: reps } }) });
  }
  const samples = [];
  const began = Date.now();
  const timer = setInterval(() => samples.push([(Date.now() - began) / 1000, statusKb(target.pid, 'VmRSS') / 1024]), 1000);
  log(`soak: ${SECONDS} s, ${CONNECTIONS} connections, N=${N} rotating over ${ACCOUNTS} accounts, TTL 1 s`);
  const result = await autocannon({
    url: target.url,
    headers: { 'content-type': 'application/json' },
    requests,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 30,
  });
  clearInterval(timer);
  await stopProcess(target.child);
  await stopProcess(fakes.child);

  const steady = samples.filter(([t]) => t >= WARMUP_SECONDS);
  const mean = (points) => points.reduce((s, [, y]) => s + y, 0) / points.length;
  const first = mean(steady.slice(0, 15));
  const last = mean(steady.slice(-15));
  const soak = {
    date: new Date().toISOString(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    n: N,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    reqPerSec: result.requests.total / SECONDS,
    rssAfterWarmupMb: first,
    rssAtEndMb: last,
    rssPeakMb: Math.max(...samples.map(([, y]) => y)),
    growthPercent: ((last - first) / first) * 100,
    slopeMbPerMinute: slope(steady) * 60,
    samples,
  };
  writeFileSync(join(ROOT, 'bench/soak.json'), `${JSON.stringify(soak, null, 2)}\n`);
  log(
    `soak: ${soak.requests} requests (${soak.non2xx} non-2xx, ${soak.errors} errors), RSS ${first.toFixed(0)} MB after warm-up -> ${last.toFixed(0)} MB at the end ` +
      `(${soak.growthPercent.toFixed(1)}%, slope ${soak.slopeMbPerMinute.toFixed(2)} MB/min), peak ${soak.rssPeakMb.toFixed(0)} MB`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
