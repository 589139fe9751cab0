// End-to-end benchmark: the built subgraph (node dist/main.js, as users run it) against a floor,
// a naive Apollo subgraph and (warm) a stock Apollo subgraph, all over the same fake upstreams.
// Run: npm run bench   (BENCH_LATENCY_MS=50 BENCH_DURATION=3 BENCH_UPSTREAM_CONNECTIONS=64)
import { spawn, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { benchAccounts } from './fake-upstreams.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const UPSTREAM_CONNECTIONS = Number(process.env.BENCH_UPSTREAM_CONNECTIONS ?? 64);
const ACCOUNTS = 500;
const SIZES = [1, 50, 500];
const CONNECTIONS = [1, 32];
const started = Date.now();
const log = (...args) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...args);

const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Account {
  provider accountId profile { companyName } coins { kind purchased available used } plan { name } monthlyTotal { amount currency } } } }`;

// ------------------------------------------------------------------ processes
const children = new Set();
function startProcess(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d).length > 20_000 && (stderr = stderr.slice(-10_000)));
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!child.stopping) log(`${name} exited unexpectedly (${code ?? signal}):\n${stderr.slice(-3000)}`);
  });
  return child;
}
async function stopProcess(child) {
  if (!child || child.exitCode !== null) return;
  child.stopping = true;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitReady(url, child) {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`process for ${url} exited`);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      if (res.status < 500) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} never became ready`);
}

// ------------------------------------------------------------------ /proc sampling
const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS; // utime + stime
}
function statusKb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

// ------------------------------------------------------------------ upstream fakes
async function startFakes() {
  const child = startProcess('fake upstreams', ['bench/fake-upstreams.mjs'], { BENCH_LATENCY_MS: String(LATENCY_MS), BENCH_ACCOUNTS: String(ACCOUNTS) });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', () => reject(new Error('fakes exited')));
  });
  const info = JSON.parse(line);
  return {
    ...info,
    child,
    async stats() {
      return (await fetch(`${info.controlUrl}/__stats`)).json();
    },
    async reset() {
      await fetch(`${info.controlUrl}/__reset`, { method: 'POST' });
    },
  };
}

// ------------------------------------------------------------------ targets
async function startTarget(kind, fakes, accountsFile, cache) {
  const port = await freePort();
  const common = {
    ACCOUNTS_FILE: accountsFile,
    DIGIDONAR_BASE_URL: fakes.digidonarBaseUrl,
    SIMPSY_BASE_URL: fakes.simpsyBaseUrl,
    PORT: String(port),
    NODE_ENV: 'production',
    UPSTREAM_CONNECTIONS: String(UPSTREAM_CONNECTIONS),
  };
  let child;
  if (kind === 'subgraph') {
    child = startProcess(kind, ['dist/main.js'], {
      ...common,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true',
      // The defaults (100 accounts per query, 16 calls in flight and 100 queued per provider)
      // refuse N=500 and 32 x 50; these are the documented knobs, set as an operator would.
      MAX_ACCOUNTS_PER_QUERY: String(ACCOUNTS),
      UPSTREAM_MAX_CONCURRENCY: String(UPSTREAM_CONNECTIONS),
      UPSTREAM_MAX_QUEUE: '100000',
      ...(cache ? {} : { UPSTREAM_CACHE_TTL_SECONDS: '0' }),
    });
  } else if (kind === 'floor') {
    child = startProcess(kind, ['bench/floor.mjs'], common);
  } else {
    child = startProcess(kind, ['bench/apollo-subgraph.mjs'], { ...common, MODE: kind });
  }
  const url = `http://127.0.0.1:${port}/${kind === 'floor' ? '' : 'graphql'}`;
  if (kind === 'floor') {
    for (let i = 0; i < 100; i += 1) {
      try {
        await fetch(url, { method: 'POST', body: 'x' });
        break;
      } catch {
        await sleep(100);
      }
    }
  } else {
    await waitReady(url, child);
  }
  return { kind, url, child, pid: child.pid };
}

// ------------------------------------------------------------------ scenarios
const accounts = benchAccounts(ACCOUNTS);
/** N representations alternating providers; with duplicates, N/2 distinct accounts each sent twice. */
function representations(n, duplicates) {
  const distinct = duplicates ? Math.ceil(n / 2) : n;
  const picked = accounts.slice(0, distinct);
  const reps = [];
  for (let i = 0; i < n; i += 1) {
    const a = picked[duplicates ? Math.floor(i / 2) : i];
    reps.push({ __typename: 'Account', provider: a.provider, accountId: a.accountId });
  }
  return { reps, distinct };
}
const scenarios = [];
for (const cache of [false, true])
  for (const n of SIZES)
    for (const duplicates of [false, true])
      for (const connections of CONNECTIONS) {
        if (duplicates && n === 1) continue;
        scenarios.push({ cache, n, duplicates, connections });
      }
