// Profiles the built subgraph under one benchmark scenario with `node --cpu-prof`, then prints
// where the CPU went: by function (self time) and by package or source folder.
// Run: npm run bench:profile -- [--warm] [--n 50] [--c 1] [--dup] [--duration 10] [--executor compiled|graphql-js]
//   --full: the full-selection scenario of npm run bench (warm, 250 = 200 distinct + 50 duplicates,
//   every Account field; --c defaults to 8 there).
// The .cpuprofile lands in bench/profiles/ (open it in Chrome DevTools or speedscope).
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { FULL_QUERY, ROOT, accounts, entitiesBody, log, post, representations, startFakes, startTarget, stopProcess } from './harness.mjs';

const { values } = parseArgs({
  options: {
    warm: { type: 'boolean', default: false },
    n: { type: 'string', default: '50' },
    c: { type: 'string' },
    dup: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    executor: { type: 'string', default: 'compiled' },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
  },
});
if (values.full) values.warm = true;
const n = values.full ? 250 : Number(values.n);
const connections = Number(values.c ?? (values.full ? 8 : 1));
const duration = Number(values.duration);

/** Self and total time per function, and self time per package / source folder. */
export function summarize(profile, top = 30) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const selfUs = new Map();
  for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * interval);
  const where = (frame) => {
    const url = frame.url.replace(/^file:\/\//, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return pkg[1];
    if (url.startsWith(ROOT)) return relative(ROOT, url).split('/').slice(0, 3).join('/');
    if (url.startsWith('node:') || !url) return url || `(${frame.functionName || 'native'})`;
    return url;
  };
  const fn = new Map();
  const area = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    total += us;
    const f = node.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${where(f)}:${f.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    area.set(where(f), (area.get(where(f)) ?? 0) + us);
  }
  const rows = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  void byId;
  return [`total sampled ${(total / 1000).toFixed(0)} ms`, '', 'by package / folder (self):', ...rows(area), '', 'by function (self):', ...rows(fn)].join('\n');
}

async function main() {
  execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'billing-profile-'));
  const accountsFile = join(dir, 'accounts.yaml');
  writeFileSync(accountsFile, stringify({ accounts: accounts.map(({ provider, accountId, key, secret }) => ({ provider, accountId, key, secret })) }));
  const profileDir = join(ROOT, 'bench/profiles');
  mkdirSync(profileDir, { recursive: true });
  const before = new Set(readdirSync(profileDir));
  const fakes = await startFakes(Number(process.env.BENCH_LATENCY_MS ?? 50), ['subgraph']);
  const target = await startTarget('subgraph', fakes, accountsFile, {
    cache: values.warm,
    upstreamConnections: 64,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    env: { GRAPHQL_EXECUTOR: values.executor },
  });
  const body = values.full
    ? JSON.stringify({ query: FULL_QUERY, variables: { r: representations(n, 5).reps } })
    : entitiesBody(n, values.dup);
  const request = { url: target.url, method: 'POST', headers: { 'content-type': 'application/json' }, body };
  const first = await post(target.url, body);
  if (first.status !== 200 || first.text.includes('"errors"')) throw new Error(`bad answer: ${first.text.slice(0, 300)}`);
  await autocannon({ ...request, connections, duration: 2 }); // JIT warm-up
  log(`profiling ${values.warm ? 'warm' : 'cold'}${values.full ? ' full' : ''} N=${n}${values.dup ? ' (2x dup)' : ''} c=${connections} (${values.executor}) for ${duration} s`);
  const result = await autocannon({ ...request, connections, duration });
  log(`${result.requests.total} requests, p50 ${result.latency.p50} ms, ${(result.requests.total / duration).toFixed(1)} req/s`);
  await stopProcess(target.child);
  await stopProcess(fakes.child);
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile') && !before.has(name));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
  console.log(`bench/profiles/${file} (includes start-up and warm-up)\n`);
  console.log(summarize(profile, Number(values.top)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
