// `npm run stack`: the supergraph's local topology in one command, without containers.
//
//   Hive Gateway :4000 ──> balancer ──> billing-1 ─┐
//        │                          └─> billing-2 ─┴─> sandbox providers; one Redis (shared cache)
//        └─────────────> companies (the companion subgraph of rover.yaml)
//
// Two billing processes (src/main.ts through swc, as `npm run dev` runs it) share one
// redis-server, one accounts file, one CACHE_KEY_SECRET and one ROUTER_SECRET; Hive Gateway
// serves rover.yaml's supergraph and adds the router secret to billing's requests. Ctrl-C stops
// everything. deploy/compose is the container version of the same.
//
//   npm run stack                 # gateway on http://localhost:4000/graphql
//   npm run stack -- --port 4100  # or STACK_PORT=4100; 0 picks a free port
//   STACK_LOG_LEVEL=info npm run stack   # the billing instances' log level (default warn)
import '../src/runtime/require-supported-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { startSandbox, type Sandbox } from '../src/sandbox';
import { INSTALLED_PROVIDERS } from '../src/providers/installed';
import { startCompanion } from '../test/federation/companion/companion';
import { freePort, startRedisServer, type RedisServer } from '../test/support/redis-server';
import { startBalancer, type Balancer } from './local-stack/balancer';
import { startHiveGateway, type HiveGateway } from './local-stack/hive-gateway';
import { composeRoverSupergraph } from './local-stack/supergraph';

const ROOT = resolve(__dirname, '..');
const INSTANCES = 2;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** The example a developer can paste: companies from one subgraph, billing joined from the other. */
const EXAMPLE_QUERY =
  '{ companies { name telephonyAccounts { provider accountId plan { name } coins { kind available } } } }';

interface Options {
  host: string;
  port: number;
  logLevel: string;
}

/** `--port N` / `--host H` (or STACK_PORT / STACK_HOST). */
function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flag = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const portText = flag('port') ?? env.STACK_PORT ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535, not ${portText}`);
  return { host: flag('host') ?? env.STACK_HOST ?? '127.0.0.1', port, logLevel: env.STACK_LOG_LEVEL ?? 'warn' };
}

/** One billing process, its output prefixed with its name. */
interface Instance {
  readonly name: string;
  readonly origin: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
}

function startInstance(name: string, port: number, env: Record<string, string>): Instance {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    // No drain delay: nothing but this script routes to the instances, and it stops routing first.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), SHUTDOWN_DRAIN_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
  let exited = false;
  const exitedPromise = new Promise<number | null>((done) => {
    child.once('exit', (code) => {
      exited = true;
      done(code);
    });
    child.once('error', () => {
      exited = true;
      done(null);
    });
  });
  return { name, origin: `http://127.0.0.1:${port}`, child, exited: exitedPromise, hasExited: () => exited };
}