const scenarioName = (s) => `${s.cache ? 'warm' : 'cold'} N=${s.n}${s.duplicates ? ' (2x dup)' : ''} c=${s.connections}`;

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}
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

async function drain(fakes) {
  // Work a target still does after autocannon stopped (abandoned requests) must not count for the next run.
  let last = -1;
  for (let i = 0; i < 100; i += 1) {
    const s = await fakes.stats();
    const total = s.digidonar + s.simpsy + s.unknown;
    if (total === last) return;
    last = total;
    await sleep(200);
  }
}

async function measure(target, fakes, scenario, body, distinct) {
  await drain(fakes);
  await fakes.reset();
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
  const stats = await fakes.stats();
  const completed = result.requests.total;
  const ok = completed - result.non2xx;
  return {
    target: target.kind,
    completed,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Ms: completed ? result.latency.p50 : null,
    p99Ms: completed ? result.latency.p99 : null,
    reqPerSec: completed / DURATION,
    upstreamCalls: stats.digidonar + stats.simpsy,
    upstreamUnknown: stats.unknown,
    upstreamPerRequest: ok ? (stats.digidonar + stats.simpsy) / ok : null,
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
  const fakes = await startFakes();
  log(`fake upstreams up (latency ${LATENCY_MS} ms), ${ACCOUNTS} accounts in ${accountsFile}`);

  const results = [];
  for (const cache of [false, true]) {
    const kinds = cache ? ['subgraph', 'floor', 'stock'] : ['subgraph', 'floor', 'naive'];
    const targets = [];
    for (const kind of kinds) targets.push(await startTarget(kind, fakes, accountsFile, cache));
    log(`${cache ? 'warm' : 'cold'} group: started ${kinds.join(', ')}`);
    // Warm-up: JIT and connection pools, outside the measurements.
    const warmBody = JSON.stringify({ query: QUERY, variables: { r: representations(50, false).reps } });
    const allBody = JSON.stringify({ query: QUERY, variables: { r: representations(ACCOUNTS, false).reps } });
    const floor = targets.find((t) => t.kind === 'floor');
    const ours = targets.find((t) => t.kind === 'subgraph');
    const warmResponse = await verify(ours, warmBody, 50);
    await post(`${floor.url}__register`, JSON.stringify({ body: warmBody, response: warmResponse.text, fanout: !cache }));
    for (const t of targets) await autocannon({ url: t.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: warmBody, connections: 4, duration: 1 });

    for (const scenario of scenarios.filter((s) => s.cache === cache)) {
      const { reps, distinct } = representations(scenario.n, scenario.duplicates);
      const body = JSON.stringify({ query: QUERY, variables: { r: reps } });
      if (cache) await post(ours.url, allBody); // pre-warm every account (refreshes any past their TTL)
      const reference = await verify(ours, body, scenario.n);
      await post(`${floor.url}__register`, JSON.stringify({ body, response: reference.text, fanout: !cache }));
      const row = { scenario: scenarioName(scenario), ...scenario, responseBytes: Buffer.byteLength(reference.text), runs: {} };
      for (const target of targets) {
        // One request alone: the exact upstream calls it costs.
        await drain(fakes);
        await fakes.reset();
        const check = await verify(target, body, scenario.n);
        await drain(fakes);
        const single = await fakes.stats();
        const run = await measure(target, fakes, scenario, body, distinct);
        run.verified = check.problem ?? 'ok';
        run.upstreamSingleRequest = single.digidonar + single.simpsy;
        run.responseBytes = Buffer.byteLength(check.text);
        row.runs[target.kind] = run;
      }
      results.push(row);
      const s = row.runs.subgraph;
      log(
        `${row.scenario.padEnd(24)} subgraph p50 ${s.p50Ms} ms ${s.reqPerSec.toFixed(1)} req/s upstream single ${s.upstreamSingleRequest}, under load ${s.upstreamPerRequest?.toFixed(2)}/req (distinct ${distinct})` +
          Object.entries(row.runs)
            .filter(([k]) => k !== 'subgraph')
            .map(([k, r]) => ` | ${k} p50 ${r.p50Ms} ${r.reqPerSec.toFixed(1)}/s${r.verified === 'ok' ? '' : ` [${r.verified}]`}`)
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
  };
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify({ machine, query: QUERY, results }, null, 2)}\n`);
  const { writeReport } = await import('./report.mjs');
  writeReport(ROOT, machine, results);
  log(`done in ${machine.totalSeconds.toFixed(0)} s: bench/results.json, BENCHMARKS.md, bench/p50-latency.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
