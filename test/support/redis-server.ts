import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { createClient } from '@redis/client';

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
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`REDIS_SERVER_BIN=${fromEnv} is not an executable file`);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    'redis-server was not found on PATH: the Redis cache tests need a real Redis. Install it ' +
      '(Debian/Ubuntu: apt-get install -y --no-install-recommends redis-server; .ci/run does this) ' +
      'or set REDIS_SERVER_BIN to its path.',
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

function spawnRedis(binary: string, port: number, password: string | undefined): Running {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    ...(password === undefined ? [] : ['--requirepass', password]),
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