/** Resolves once the instance answers /readyz with 200; rejects if it exits first or takes too long. */
async function waitUntilReady(instance: Instance): Promise<void> {
  const giveUpAt = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < giveUpAt) {
    if (instance.hasExited()) throw new Error(`${instance.name} exited during start-up (see its lines above)`);
    try {
      const response = await request(`${instance.origin}/readyz`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${instance.name} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM (a clean shutdown), then SIGKILL if it is still running after the timeout. */
async function stopInstance(instance: Instance): Promise<void> {
  if (instance.hasExited()) return;
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await instance.exited;
  clearTimeout(timer);
}

/** The sandbox's accounts as an accounts file whose secrets come from the environment. */
function writeAccountsFile(dir: string, sandbox: Sandbox): { path: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const lines = ['accounts:'];
  sandbox.accounts.forEach((account, index) => {
    const variable = `STACK_ACCOUNT_${index}_SECRET`;
    env[variable] = account.secret;
    lines.push(
      `  - provider: ${account.provider}`,
      `    accountId: ${JSON.stringify(account.accountId)}`,
      `    key: ${JSON.stringify(account.key)}`,
      `    secret: "\${${variable}}"`,
      `    description: ${JSON.stringify(account.description)}`,
    );
  });
  const path = join(dir, 'accounts.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { path, env };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env);
  const dir = mkdtempSync(join(tmpdir(), 'billing-stack-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const instances: Instance[] = [];
  let stopping: Promise<void> | null = null;

  /** Stops what was started, newest first; safe to call more than once. */
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();

        } catch (error) {
          process.stderr.write(`stack: while stopping: ${(error as Error).message}\n`);
        }
      }
    })();
    return stopping;
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl-C: no more waiting.
      for (const instance of instances) instance.child.kill('SIGKILL');
      process.exit(1);
    }
    process.stdout.write(`\n${signal}: stopping the stack…\n`);
    void stopAll().then(() => {
      process.stdout.write('stack stopped\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const sandbox = await startSandbox({ providers: INSTALLED_PROVIDERS });
    cleanups.push(() => sandbox.close());
    const redis: RedisServer = await startRedisServer();
    cleanups.push(() => redis.close());
    const accounts = writeAccountsFile(dir, sandbox);

    // One secret of each kind per run, the same for every instance, never printed.
    const routerSecret = randomBytes(24).toString('hex');
    const env = {
      ...accounts.env,
      ACCOUNTS_FILE: accounts.path,
      ...sandbox.env,
      REDIS_URL: redis.url,
      CACHE_KEY_SECRET: randomBytes(32).toString('hex'),
      ROUTER_SECRET: routerSecret,
      LOG_LEVEL: options.logLevel,
    };
    for (let n = 1; n <= INSTANCES; n += 1) {
      const instance = startInstance(`billing-${n}`, await freePort(), env);
      instances.push(instance);
      cleanups.push(() => stopInstance(instance));
    }
    await Promise.all(instances.map(waitUntilReady));

    const balancer: Balancer = await startBalancer(instances.map((i) => i.origin));
    cleanups.push(() => balancer.close());
    const companion = await startCompanion();
    cleanups.push(() => companion.close());

    const supergraphSdl = composeRoverSupergraph({
      urls: { billing: `${balancer.origin}/graphql`, companies: companion.url },
    });
    writeFileSync(join(dir, 'supergraph.graphql'), supergraphSdl);
    const gateway: HiveGateway = await startHiveGateway({
      supergraphSdl,
      host: options.host,
      port: options.port,
      subgraphs: { billing: { forwardAuthorization: true, insert: { 'router-authorization': routerSecret } } },
      logging: 'warn',
    });
    cleanups.push(() => gateway.close());

    // An instance that dies takes the stack down: a half stack would mislead.
    for (const instance of instances) {
      void instance.exited.then((code) => {
        if (stopping) return;
        process.stderr.write(`stack: ${instance.name} exited (${code}); stopping the stack\n`);
        void stopAll().then(() => process.exit(1));
      });
    }

    const body = JSON.stringify({ query: EXAMPLE_QUERY });
    process.stdout.write(
      [
        '',
        'Local stack is up (Ctrl-C stops everything):',
        `  gateway     ${gateway.url}   Hive Gateway, rover.yaml's supergraph`,
        ...instances.map((i) => `  ${i.name.padEnd(11)} ${i.origin}/graphql   needs the router secret; /healthz /readyz /metrics are open`),
        `  balancer    ${balancer.origin}/graphql   round robin over the billing instances`,
        `  companies   ${companion.url}`,
        `  redis       ${redis.url}   shared cache of both instances`,
        `  providers   sandbox ${Object.entries(sandbox.baseUrls).map(([id, url]) => `${id} ${url}`).join(', ')}`,
        `  supergraph  ${join(dir, 'supergraph.graphql')}`,
        '',
        'Try it:',
        `  curl -s ${gateway.url} -H 'content-type: application/json' \\`,
        `    -d '${body}'`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`stack: ${(error as Error).message}\n`);
    await stopAll();
    process.exit(1);
  }
}

void main();
