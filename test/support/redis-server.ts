import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createClient, type RedisClientType } from '@redis/client';

/** A real redis-server child process on 127.0.0.1, for the tests that need a shared cache. */
export interface RedisServer {
  /** redis://127.0.0.1:PORT, with the password when one was asked for. */
  readonly url: string;
  readonly port: number;
  /** Kills the server with SIGKILL (an outage, not a shutdown) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Freezes it with SIGSTOP: connections stay open and nothing is answered (a hung server). */
  pause(): void;
  /** Lets a paused server go on with SIGCONT. */
  resume(): void;
  /** Stops it for good; safe to call twice. */
  close(): Promise<void>;
}

export interface RedisServerOptions {
  /** Sets `--requirepass`; the url then carries it. */
  password?: string;
}

const READY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 5;

/**
 * The redis-server binary: REDIS_SERVER_BIN, else `redis-server` on PATH. Throws (so the suite
 * fails, never skips) when there is none: CI installs it (.ci/run).
 */
export function redisServerBinary(): string {
  return findBinary('redis-server', 'REDIS_SERVER_BIN');
}

/** The redis-cli binary (it creates clusters): REDIS_CLI_BIN, else `redis-cli` on PATH; throws when there is none. */
export function redisCliBinary(): string {
  return findBinary('redis-cli', 'REDIS_CLI_BIN');
}

function findBinary(name: string, variable: string): string {
  const fromEnv = process.env[variable];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`${variable}=${fromEnv} is not an executable file`);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    `${name} was not found on PATH: the Redis cache tests need a real Redis. Install it ` +
      '(Debian/Ubuntu: apt-get install -y --no-install-recommends redis-server, which brings redis-cli; .ci/run does this) ' +
      `or set ${variable} to its path.`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A port nobody listens on right now: bound on port 0, then released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** A started redis-server process, with what it printed (for the error message when it dies early). */
interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  hasExited(): boolean;
  output(): string;
}

function spawnRedis(binary: string, port: number, password: string | undefined, extra: readonly string[] = []): Running {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    ...(password === undefined ? [] : ['--requirepass', password]),
    ...extra,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const keep = (chunk: Buffer) => {
    // The last few kB are enough to say why it stopped.
    printed = (printed + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      keep(Buffer.from(String(error)));
      exited = true;
      resolve();
    });
  });
  return { child, exited: exitedPromise, hasExited: () => exited, output: () => printed };
}

