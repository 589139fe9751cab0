import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { request } from 'undici';

// `npm run stack` as a developer runs it: started on a free gateway port, one federated query
// through the gateway (the very curl it prints), then Ctrl-C, which must stop every part.

const ROOT = resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

interface Stack {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startStack(): Stack {
  // Its own process group, so SIGINT can reach the whole group as a terminal's Ctrl-C does.
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'scripts/local-stack.ts', '--port', '0'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', STACK_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(stack: Stack, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
  const giveUpAt = Date.now() + ms;
  while (Date.now() < giveUpAt) {
    const match = stack.output().match(pattern);
    if (match) return match;
    if (stack.child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no ${pattern} in the stack's output:\n${stack.output()}`);
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** A counter's total over every label set, from Prometheus text. */
function metricTotal(text: string, name: string, labelFilter: RegExp = /.*/): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && labelFilter.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function metricsOf(origin: string): Promise<string> {
  const response = await request(`${origin}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  return response.body.text();
}

describe('npm run stack', () => {
  let stack: Stack | undefined;

  afterEach(async () => {
    // Whatever happened above, nothing of it outlives the test.
    if (stack && stack.child.exitCode === null && stack.child.pid) {
      process.kill(-stack.child.pid, 'SIGKILL');
      await stack.exited;
    }
  });

  it('serves the supergraph through Hive Gateway over two billing instances sharing Redis, and Ctrl-C stops it all', async () => {
    stack = startStack();
    const started = stack;
    await waitForOutput(started, /Try it:\n {2}curl[^\n]*\n {4}-d '[^\n]*'\n/, START_TIMEOUT_MS);
    const out = started.output();
    const gatewayUrl = /gateway {5}(http:\/\/\S+)/.exec(out)?.[1] ?? '';
    const instances = [...out.matchAll(/billing-\d {3}(http:\/\/127\.0\.0\.1:\d+)\/graphql/g)].map((m) => m[1] ?? '');
    const redisPort = Number(/redis {7}redis:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    const curlBody = /-d '([^\n]*)'\n/.exec(out)?.[1] ?? '';
    expect(gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(instances).toHaveLength(2);
    expect(redisPort).toBeGreaterThan(0);
    // No secret is printed: the router secret and the accounts' secrets stay in the processes.
    expect(out).not.toMatch(/demo-[a-z0-9-]*secret|ROUTER_SECRET=|CACHE_KEY_SECRET=/i);

    // The printed curl, as a developer pastes it, four times.
    const answers: Array<{ data?: { companies: Array<{ name: string; telephonyAccounts: Array<Record<string, unknown>> }> } }> = [];
    for (let n = 0; n < 4; n += 1) {
      const response = await request(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: curlBody,
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
      expect(response.statusCode).toBe(200);
      answers.push((await response.body.json()) as (typeof answers)[number]);
    }
    const companies = answers[0]?.data?.companies ?? [];
    expect(companies.map((c) => c.name)).toEqual(['Lavi Group', 'Ganga Handlooms', 'Kaveri Freight Lines']);
    expect(companies[0]?.telephonyAccounts[1]).toMatchObject({ accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' } });
    expect(answers[3]).toEqual(answers[0]);

    // Both instances served, and they share one cache: the five accounts that load were each
    // fetched from the providers once in all (the failed payment is never cached).
    const metrics = await Promise.all(instances.map(metricsOf));
    for (const text of metrics) expect(metricTotal(text, 'billing_graphql_requests_total')).toBeGreaterThan(0);
    const fetched = metrics.map((text) => metricTotal(text, 'billing_upstream_requests_total', /outcome="ok"/));
    expect(fetched[0]! + fetched[1]!).toBe(5);
    expect(metrics.map((text) => metricTotal(text, 'billing_cache_lookups_total', /result="hit"/)).reduce((a, b) => a + b)).toBeGreaterThan(0);

    // Ctrl-C: the terminal sends SIGINT to the whole process group.
    process.kill(-(started.child.pid ?? 0), 'SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      started.exited,
      new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(started.output()).toContain('stack stopped');
    const ports = [gatewayUrl, ...instances].map((url) => Number(new URL(url).port));
    for (const port of [...ports, redisPort]) expect(await listening(port)).toBe(false);
  }, START_TIMEOUT_MS + STOP_TIMEOUT_MS + 30_000);
});
