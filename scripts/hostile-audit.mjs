#!/usr/bin/env node
// Hostile audit: runs the built subgraph (dist/main.js) as production runs it, behind a hostile
// fake Simpsy on loopback, and replays known attacks (a quadratic amount, error amplification
// through aliases, memo growth, full-width card digits, inexact JSON numbers, APQ mismatches,
// metric label exhaustion, tenant probing, bad configuration, Redis down, SIGTERM, router
// secret rotation). Prints one line per finding.
//
//   npm run audit:hostile            (builds, then audits this checkout)
//   node scripts/hostile-audit.mjs DIR  (audits the built dist/ of another checkout)
//
// The findings are figures to read, not assertions: the tests hold the assertions (see README,
// Security). Run it against an older build (`git worktree add`) to compare before and after.
//
// Only loopback traffic; every loop is bounded.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, createSign, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const repo = resolve(process.argv[2] ?? '.');
const results = [];
const report = (name, value) => {
  results.push([name, value]);
  console.log(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
};

// ---- hostile Simpsy -------------------------------------------------------------------------
const sample = () => ({
  call_route: 'Simultaneous',
  payment_method: 'Visa',
  payment_details: '411111******1111',
  creditlimit: '$500.00',
  billingcycle: '2018-04-08',
  plan: { name: 'SME', price: '$24.90', no_of_agents: '5', storage: '3GB', crm: '1' },
  addon: null,
  total_monthly: '$24.90',
});
let memoCounter = 0;
const bodies = {
  'key-ok': () => sample(),
  'key-other': () => sample(),
  'key-quad': () => ({ ...sample(), creditlimit: `1${'.'.repeat(150_000)}a1` }),
  'key-memo': () => ({ ...sample(), creditlimit: `$${String(memoCounter++).padStart(8, '0')}${'7'.repeat(900_000)}` }),
  'key-card': () => ({ ...sample(), payment_details: '４１１１１１１１１１１１１１１１' }),
  'key-num': () => ({ ...sample(), creditlimit: '__NUMBER__' }),
  'key-decimals': () => ({ ...sample(), creditlimit: `$1.${'5'.repeat(1_000_001)}` }),
};
const simpsy = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const make = bodies[url.searchParams.get('key')];
  req.resume();
  if (!make) return res.end(JSON.stringify({ status: '401', message: 'Invalid' }));
  let text = JSON.stringify({ status: '200', message: 'Success', result: [make()] });
  text = text.replace('"__NUMBER__"', '12345678901234567.89');
  if (url.pathname.endsWith('/billing/invoice')) text = JSON.stringify({ status: '200', result: [] });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
});
await new Promise((r) => simpsy.listen(0, '127.0.0.1', r));
const simpsyUrl = `http://127.0.0.1:${simpsy.address().port}/api/v1`;

// ---- JWT ------------------------------------------------------------------------------------
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const jwt = (claims) => {
  const head = b64({ alg: 'RS256', typ: 'JWT' });
  const body = b64({ iss: 'audit', aud: 'billing', exp: Math.floor(Date.now() / 1000) + 600, ...claims });
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
  return `${head}.${body}.${sig}`;
};
const token = jwt({ sub: 'u1', tenant: 't1', scope: 'billing:payment:read' });

// ---- the subgraph ---------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
const names = ['ok', 'other', 'quad', 'memo', 'card', 'num', 'decimals'];
writeFileSync(
  join(dir, 'accounts.yaml'),
  `accounts:\n${names.map((n) => `  - { provider: SIMPSY, accountId: sv-${n}, key: key-${n}, secret: s3cret-${n}-${'x'.repeat(8)}, tenant: ${n === 'other' ? 't2' : 't1'} }`).join('\n')}\n`,
);
const ROUTER_SECRET = randomBytes(24).toString('hex');
const baseEnv = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  ROUTER_SECRET,
  SIMPSY_BASE_URL: simpsyUrl,
  DIGIDONAR_BASE_URL: simpsyUrl.replace('/api/v1', ''),
  UPSTREAM_CACHE_TTL_SECONDS: '0',
  UPSTREAM_MAX_BODY_BYTES: String(2 * 1024 * 1024),
  JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }),
  JWT_ISSUER: 'audit',
  JWT_AUDIENCE: 'billing',
  CACHE_KEY_SECRET: randomBytes(32).toString('hex'),
  SHUTDOWN_DRAIN_DELAY_MS: '1500',
  ACCOUNTS_FILE: join(dir, 'accounts.yaml'),
};

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// Every subgraph started here dies with this script, however it ends (a closed pipe included).
const children = new Set();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGPIPE', 'SIGHUP']) process.on(signal, () => process.exit(1));
process.stdout.on('error', () => process.exit(1));

