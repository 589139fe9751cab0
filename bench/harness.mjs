// Pieces shared by bench/run.mjs and bench/profile.mjs: child processes, the fake upstreams,
// the targets under test, request bodies and /proc sampling.
import { spawn, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ACCOUNTS = 500;
const started = Date.now();
export const log = (...args) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...args);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `n` accounts alternating providers, with credentials the fakes check; the accounts file lists the same. */
export function benchAccounts(n = ACCOUNTS) {
  const accounts = [];
  for (let i = 0; i < n; i += 1) {
    const provider = i % 2 === 0 ? 'DIGIDONAR' : 'SIMPSY';
    const accountId = `${provider === 'DIGIDONAR' ? 'dd' : 'sv'}-${Math.floor(i / 2)}`;
    accounts.push({ provider, accountId, key: `bench-${accountId}-key`, secret: `bench-${accountId}-secret` });
  }
  return accounts;
}

export const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Account {
  provider accountId profile { companyName } coins { kind purchased available used } plan { name } monthlyTotal { amount currency } } } }`;

const MONEY = 'amount currency raw';
const TIMESTAMP = 'instant timeZone raw';
const FRESHNESS = 'fetchedAt ageSeconds maxAgeSeconds stale refreshError { code message }';
const STORAGE = 'raw value unit gigabytes';
const PHONE = `raw e164 country countryName monthlyPrice { ${MONEY} }`;
const INVOICE = `id date { date raw } amount { ${MONEY} } status rawStatus url`;
/** Every field of Account, three levels deep (invoices with their default arguments): a billing page's query. */
export const FULL_QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Account {
  provider accountId fetchedAt freshness { ${FRESHNESS} }
  profile { companyName companyAddress adminEmail adminFirstName adminLastName adminPhone { raw e164 country } }
  coins { kind purchased available used usedPercent remainingPercent status }
  validity { serviceOrder createdAt { ${TIMESTAMP} } updatedAt { ${TIMESTAMP} } expiresAt { ${TIMESTAMP} } daysUntilExpiry status }
  deskPhones { ${PHONE} } dids { ${PHONE} }
  plan { name price { ${MONEY} } includedAgents includedStorage { ${STORAGE} } includedCrm }
  addons { kind quantity size { ${STORAGE} } unitPrice { ${MONEY} } totalPrice { ${MONEY} } }
  creditLimit { ${MONEY} } billingCycle { date raw } callRoute paymentMethod { type maskedCardNumber last4 }
  monthlyTotal { ${MONEY} }
  monthlyCharges { lineItems { kind description amount { ${MONEY} } } computedTotal { ${MONEY} } statedTotal { ${MONEY} } difference { ${MONEY} } matches status }
  invoices { edges { cursor node { ${INVOICE} } } nodes { ${INVOICE} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount freshness { ${FRESHNESS} } }
} } }`;

// ------------------------------------------------------------------ processes
const children = new Set();
export function startProcess(name, args, env, input) {
  const stdin = input === undefined ? 'ignore' : 'pipe';
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin.end(input);
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d).length > 20_000 && (stderr = stderr.slice(-10_000)));
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!child.stopping) log(`${name} exited unexpectedly (${code ?? signal}):\n${stderr.slice(-3000)}`);
  });
  return child;
}
export async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
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
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS; // utime + stime
}
export function statusKb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

// ------------------------------------------------------------------ upstream fakes
/**
 * The fake upstreams in their own process: each provider's one fake (src/sandbox, run through
 * @swc-node/register), one set (and counters) per target kind, knowing the bench accounts.
 */
export async function startFakes(latencyMs, kinds) {
  const child = startProcess(
    'fake upstreams',
    ['-r', '@swc-node/register', 'bench/fake-upstreams.ts'],
    { BENCH_LATENCY_MS: String(latencyMs), BENCH_TARGETS: kinds.join(',') },
    JSON.stringify(accounts),
  );
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
    async stats(kind) {
      return (await fetch(`${info.controlUrl}/__stats?target=${kind}`)).json();
    },
    async reset(kind) {
      await fetch(`${info.controlUrl}/__reset?target=${kind}`, { method: 'POST' });
    },
    /** Waits until a target makes no more upstream calls (work it still does for abandoned requests). */
    async drain(kind, maxMs = 30_000) {
      let last = -1;
      for (const until = Date.now() + maxMs; Date.now() < until; ) {
        const s = await this.stats(kind);
        const total = s.calls + s.unknown;
        if (total === last) return true;
        last = total;
        await sleep(250);
      }
      return false;
    },
  };
}