/** Resolves once the server answers PING; rejects when it exits first or never answers. */
async function waitForPing(running: Running, url: string): Promise<void> {
  const giveUpAt = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (running.hasExited()) throw new Error(`redis-server exited before answering PING:\n${running.output()}`);
    const client = createClient({ url, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const reply = await client.ping();
      await client.close();
      if (reply === 'PONG') return;
    } catch {
      // Not listening yet; a client that never connected is already closed.
      if (client.isOpen) client.destroy();
    }
    if (Date.now() > giveUpAt) {
      throw new Error(`redis-server did not answer PING within ${READY_TIMEOUT_MS} ms:\n${running.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function kill(running: Running | undefined): Promise<void> {
  if (!running || running.hasExited()) return;
  running.child.kill('SIGKILL');
  await running.exited;
}

/** Starts redis-server on a free loopback port, without persistence; resolves once it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  const password = options.password;
  const urlFor = (port: number) =>
    password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;

  // Kills the server if the test process goes away without closing it.
  let current: Running | undefined;
  const onExit = () => current?.child.kill('SIGKILL');
  process.once('exit', onExit);

  const startOn = async (port: number): Promise<void> => {
    const running = spawnRedis(binary, port, password);
    current = running;
    try {
      await waitForPing(running, urlFor(port));
    } catch (error) {
      await kill(running);
      throw error;
    }
  };

  let port = 0;
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    try {
      await startOn(port);
      break;
    } catch (error) {
      // Another process may have taken the port between freePort() and redis-server's bind.
      const inUse = /address already in use|EADDRINUSE/i.test(String(error));
      if (!inUse || attempt >= START_ATTEMPTS) {
        process.off('exit', onExit);
        throw error;
      }
    }
  }

  const url = urlFor(port);
  let closed = false;
  return {
    url,
    port,
    stop: () => kill(current),
    pause: () => void current?.child.kill('SIGSTOP'),
    resume: () => void current?.child.kill('SIGCONT'),
    async restart() {
      if (closed) throw new Error('redis-server was closed');
      await kill(current);
      // The same port: clients configured with the url reconnect to it.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await startOn(port);
          return;
        } catch (error) {
          if (!/address already in use|EADDRINUSE/i.test(String(error)) || attempt >= START_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
    async close() {
      closed = true;
      await kill(current);
      process.off('exit', onExit);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A Redis Cluster of real redis-server processes.
// ---------------------------------------------------------------------------------------------

/** One node of a test cluster. */
export interface RedisClusterNode {
  readonly port: number;
  /** redis://127.0.0.1:PORT, with the password when one was asked for. */
  readonly url: string;
  /** Kills it with SIGKILL (the loss of a node, not a shutdown) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with its cluster config file: it rejoins with its old role and slots, empty. */
  restart(): Promise<void>;
  /** Whether its process runs now. */
  running(): boolean;
}

/** A Redis Cluster on loopback, from redis-server processes and `redis-cli --cluster create`. */
export interface RedisCluster {
  readonly nodes: readonly RedisClusterNode[];
  /** The URLs of the first `count` nodes (all by default), comma-separated as REDIS_CLUSTER_NODES takes them. */
  seeds(count?: number): string;
  /** The node serving a key's slot as a master now, as a running node's CLUSTER SLOTS says. */
  masterOf(key: string): Promise<RedisClusterNode>;
  /** One line of CLUSTER INFO (e.g. `cluster_state`) from one node. */
  info(node: RedisClusterNode, field: string): Promise<string | undefined>;
  /**
   * Resolves once every running node says `cluster_state:ok` and knows every node, and every
   * running replica is in sync with its master; throws after `timeoutMs`.
   */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Kills every node and removes their files; safe to call twice. */
  close(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Masters (slots are spread over them); 3 by default, the fewest Redis accepts. */
  masters?: number;
  /** Replicas of each master (`--cluster-replicas`); 0 by default. */
  replicasPerMaster?: number;
  /** `--requirepass` (and `--masterauth`) on every node; the URLs then carry it. */
  password?: string;
  /** `--cluster-node-timeout`: how long a silent node takes to be marked failing. 2000 by default. */
  nodeTimeoutMs?: number;
  /** `--cluster-require-full-coverage`: true (Redis's default) stops the whole cluster while any slot has no master. */
  requireFullCoverage?: boolean;
}

const CLUSTER_CREATE_TIMEOUT_MS = 30_000;
const CLUSTER_OK_TIMEOUT_MS = 20_000;
/** A node's cluster bus listens on its port + 10000. */
const BUS_OFFSET = 10_000;

/** Whether a loopback port can be bound right now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = await freePort();
    if (port + BUS_OFFSET > 65_535 || taken.has(port) || taken.has(port + BUS_OFFSET)) continue;
    if (await portIsFree(port + BUS_OFFSET)) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

function runRedisCli(args: readonly string[], password: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      redisCliBinary(),
      [...args],
      // The password through the environment, not the command line.
      { timeout: CLUSTER_CREATE_TIMEOUT_MS, env: { ...process.env, ...(password === undefined ? {} : { REDISCLI_AUTH: password }) } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cli ${args.slice(0, 2).join(' ')} failed: ${String(error)}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Starts a Redis Cluster on free loopback ports: one redis-server per node (cluster mode, no
 * persistence, config files in a temporary folder), joined by `redis-cli --cluster create`;
 * resolves once every node says the cluster is ok. Kill it with close() (afterAll); the nodes
 * are killed anyway when the test process exits.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const binary = redisServerBinary();
  redisCliBinary();
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  const { password } = options;
  const dir = mkdtempSync(join(tmpdir(), 'billing-redis-cluster-'));
  const urlFor = (port: number) =>
    password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const argsFor = (port: number) => [
    '--cluster-enabled', 'yes',
    '--cluster-config-file', join(dir, `nodes-${port}.conf`),
    '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2_000),
    '--cluster-require-full-coverage', options.requireFullCoverage === false ? 'no' : 'yes',
    '--dir', dir,
    // Replicas sync at once (the default waits 5 s for more replicas): one that never synced cannot take over.
    '--repl-diskless-sync-delay', '0',
    ...(password === undefined ? [] : ['--masterauth', password]),
  ];

  const processes = new Map<number, Running>();
  const killAll = () => {
    for (const running of processes.values()) running.child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const startOn = async (port: number): Promise<void> => {
    const running = spawnRedis(binary, port, password, argsFor(port));
    processes.set(port, running);
    try {
      await waitForPing(running, urlFor(port));
    } catch (error) {
      await kill(running);
      throw error;
    }
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all([...processes.values()].map((running) => kill(running)));
    process.off('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
  };

  const nodes: RedisClusterNode[] = [];
  try {
    const taken = new Set<number>();
    for (let i = 0; i < masters * (1 + replicas); i += 1) {
      let port = 0;
      for (let attempt = 1; ; attempt += 1) {
        port = await freeClusterPort(taken);
        try {
          await startOn(port);
          break;
        } catch (error) {
          // Another process may have taken the port, or the bus port, before redis-server bound it.
          if (!/address already in use|EADDRINUSE/i.test(String(error)) || attempt >= START_ATTEMPTS) throw error;
        }
      }
      taken.add(port).add(port + BUS_OFFSET);
      nodes.push({
        port,
        url: urlFor(port),
        stop: () => kill(processes.get(port)),
        async restart() {
          if (closed) throw new Error('the cluster was closed');
          await kill(processes.get(port));
          for (let attempt = 1; ; attempt += 1) {
            try {
              await startOn(port);
              return;
            } catch (error) {
              if (!/address already in use|EADDRINUSE/i.test(String(error)) || attempt >= START_ATTEMPTS) throw error;
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          }
        },
        running: () => processes.get(port)?.hasExited() === false,
      });
    }
    await runRedisCli(
      ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      password,
    );
  } catch (error) {
    await close();
    throw error;
  }

  /** Runs one command on a node with a short-lived client. */
  const onNode = async <T>(node: RedisClusterNode, command: (client: RedisClientType) => Promise<T>): Promise<T> => {
    const client = createClient({ url: node.url, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await command(client);
    } finally {
      if (client.isOpen) client.destroy();
    }
  };

  const info = async (node: RedisClusterNode, field: string): Promise<string | undefined> => {
    const text = await onNode(node, (client) => client.clusterInfo());
    const line = text.split(/\r?\n/).find((entry) => entry.startsWith(`${field}:`));
    return line?.slice(field.length + 1).trim();
  };

  const cluster: RedisCluster = {
    nodes,
    seeds: (count = nodes.length) => nodes.slice(0, count).map((node) => node.url).join(','),
    info,
    async masterOf(key) {
      const from = nodes.find((node) => node.running());
      if (!from) throw new Error('no node is running');
      const [slot, ranges] = await onNode(from, async (client) => [await client.clusterKeySlot(key), await client.clusterSlots()] as const);
      const range = ranges.find((entry) => entry.from <= slot && slot <= entry.to);
      const node = nodes.find((candidate) => candidate.port === range?.master.port);
      if (!node) throw new Error(`no master serves slot ${slot}`);
      return node;
    },
    async waitUntilOk(timeoutMs = CLUSTER_OK_TIMEOUT_MS) {
      const giveUpAt = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          nodes
            .filter((node) => node.running())
            .map(async (node) => {
              try {
                if ((await info(node, 'cluster_state')) !== 'ok') return false;
                if (Number(await info(node, 'cluster_known_nodes')) !== nodes.length) return false;
                const replication = await onNode(node, (client) => client.info('replication'));
                return !/^role:slave$/m.test(replication) || /^master_link_status:up$/m.test(replication);
              } catch {
                return false;
              }
            }),
        );
        if (states.length > 0 && states.every(Boolean)) return;
        if (Date.now() > giveUpAt) throw new Error(`the Redis Cluster was not ok within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close,
  };
  try {
    await cluster.waitUntilOk();
  } catch (error) {
    await close();
    throw error;
  }
  return cluster;
}
