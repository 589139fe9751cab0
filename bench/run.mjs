// End-to-end benchmark: the built subgraph (node dist/main.js, as users run it; compiled executor
// and graphql-js) against a floor, a naive Apollo subgraph and (warm) a stock Apollo subgraph and a
// graphql-jit anchor, all over the same fake upstreams; then the hot-account refresh-ahead bench.
// Run: npm run bench   (BENCH_LATENCY_MS=50 BENCH_DURATION=3 BENCH_UPSTREAM_CONNECTIONS=64 BENCH_REFRESH_SECONDS=20)
import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import {
  ACCOUNTS, FULL_QUERY, QUERY, ROOT, accounts, cpuMs, log, post, representations, startFakes, startTarget, statusKb, stopProcess,
} from './harness.mjs';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const UPSTREAM_CONNECTIONS = Number(process.env.BENCH_UPSTREAM_CONNECTIONS ?? 64);
const REFRESH_SECONDS = Number(process.env.BENCH_REFRESH_SECONDS ?? 20);
const SIZES = [1, 50, 500];
const CONNECTIONS = [1, 32];
// BENCH_BASELINE=1: also run the build in bench/baseline/dist (bench/baseline.sh <ref>) in every scenario.
const BASELINE = process.env.BENCH_BASELINE === '1' ? readFileSync(join(ROOT, 'bench/baseline/REF'), 'utf8').trim() : null;
const COLD_KINDS = ['subgraph', 'floor', 'naive', ...(BASELINE ? ['baseline'] : [])];
const WARM_KINDS = ['subgraph', 'subgraph-js', 'floor', 'stock', 'jit', ...(BASELINE ? ['baseline'] : [])];
const KINDS = [...new Set([...COLD_KINDS, ...WARM_KINDS])];
const started = Date.now();

// The full-selection scenario: 250 representations, every 5th repeating an earlier one (200
// distinct + 50 duplicates), every Account field three levels deep, 8 connections, warm.
const FULL = { cache: true, n: 250, duplicates: 5, connections: 8, full: true };
const scenarios = [];
for (const cache of [false, true]) {
  if (cache) scenarios.push(FULL);
  for (const n of SIZES)
    for (const duplicates of [false, true])
      for (const connections of CONNECTIONS) {
        if (duplicates && n === 1) continue;
        // Cold duplicates only at N=500, to keep the run under ~8 minutes on 2 cores.
        if (duplicates && !cache && n === 50) continue;
        scenarios.push({ cache, n, duplicates, connections, full: false });
      }
}
const scenarioName = (s) =>
  s.full
    ? `warm full N=${s.n} (${representations(s.n, s.duplicates).distinct} distinct) c=${s.connections}`
    : `${s.cache ? 'warm' : 'cold'} N=${s.n}${s.duplicates ? ' (2x dup)' : ''} c=${s.connections}`;
const REFRESH_NAME = 'hot account refresh-ahead';
// BENCH_ONLY: a regular expression over scenario names (and "hot account refresh-ahead"), for a
// quick look while working; such a partial run prints its rows and leaves BENCHMARKS.md and
// bench/results.json alone.
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const selected = scenarios.filter((s) => !ONLY || ONLY.test(scenarioName(s)));
const refreshSelected = !ONLY || ONLY.test(REFRESH_NAME);

/** One request, checked: 200, no errors, N entities, every one with data for its provider. */
async function verify(target, body, n) {
  const { status, text } = await post(target.url, body);
  let problem = null;
  try {
    const json = JSON.parse(text);
    const entities = json.data?._entities ?? [];
    if (status !== 200) problem = `HTTP ${status}`;
    else if (json.errors) problem = `errors: ${JSON.stringify(json.errors).slice(0, 300)}`;
    else if (entities.length !== n) problem = `${entities.length} entities`;
    else if (entities.some((e) => !e || (e.provider === 'DIGIDONAR' ? !e.coins : !e.plan))) problem = 'missing data';
  } catch {
    problem = `not JSON (HTTP ${status}): ${text.slice(0, 200)}`;
  }
  return { problem, text };
}