/** Starts dist/main.js; resolves once /healthz answers, or with its output when it exits first. */
async function start(env, { waitReady = true } = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: repo, env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const out = { stdout: '', stderr: '', code: undefined };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise((r) => child.on('exit', (code) => r((out.code = code))));
  if (!waitReady) return { child, port, out, exited };
  for (let i = 0; i < 100 && out.code === undefined; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { child, port, out, exited };
    } catch {}
    await sleep(100);
  }
  return { child, port, out, exited, failed: true };
}

const gql = async (port, body, headers = {}) => {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET, authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
};
const rss = async (port) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Math.round(Number(/^process_resident_memory_bytes (\S+)/m.exec(text)?.[1] ?? 0) / 1e6);
};
const codes = (r) => [...new Set((r.json?.errors ?? []).map((e) => e.extensions?.code))];

const app = await start(baseEnv);
if (app.failed) {
  console.log('subgraph did not start:', app.out.stderr.slice(0, 500), app.out.stdout.slice(0, 500));
  process.exit(1);
}
const { port } = app;
report('rss at start (MB)', await rss(port));

// 1. quadratic money: how long /healthz is blocked while the body is parsed
{
  let worst = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      await fetch(`http://127.0.0.1:${port}/healthz`);
      worst = Math.max(worst, performance.now() - t);
      await sleep(20);
    }
  })();
  const r = await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-quad") { creditLimit { amount raw } } }' });
  polling = false;
  await poller;
  report('1 quadratic amount: query ms', Math.round(r.ms));
  report('1 quadratic amount: worst /healthz ms', Math.round(worst));
  report('1 quadratic amount: codes', codes(r));
}

