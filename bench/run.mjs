// End-to-end benchmark: the built subgraph (node dist/main.js, as users run it) against a floor,
// a naive Apollo subgraph and (warm) a stock Apollo subgraph, all over the same fake upstreams.
// Run: npm run bench   (BENCH_LATENCY_MS=50 BENCH_DURATION=3 BENCH_UPSTREAM_CONNECTIONS=64)
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import {
  ACCOUNTS, QUERY, ROOT, accounts, cpuMs, log, post, representations, startFakes, startTarget, statusKb, stopProcess,
} from './harness.mjs';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const UPSTREAM_CONNECTIONS = Number(process.env.BENCH_UPSTREAM_CONNECTIONS ?? 64);
const SIZES = [1, 50, 500];
const CONNECTIONS = [1, 32];
// BENCH_BASELINE=1: also run the build in bench/baseline/dist (bench/baseline.sh <ref>) in every scenario.
const BASELINE = process.env.BENCH_BASELINE === '1' ? readFileSync(join(ROOT, 'bench/baseline/REF'), 'utf8').trim() : null;
const KINDS = ['subgraph', 'floor', 'naive', 'stock', ...(BASELINE ? ['baseline'] : [])];
const started = Date.now();

const scenarios = [];
for (const cache of [false, true])
  for (const n of SIZES)
    for (const duplicates of [false, true])
      for (const connections of CONNECTIONS) {
        if (duplicates && n === 1) continue;
        scenarios.push({ cache, n, duplicates, connections });
      }
const scenarioName = (s) => `${s.cache ? 'warm' : 'cold'} N=${s.n}${s.duplicates ? ' (2x dup)' : ''} c=${s.connections}`;
// BENCH_ONLY: a regular expression over scenario names, for a quick look while working; such a
// partial run prints its rows and leaves BENCHMARKS.md and bench/results.json alone.
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const selected = scenarios.filter((s) => !ONLY || ONLY.test(scenarioName(s)));

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
async function main() {
  log('building (npm run build)');
  execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-'));
  const accountsFile = join(dir, 'accounts.yaml');
  writeFileSync(accountsFile, stringify({ accounts: accounts.map(({ provider, accountId, key, secret }) => ({ provider, accountId, key, secret })) }));
  const fakes = await startFakes(LATENCY_MS, KINDS);
  log(`fake upstreams up (latency ${LATENCY_MS} ms), ${ACCOUNTS} accounts in ${accountsFile}`);
  const options = (cache) => ({ cache, upstreamConnections: UPSTREAM_CONNECTIONS });

  const results = [];
  for (const cache of [false, true]) {
    if (!selected.some((s) => s.cache === cache)) continue;
    const kinds = [...(cache ? ['subgraph', 'floor', 'stock'] : ['subgraph', 'floor', 'naive']), ...(BASELINE ? ['baseline'] : [])];
    const targets = [];
    for (const kind of kinds) targets.push(await startTarget(kind, fakes, accountsFile, options(cache)));
    log(`${cache ? 'warm' : 'cold'} group: started ${kinds.join(', ')}`);
    // Warm-up: JIT and connection pools, outside the measurements.
    const warmBody = JSON.stringify({ query: QUERY, variables: { r: representations(50, false).reps } });
    const allBody = JSON.stringify({ query: QUERY, variables: { r: representations(ACCOUNTS, false).reps } });
    const floor = () => targets.find((t) => t.kind === 'floor');
    const ours = () => targets.find((t) => t.kind === 'subgraph');
    const warmResponse = await verify(ours(), warmBody, 50);
    await post(`${floor().url}__register`, JSON.stringify({ body: warmBody, response: warmResponse.text, fanout: !cache }));
    for (const t of targets) await autocannon({ url: t.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: warmBody, connections: 4, duration: 1 });

    for (const scenario of selected.filter((s) => s.cache === cache)) {
      const { reps, distinct } = representations(scenario.n, scenario.duplicates);
      const body = JSON.stringify({ query: QUERY, variables: { r: reps } });
      if (cache) await post(ours().url, allBody); // pre-warm every account (refreshes any past their TTL)
      const reference = await verify(ours(), body, scenario.n);
      await post(`${floor().url}__register`, JSON.stringify({ body, response: reference.text, fanout: !cache }));
      const row = { scenario: scenarioName(scenario), ...scenario, responseBytes: Buffer.byteLength(reference.text), runs: {} };
      for (const [index, target] of targets.entries()) {
        // One request alone: the exact upstream calls it costs.
        await fakes.drain(target.kind);
        await fakes.reset(target.kind);
        const check = await verify(target, body, scenario.n);
        await fakes.drain(target.kind);
        const single = await fakes.stats(target.kind);
        const run = await measure(target, fakes, scenario, body, distinct);
        run.verified = check.problem ?? 'ok';
        run.upstreamSingleRequest = single.calls;
        run.responseBytes = Buffer.byteLength(check.text);
        row.runs[target.kind] = run;
        if (!run.upstreamDrained) {
          // Still working through abandoned requests (the naive subgraph at N=500 x 32): that work
          // would steal the CPU from the next measurement, so start the target afresh instead.
          log(`${target.kind} still busy after its run; restarting it`);
          await stopProcess(target.child);
          targets[index] = await startTarget(target.kind, fakes, accountsFile, options(cache));
        }
      }
      results.push(row);
      const s = row.runs.subgraph;
      log(
        `${row.scenario.padEnd(24)} subgraph p50 ${s.p50Ms} ms ${s.reqPerSec.toFixed(1)} req/s ${s.cpuMsPerRequest?.toFixed(1)} cpu-ms/req upstream single ${s.upstreamSingleRequest}, under load ${s.upstreamPerRequest?.toFixed(2)}/req (distinct ${distinct})` +
          Object.entries(row.runs)
            .filter(([k]) => k !== 'subgraph')
            .map(([k, r]) => ` | ${k} p50 ${r.p50Ms} ${r.reqPerSec.toFixed(1)}/s ${r.cpuMsPerRequest?.toFixed(1)} cpu-ms/req${r.verified === 'ok' ? '' : ` [${r.verified}]`}`)
            .join(''),
      );
    }
    for (const t of targets) await stopProcess(t.child);
  }
  await stopProcess(fakes.child);

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
  };
  if (ONLY) {
    log(`partial run (BENCH_ONLY=${process.env.BENCH_ONLY}) in ${machine.totalSeconds.toFixed(0)} s; BENCHMARKS.md left alone`);
    return;
  }
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify({ machine, query: QUERY, results }, null, 2)}\n`);
  const { writeReport } = await import('./report.mjs');
  writeReport(ROOT, machine, results);
  log(`done in ${machine.totalSeconds.toFixed(0)} s: bench/results.json, BENCHMARKS.md, bench/p50-latency.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