// Fields that move with time in a subgraph's own cache: equal across targets only for targets
// serving the same snapshots (stock, jit, the floor), not for another process's cache.
const MOVING = /"(fetchedAt|ageSeconds)":("[^"]*"|\d+)/g;
const OWN_CACHE = new Set(['subgraph-js', 'baseline']);

/** null when `text` is the reference's bytes (for targets with their own cache: but for fetchedAt and ageSeconds). */
function compareBytes(kind, text, reference) {
  // The naive subgraph has its own narrow schema and normalization: only `verify` applies.
  if (kind === 'naive' || text === reference) return null;
  if (OWN_CACHE.has(kind) && text.replace(MOVING, '"$1":_') === reference.replace(MOVING, '"$1":_')) return null;
  let i = 0;
  while (i < text.length && text[i] === reference[i]) i += 1;
  return `bytes differ at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 40), i + 40))} vs ${JSON.stringify(reference.slice(Math.max(0, i - 40), i + 40))}`;
}

/** Runs bench/refresh-ahead.bench.ts (its own process, over its own fake) and returns its JSON figures. */
async function refreshAhead() {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/refresh-ahead.bench.ts'], {
    cwd: ROOT,
    env: { ...process.env, BENCH_JSON: '1', BENCH_SECONDS: String(REFRESH_SECONDS), BENCH_LATENCY_MS: String(LATENCY_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), (REFRESH_SECONDS + 120) * 1000);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`refresh-ahead bench failed (${code}): ${err.slice(-2000)}`);
  return { ...JSON.parse(last), table: out.trim().split('\n').filter((line) => line.startsWith('|')) };
}

async function measure(target, fakes, scenario, body, distinct) {
  await fakes.reset(target.kind);
  const cpuBefore = cpuMs(target.pid);
  let peakRssKb = statusKb(target.pid, 'VmRSS');
  const poll = setInterval(() => {
    try {
      peakRssKb = Math.max(peakRssKb, statusKb(target.pid, 'VmRSS'));
    } catch {}
  }, 50);
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: scenario.connections,
    duration: DURATION,
    timeout: 60,
  });
  clearInterval(poll);
  const cpuAfter = cpuMs(target.pid);
  // Requests still in flight when autocannon stops are abandoned by it, but the target finishes
  // their upstream calls: wait for those, then divide every call by every request sent.
  const drained = await fakes.drain(target.kind, 10_000);
  const stats = await fakes.stats(target.kind);
  const completed = result.requests.total;
  const sent = result.requests.sent;
  const calls = stats.calls;
  return {
    target: target.kind,
    completed,
    sent,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Ms: completed ? result.latency.p50 : null,
    p99Ms: completed ? result.latency.p99 : null,
    reqPerSec: completed / DURATION,
    upstreamCalls: calls,
    upstreamUnknown: stats.unknown,
    upstreamDrained: drained,
    upstreamPerRequest: sent && drained ? calls / sent : null,
    distinctPerRequest: distinct,
    peakRssMb: peakRssKb / 1024,
    vmHwmMb: statusKb(target.pid, 'VmHWM') / 1024,
    cpuMsPerRequest: completed ? (cpuAfter - cpuBefore) / completed : null,
  };
}