// 2. error amplification through aliases
{
  const keys = Array.from({ length: 100 }, (_, i) => ({ provider: 'SIMPSY', accountId: `${i}-${'z'.repeat(16_000)}` }));
  const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: accounts(keys: $k) { accountId }`).join(' ');
  const body = JSON.stringify({ query: `query Amp($k: [AccountKeyInput!]!) { ${aliases} }`, variables: { k: keys } });
  const before = await rss(port);
  const r = await gql(port, body);
  report('2 amplification: request bytes', body.length);
  report('2 amplification: response bytes', r.text.length);
  report('2 amplification: status, codes', [r.status, codes(r)]);
  report('2 amplification: rss before/after (MB)', [before, await rss(port)]);
}

// 3. memo growth: distinct 900 KB amounts
{
  // Two rounds: a memo that keeps what it parses grows by the same step each round; a heap that
  // only has not been collected yet does not.
  const samples = [await rss(port)];
  for (let round = 0; round < Number(process.env.MEMO_ROUNDS ?? 2); round += 1) {
    for (let i = 0; i < 150; i += 1) await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-memo") { creditLimit { amount } } }' });
    samples.push(await rss(port));
  }
  report('3 memo: rss before, after 150, after 300 distinct 900 KB amounts (MB)', samples);
}

// 4. full-width card digits
{
  const r = await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-card") { paymentMethod { maskedCardNumber last4 } } }' });
  report('4 full-width card', r.json?.data?.account?.paymentMethod ?? codes(r));
}

// 6. JSON number amount
{
  const r = await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-num") { creditLimit { amount raw } } }' });
  report('6 JSON number amount', r.json?.data?.account?.creditLimit ?? codes(r));
}

// 7. a million decimals; APQ hash mismatch
{
  const r = await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-decimals") { creditLimit { amount } } }' });
  report('7 million decimals: codes', codes(r));
  const errorLinesBefore = app.out.stdout.split('\n').filter((l) => l.includes('"level":50')).length;
  const apq = await gql(port, { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
  await sleep(200);
  const errorLinesAfter = app.out.stdout.split('\n').filter((l) => l.includes('"level":50')).length;
  report('7 APQ mismatch: status, codes, error log lines', [apq.status, codes(apq), errorLinesAfter - errorLinesBefore]);
}

// 8. metric label budget
{
  for (let i = 0; i < 205; i += 1) await gql(port, { query: `query Junk${i} { __typename }` });
  // A real operation is sent a few times, as real ones are: it must win a label back without a restart.
  for (let i = 0; i < 3; i += 1) {
    await gql(port, { query: 'query RealBillingPage { account(provider: SIMPSY, accountId: "sv-ok") { accountId } }' });
  }
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  report('8 label budget: RealBillingPage counted under its name after 205 junk names', metrics.includes('operation="RealBillingPage"'));
}

// 9. tenant probing
{
  const other = await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-other") { accountId } }' });
  const none = await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-nope") { accountId } }' });
  const shape = (r) => (r.json?.errors ?? []).map((e) => `${e.extensions?.code}: ${e.message.replace(/sv-\w+/g, '<id>')}`);
  report('9 tenant probing: other tenant', shape(other));
  report('9 tenant probing: no such account', shape(none));
}

// 5. invoice links are covered by tests (no link in these accounts).

// 15. router secret rotation: the previous secret is still accepted while rotating
{
  const previous = randomBytes(24).toString('hex');
  const rotating = await start({ ...baseEnv, ROUTER_SECRET_PREVIOUS: previous });
  const body = { query: '{ account(provider: SIMPSY, accountId: "sv-ok") { accountId } }' };
  const statuses = [];
  for (const secret of [ROUTER_SECRET, previous, 'wrong-secret-0123456789']) {
    statuses.push((await gql(rotating.port, body, { 'router-authorization': secret })).status);
  }
  rotating.child.kill('SIGKILL');
  await rotating.exited;
  report('15 rotation: current, previous, wrong secret', statuses);
}

// 14. drain: readiness during SIGTERM
{
  app.child.kill('SIGTERM');
  await sleep(300);
  let ready = 'refused';
  let query = 'refused';
  try { ready = (await fetch(`http://127.0.0.1:${port}/readyz`)).status; } catch {}
  try { query = (await gql(port, { query: '{ account(provider: SIMPSY, accountId: "sv-ok") { accountId } }' })).status; } catch {}
  report('14 drain: /readyz and a query 300 ms after SIGTERM', [ready, query]);
  report('14 drain: exit code', await app.exited);
}

// 10, 12, 13: start-up and readiness
{
  const bad = await start({ ...baseEnv, REDIS_URL: 'redis://:pw@[not-a-host' }, { waitReady: true });
  bad.child.kill('SIGKILL');
  await bad.exited;
  report('10 malformed REDIS_URL: started?', !bad.failed);
  report('10 malformed REDIS_URL: stderr', (bad.out.stderr + bad.out.stdout).split('\n').filter(Boolean).slice(0, 2).map((l) => l.slice(0, 160)));
  const priv = await start({ ...baseEnv, JWT_PUBLIC_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }) });
  priv.child.kill('SIGKILL');
  await priv.exited;
  report('10 private key as JWT_PUBLIC_KEY: started?', !priv.failed);
  const { JWT_PUBLIC_KEY: _k, JWT_ISSUER: _i, JWT_AUDIENCE: _a, ...noJwt } = baseEnv;
  const sandbox = await start({ ...noJwt, ACCOUNTS_FILE: '' });
  sandbox.child.kill('SIGKILL');
  await sandbox.exited;
  report('12 production without ACCOUNTS_FILE: started?', !sandbox.failed);
  const redisDown = await start({ ...baseEnv, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  await sleep(3000);
  let status = 'n/a';
  try { status = (await fetch(`http://127.0.0.1:${redisDown.port}/readyz`)).status; } catch {}
  redisDown.child.kill('SIGKILL');
  await redisDown.exited;
  report('13 Redis down: /readyz status', status);
}

simpsy.close();
simpsy.closeAllConnections();