// ------------------------------------------------------------------ targets
/**
 * Starts one target: the subgraph as users run it (subgraph: compiled executor, subgraph-js:
 * graphql-js, baseline: an earlier build), the floor, an SDL-first Apollo subgraph (naive,
 * stock) or the graphql-jit anchor (jit). stock and jit serve `snapshotFile` (see anchor-schema.mjs).
 */
export async function startTarget(kind, fakes, accountsFile, { cache, upstreamConnections, snapshotFile, nodeArgs = [], env = {} }) {
  const port = await freePort();
  const upstream = fakes.targets[kind];
  const common = {
    ACCOUNTS_FILE: accountsFile,
    ...upstream.env,
    PORT: String(port),
    NODE_ENV: 'production',
    UPSTREAM_CONNECTIONS: String(upstreamConnections),
  };
  let child;
  if (kind === 'subgraph' || kind === 'subgraph-js' || kind === 'baseline') {
    // baseline: an earlier build of the subgraph (bench/baseline.sh), for before/after in one run.
    const main = kind === 'baseline' ? 'bench/baseline/dist/main.js' : 'dist/main.js';
    child = startProcess(kind, [...nodeArgs, main], {
      ...common,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true',
      // No load balancer to wait for between runs: stop at once on SIGTERM.
      SHUTDOWN_DRAIN_DELAY_MS: '0',
      // The defaults (100 accounts per query, 16 calls in flight and 100 queued per provider)
      // refuse N=500 and 32 x 50; these are the documented knobs, set as an operator would.
      MAX_ACCOUNTS_PER_QUERY: String(ACCOUNTS),
      UPSTREAM_MAX_CONCURRENCY: String(upstreamConnections),
      UPSTREAM_MAX_QUEUE: '100000',
      ...(cache ? {} : { UPSTREAM_CACHE_TTL_SECONDS: '0' }),
      // Builds before the compiled executor ignore it (they are graphql-js).
      GRAPHQL_EXECUTOR: kind === 'subgraph-js' ? 'graphql-js' : 'compiled',
      ...env,
    });
  } else if (kind === 'floor') {
    child = startProcess(kind, [...nodeArgs, 'bench/floor.mjs'], common);
  } else if (kind === 'jit') {
    child = startProcess(kind, [...nodeArgs, 'bench/jit-anchor.mjs'], { ...common, SCHEMA_FILE: join(ROOT, 'schema.graphql'), SNAPSHOT_FILE: snapshotFile });
  } else if (kind === 'stock') {
    child = startProcess(kind, [...nodeArgs, 'bench/apollo-subgraph.mjs'], { ...common, MODE: kind, SCHEMA_FILE: join(ROOT, 'schema.graphql'), SNAPSHOT_FILE: snapshotFile });
  } else {
    child = startProcess(kind, [...nodeArgs, 'bench/apollo-subgraph.mjs'], { ...common, MODE: kind });
  }
  const url = `http://127.0.0.1:${port}/${kind === 'floor' || kind === 'jit' ? '' : 'graphql'}`;
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

// ------------------------------------------------------------------ requests
export const accounts = benchAccounts();

/**
 * N representations alternating providers; with duplicates, N/2 distinct accounts each sent twice.
 * duplicates = k (a number): every k-th representation repeats the one k-1 before it, so 250 with
 * k=5 is 200 distinct accounts and 50 duplicates.
 */
export function representations(n, duplicates) {
  if (typeof duplicates === 'number') {
    const reps = [];
    let next = 0;
    for (let i = 0; i < n; i += 1) {
      const a = i % duplicates === duplicates - 1 ? accounts[next - (duplicates - 1)] : accounts[next++];
      reps.push({ __typename: 'Account', provider: a.provider, accountId: a.accountId });
    }
    return { reps, distinct: next };
  }
  const distinct = duplicates ? Math.ceil(n / 2) : n;
  const picked = accounts.slice(0, distinct);
  const reps = [];
  for (let i = 0; i < n; i += 1) {
    const a = picked[duplicates ? Math.floor(i / 2) : i];
    reps.push({ __typename: 'Account', provider: a.provider, accountId: a.accountId });
  }
  return { reps, distinct };
}

export function entitiesBody(n, duplicates) {
  return JSON.stringify({ query: QUERY, variables: { r: representations(n, duplicates).reps } });
}

export async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}