// ------------------------------------------------------------------ main
let dir;
async function main() {
  log('building (npm run build)');
  execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'billing-bench-'));
  const accountsFile = join(dir, 'accounts.yaml');
  const snapshotFile = join(dir, 'snapshots.json');
  writeFileSync(accountsFile, stringify({ accounts: accounts.map(({ provider, accountId, key, secret }) => ({ provider, accountId, key, secret })) }));
  writeFileSync(snapshotFile, '{}');
  const fakes = await startFakes(LATENCY_MS, KINDS);
  log(`fake upstreams up (latency ${LATENCY_MS} ms), ${ACCOUNTS} accounts in ${accountsFile}`);
  const options = (cache) => ({ cache, upstreamConnections: UPSTREAM_CONNECTIONS, snapshotFile });
  /** Starts a target; for stock and jit, counts the snapshot loads they report (one at start, one per SIGUSR2). */
  const start = async (kind, cache) => {
    const target = await startTarget(kind, fakes, accountsFile, options(cache));
    if (kind === 'stock' || kind === 'jit') {
      target.loads = 0;
      target.signals = 0;
      target.child.stdout.on('data', (d) => (target.loads += String(d).split('reloaded').length - 1));
    }
    return target;
  };

  const results = [];
  for (const cache of [false, true]) {
    if (!selected.some((s) => s.cache === cache)) continue;
    const kinds = cache ? WARM_KINDS : COLD_KINDS;
    const targets = [];
    for (const kind of kinds) targets.push(await start(kind, cache));
    log(`${cache ? 'warm' : 'cold'} group: started ${kinds.join(', ')}`);
    const floor = () => targets.find((t) => t.kind === 'floor');
    const ours = () => targets.find((t) => t.kind === 'subgraph');
    const fullAllBody = JSON.stringify({ query: FULL_QUERY, variables: { r: representations(ACCOUNTS, false).reps } });
    /**
     * Warm: every account loaded (refreshing any past its TTL) by one full-selection request, its
     * entities written as the snapshots stock and jit serve; reload() has both load them again.
     */
    const capture = async () => {
      const { problem, text } = await verify(ours(), fullAllBody, ACCOUNTS);
      if (problem) throw new Error(`capturing the snapshots: ${problem}`);
      const snapshots = {};
      for (const e of JSON.parse(text).data._entities) snapshots[`${e.provider}:${e.accountId}`] = e;
      writeFileSync(snapshotFile, JSON.stringify(snapshots));
      return snapshots;
    };
    const reload = async () => {
      for (const t of targets.filter((x) => x.loads !== undefined)) {
        t.signals += 1;
        process.kill(t.pid, 'SIGUSR2');
        for (let i = 0; i < 200 && t.loads < t.signals + 1; i += 1) await new Promise((r) => setTimeout(r, 25));
        if (t.loads < t.signals + 1) throw new Error(`${t.kind} did not reload its snapshots`);
      }
    };
    if (cache) {
      await capture();
      await reload();
    }
    // Warm-up: JIT and connection pools, outside the measurements.
    const warmBodies = [JSON.stringify({ query: QUERY, variables: { r: representations(50, false).reps } })];
    if (cache && selected.some((s) => s.full)) warmBodies.push(JSON.stringify({ query: FULL_QUERY, variables: { r: representations(FULL.n, FULL.duplicates).reps } }));
    for (const warmBody of warmBodies) {
      const n = JSON.parse(warmBody).variables.r.length;
      const warmResponse = await verify(ours(), warmBody, n);
      await post(`${floor().url}__register`, JSON.stringify({ body: warmBody, response: warmResponse.text, fanout: !cache }));
      for (const t of targets) await autocannon({ url: t.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: warmBody, connections: 4, duration: 1 });
    }

    for (const scenario of selected.filter((s) => s.cache === cache)) {
      const { reps, distinct } = representations(scenario.n, scenario.duplicates);
      const body = JSON.stringify({ query: scenario.full ? FULL_QUERY : QUERY, variables: { r: reps } });
      // Every target's answer against the subgraph's, byte for byte. A refresh between the capture
      // and the reference (or an age ticking over a second) moves fetchedAt/ageSeconds: capture again.
      let reference;
      const checks = {};
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const snapshots = cache ? await capture() : null;
        reference = await verify(ours(), body, scenario.n);
        if (scenario.full && !reference.problem) {
          // The full selection holds every account's ageSeconds, which ticks between the capture and
          // the reference for some of 200 accounts: the reference's own entities become the snapshots.
          for (const e of JSON.parse(reference.text).data._entities) snapshots[`${e.provider}:${e.accountId}`] = e;
          writeFileSync(snapshotFile, JSON.stringify(snapshots));
        }
        if (cache) await reload();
        await post(`${floor().url}__register`, JSON.stringify({ body, response: reference.text, fanout: !cache }));
        for (const target of targets) {
          const check = target === ours() ? reference : await verify(target, body, scenario.n);
          checks[target.kind] = { problem: check.problem ?? compareBytes(target.kind, check.text, reference.text) ?? 'ok', bytes: Buffer.byteLength(check.text) };
        }
        if (Object.values(checks).every((c) => c.problem === 'ok')) break;
      }
      const row = { scenario: scenarioName(scenario), ...scenario, responseBytes: Buffer.byteLength(reference.text), runs: {} };
      for (const [index, target] of targets.entries()) {
        // One request alone: the exact upstream calls it costs.
        await fakes.drain(target.kind);
        await fakes.reset(target.kind);
        await verify(target, body, scenario.n);
        await fakes.drain(target.kind);
        const single = await fakes.stats(target.kind);
        const run = await measure(target, fakes, scenario, body, distinct);
        run.verified = checks[target.kind].problem;
        run.upstreamSingleRequest = single.calls;
        run.responseBytes = checks[target.kind].bytes;
        row.runs[target.kind] = run;
        if (!run.upstreamDrained) {
          // Still working through abandoned requests (the naive subgraph at N=500 x 32): that work
          // would steal the CPU from the next measurement, so start the target afresh instead.
          log(`${target.kind} still busy after its run; restarting it`);
          await stopProcess(target.child);
          targets[index] = await start(target.kind, cache);
        }
      }
      results.push(row);
      const s = row.runs.subgraph;
      log(
        `${row.scenario.padEnd(24)} subgraph p50 ${s.p50Ms} ms ${s.reqPerSec.toFixed(1)} req/s ${s.cpuMsPerRequest?.toFixed(1)} cpu-ms/req upstream single ${s.upstreamSingleRequest}, under load ${s.upstreamPerRequest?.toFixed(2)}/req (distinct ${distinct})${s.verified === 'ok' ? '' : ` [${s.verified}]`}` +
          Object.entries(row.runs)
            .filter(([k]) => k !== 'subgraph')
            .map(([k, r]) => ` | ${k} p50 ${r.p50Ms} ${r.reqPerSec.toFixed(1)}/s ${r.cpuMsPerRequest?.toFixed(1)} cpu-ms/req${r.verified === 'ok' ? '' : ` [${r.verified}]`}`)
            .join(''),
      );
    }
    for (const t of targets) await stopProcess(t.child);
  }
  await stopProcess(fakes.child);

  let refresh = null;
  if (refreshSelected) {
    log(`${REFRESH_NAME}: ${REFRESH_SECONDS} s (bench/refresh-ahead.bench.ts)`);
    refresh = await refreshAhead();
    for (const line of refresh.table) log(line);
  }

  const machine = {
    nproc: execSync('nproc').toString().trim(),
    node: process.version,
    cpu: (/^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown').trim(),
    date: new Date().toISOString(),
    latencyMs: LATENCY_MS,
    durationSeconds: DURATION,
    upstreamConnections: UPSTREAM_CONNECTIONS,
    totalSeconds: (Date.now() - started) / 1000,
    baseline: BASELINE,
    refreshSeconds: REFRESH_SECONDS,
  };
  if (ONLY) {
    // `node bench/report.mjs <that file>` renders it (over BENCHMARKS.md: check out the file afterwards).
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ machine, results, refreshAhead: refresh }, null, 2));
    log(`partial run (BENCH_ONLY=${process.env.BENCH_ONLY}) in ${machine.totalSeconds.toFixed(0)} s; BENCHMARKS.md left alone, results in ${join(dir, 'results.json')}`);
    return;
  }
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify({ machine, query: QUERY, fullQuery: FULL_QUERY, results, refreshAhead: refresh }, null, 2)}\n`);
  const { writeReport } = await import('./report.mjs');
  writeReport(ROOT, machine, results, refresh);
  log(`done in ${machine.totalSeconds.toFixed(0)} s: bench/results.json, BENCHMARKS.md, bench/p50-latency.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
