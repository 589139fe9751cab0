import { createHash } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { AccountDocument, type AccountQuery } from '../generated/operations';
import { CANARY_KEY, CANARY_SECRET } from '../support/canary';
import {
  Gate,
  faultAccount,
  faults,
  findCanaries,
  forbiddenForms,
  startFaultSubgraph,
  startFaultUpstream,
  type FakeUpstream,
  type FaultAccount,
  type FaultSubgraph,
  type TimedResponse,
} from '../support/fault-upstream';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server';

// The snapshot cache over a real Redis (a redis-server child process per scenario) and real
// HTTP: several subgraph instances, each its own createApp (its own in-process state), share
// one Redis in front of the same fake providers, and the fakes count every upstream request.

const OUTAGE_LINE = 'Redis is unavailable; answering from the upstreams until it is back';
const RECOVERY_LINE = 'Redis is available again; caching across instances resumes';
const PASSWORD = 'hunter2pass';
const REDIS_TIMEOUT_MS = 150;
/** Longest a request may take while Redis is down: a few Redis timeouts plus the upstream, with room for a busy machine. */
const OUTAGE_BOUND_MS = 2_000;

/** The HMAC key of cache keys: every instance sharing a Redis has the same one, as in production. */
const CACHE_KEY_SECRET = 'cache-key-5ecret-1f0c9a7e-shared-by-every-instance';

/**
 * The Redis timeout where Redis is healthy and no outage is expected: a 2-core machine running
 * two jest legs can stall a 150 ms operation, which would log a (false) outage and fail them.
 */
const HEALTHY_REDIS_TIMEOUT_MS = 2_000;

const caching = (redisUrl: string, ttlSeconds = 60, timeoutMs = REDIS_TIMEOUT_MS): Record<string, string> => ({
  REDIS_URL: redisUrl,
  CACHE_KEY_SECRET,
  REDIS_TIMEOUT_MS: String(timeoutMs),
  UPSTREAM_CACHE_TTL_SECONDS: String(ttlSeconds),
});

// Every account has its own canary credentials, and each scenario its own accounts.
const SEQ_D = faultAccount('DIGIDONAR', 'seq');
const SEQ_S = faultAccount('SIMPSY', 'seq');
const CON_D = faultAccount('DIGIDONAR', 'con');
const CON_S = faultAccount('SIMPSY', 'con');
const ROT_D = faultAccount('DIGIDONAR', 'rot');
const ROT_S = faultAccount('SIMPSY', 'rot');
/** Same provider and id as ROT_D, the secret rotated. */
const ROT_D_NEW: FaultAccount = { ...ROT_D, secret: `${ROT_D.secret}-rotated` };
/** Same provider and id as ROT_S, the key rotated. */
const ROT_S_NEW: FaultAccount = { ...ROT_S, key: `${ROT_S.key}-rotated` };
const TTL_D = faultAccount('DIGIDONAR', 'ttl');
const OUT_D = faultAccount('DIGIDONAR', 'out');
const OUT_S = faultAccount('SIMPSY', 'out');
const BACK_D = faultAccount('DIGIDONAR', 'back');
const DOWN_D = faultAccount('DIGIDONAR', 'down');
const DOWN_S = faultAccount('SIMPSY', 'down');
const PASS_D = faultAccount('DIGIDONAR', 'pass');
const SLOW_D = faultAccount('DIGIDONAR', 'slow');
const HUNG_D = faultAccount('DIGIDONAR', 'hung');
const HUNG_S = faultAccount('SIMPSY', 'hung');
const KEY_D = faultAccount('DIGIDONAR', 'key');
const ACCOUNTS = [KEY_D, SEQ_D, SEQ_S, CON_D, CON_S, ROT_D, ROT_S, TTL_D, OUT_D, OUT_S, BACK_D, DOWN_D, DOWN_S, PASS_D, SLOW_D, HUNG_D, HUNG_S];
const FORBIDDEN = [...forbiddenForms([...ACCOUNTS, ROT_D_NEW, ROT_S_NEW]), PASSWORD];

/**
 * Every unkeyed SHA-256 of an account's credentials a reader of Redis could check guesses
 * against: of the key, of the secret, of both joined in the obvious ways and in the way the
 * fingerprint was once made; as hex, base64 and base64url, and truncated to the 22 characters of
 * a cache key's fingerprint.
 */
function unkeyedDigests(account: FaultAccount): string[] {
  const inputs = [
    account.key,
    account.secret,
    `${account.key}${account.secret}`,
    `${account.key}:${account.secret}`,
    `${account.key}\0${account.secret}`,
    `billing-subgraph/credentials/v1\0${account.key}\0${account.secret}`,
  ];
  return inputs.flatMap((input) => {
    const digest = createHash('sha256').update(input).digest();
    return (['hex', 'base64', 'base64url'] as const).flatMap((encoding) => {
      const text = digest.toString(encoding);
      return [text, text.slice(0, 22)];
    });
  });
}

/** Log lines of one instance, parsed. */
class LogSink {
  readonly lines: string[] = [];
  readonly write = (line: string): void => void this.lines.push(line);
  count(message: string): number {
    return this.lines.filter((line) => (JSON.parse(line) as { msg?: string }).msg === message).length;
  }
}

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
const closers: Array<() => Promise<void>> = [];

/** A subgraph instance of its own (createApp), over the shared fakes unless others are given. */
async function instance(
  env: Record<string, string>,
  options: { logs?: LogSink; accounts?: FaultAccount[]; fakes?: [FakeUpstream, FakeUpstream] } = {},
): Promise<FaultSubgraph> {
  const [d, s] = options.fakes ?? [digidonar, simpsy];
  const subgraph = await startFaultSubgraph({
    digidonar: d,
    simpsy: s,
    accounts: options.accounts ?? ACCOUNTS,
    env,
    logDestination: options.logs ?? new LogSink(),
  });
  // Closed by afterAll, or earlier by a test: once either way.
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= subgraph.close());
  closers.push(close);
  return { ...subgraph, close };
}

function ask(subgraph: FaultSubgraph, account: Pick<FaultAccount, 'provider' | 'accountId'>): Promise<TimedResponse<AccountQuery>> {
  return subgraph.query(AccountDocument, { provider: account.provider, accountId: account.accountId });
}

/** The account's own data (the fakes name companies and plans after the account), without errors. */
function expectServed(response: TimedResponse<AccountQuery>, account: FaultAccount): string {
  expect(response.status).toBe(200);
  expect(response.errors).toBeUndefined();
  const served = response.data?.account;
  expect(served?.accountId).toBe(account.accountId);
  if (account.provider === 'DIGIDONAR') expect(served?.profile?.companyName).toBe(`Company ${account.accountId}`);
  else expect(served?.plan?.name).toBe(`Plan ${account.accountId}`);
  return served?.fetchedAt ?? '';
}

function fake(account: FaultAccount): FakeUpstream {
  return account.provider === 'DIGIDONAR' ? digidonar : simpsy;
}

/** Waits until `check` holds, polling; returns how long it took, or throws after `timeoutMs`. */
async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

// Every node-redis connection that completes its handshake, by server port, from the client's
// own diagnostics channel (published just before its 'ready' event).
const CONNECTION_READY = 'node-redis:connection:ready';
const readyConnections = new Map<number, number>();
const onConnectionReady = (message: unknown): void => {
  const port = Number((message as { serverPort?: unknown }).serverPort);
  readyConnections.set(port, (readyConnections.get(port) ?? 0) + 1);
};
subscribe(CONNECTION_READY, onConnectionReady);

/**
 * Starts subgraph instances and waits until each one's Redis connection has completed its
 * handshake, so that a test's first request does not race it (that race has a test of its own).
 */
async function connectedInstances<T extends readonly FaultSubgraph[]>(port: number, start: () => Promise<T>): Promise<T> {
  const before = readyConnections.get(port) ?? 0;
  const started = await start();
  await eventually(`${started.length} subgraph connections to Redis`, 5_000, () => {
    return (readyConnections.get(port) ?? 0) - before >= started.length;
  });
  return started;
}

/** A client of the test itself, to look at what Redis holds. */
async function adminClient(redis: RedisServer) {
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
type AdminClient = Awaited<ReturnType<typeof adminClient>>;

/** A TCP proxy to Redis that holds every connection's bytes until release(): a slow first connection. */
async function startHoldingProxy(targetPort: number) {
  const gate = new Gate();
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((downstream) => {
    track(downstream);
    downstream.pause();
    void gate.opened.then(() => {
      if (downstream.destroyed) return;
      const upstream = connect(targetPort, '127.0.0.1');
      track(upstream);
      upstream.once('close', () => downstream.destroy());
      downstream.once('close', () => upstream.destroy());
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      downstream.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    release: () => gate.open(),
    close: async () => {
      gate.open();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  [digidonar, simpsy] = await Promise.all([startFaultUpstream('DIGIDONAR', ACCOUNTS), startFaultUpstream('SIMPSY', ACCOUNTS)]);
  closers.push(
    () => digidonar.close(),
    () => simpsy.close(),
  );
});

afterAll(async () => {
  // Apps first (they hold Redis clients and upstream pools), then the fakes, then Redis.
  for (const close of closers.splice(0).reverse()) await close();
  unsubscribe(CONNECTION_READY, onConnectionReady);
});

describe('two instances sharing one Redis', () => {
  let redis: RedisServer;
  let admin: AdminClient;
  let a: FaultSubgraph;
  let b: FaultSubgraph;
  let rotatedD: FakeUpstream;
  let rotatedS: FakeUpstream;
  let rotated: FaultSubgraph;
  let otherKey: FaultSubgraph;
  const logs: LogSink[] = [];

  /** Every key in Redis with its value(s) as text. */
  async function dump(): Promise<Map<string, string>> {
    const entries = new Map<string, string>();
    for await (const keys of admin.scanIterator({ MATCH: '*', COUNT: 100 })) {
      for (const key of keys) {
        const type = await admin.type(key);
        let value: unknown;
        if (type === 'string') value = await admin.get(key);
        else if (type === 'hash') value = await admin.hGetAll(key);
        else if (type === 'set') value = await admin.sMembers(key);
        else if (type === 'list') value = await admin.lRange(key, 0, -1);
        else if (type === 'zset') value = await admin.zRange(key, 0, -1);
        else value = `<${type}>`;
        entries.set(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    return entries;
  }

  async function keysFor(account: Pick<FaultAccount, 'provider' | 'accountId'>, lease = false): Promise<string[]> {
    const keys = [...(await dump()).keys()];
    const id = `${account.provider}:${account.accountId}:`;
    return keys.filter((key) => key.includes(id) && key.includes(':lease:') === lease);
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    closers.push(() => redis.close());
    admin = await adminClient(redis);
    closers.push(async () => void (await admin.close()));

    [rotatedD, rotatedS] = await Promise.all([
      startFaultUpstream('DIGIDONAR', [ROT_D_NEW]),
      startFaultUpstream('SIMPSY', [ROT_S_NEW]),
    ]);
    closers.push(
      () => rotatedD.close(),
      () => rotatedS.close(),
    );
    const sink = () => {
      const s = new LogSink();
      logs.push(s);
      return s;
    };
    [a, b, rotated, otherKey] = await connectedInstances(redis.port, () =>
      Promise.all([
        instance(caching(redis.url, 60, HEALTHY_REDIS_TIMEOUT_MS), { logs: sink() }),
        instance(caching(redis.url, 60, HEALTHY_REDIS_TIMEOUT_MS), { logs: sink() }),
        // The same accounts, with a rotated credential each, against providers that know only the new ones.
        instance(caching(redis.url, 60, HEALTHY_REDIS_TIMEOUT_MS), { logs: sink(), accounts: [ROT_D_NEW, ROT_S_NEW], fakes: [rotatedD, rotatedS] }),
        // The same Redis and accounts, another CACHE_KEY_SECRET: a misconfigured instance.
        instance({ ...caching(redis.url, 60, HEALTHY_REDIS_TIMEOUT_MS), CACHE_KEY_SECRET: `${CACHE_KEY_SECRET}-other` }, { logs: sink() }),
      ]),
    );
  });

  test('sequentially: B is served from what A stored in Redis, with no upstream call', async () => {
    expect(a.app.service).not.toBe(b.app.service);
    for (const account of [SEQ_D, SEQ_S]) {
      const first = expectServed(await ask(a, account), account);
      expect(fake(account).attempts(account)).toBe(1);

      const second = expectServed(await ask(b, account), account);
      expect(fake(account).attempts(account)).toBe(1);
      // The very snapshot A fetched.
      expect(second).toBe(first);
      // And A again, from Redis too.
      expect(expectServed(await ask(a, account), account)).toBe(first);
      expect(fake(account).attempts(account)).toBe(1);
    }
  });

  test('concurrently: the lease makes the second instance wait for the first one\'s answer (one upstream call)', async () => {
    for (const account of [CON_D, CON_S]) {
      const upstream = fake(account);
      const gate = new Gate();
      // The provider is slow: it answers only when the gate opens.
      upstream.plan(account, faults.held(gate));

      const fromA = ask(a, account);
      const fromB = ask(b, account);
      await upstream.waitForInFlight(1);
      // Time for both instances to have looked in Redis and asked for the lease.
      await sleep(400);
      expect(upstream.attempts(account)).toBe(1);
      expect(upstream.inFlight).toBe(1);
      // One instance holds the lease; the other is waiting on it.
      expect(await keysFor(account, true)).toHaveLength(1);
      gate.open();

      const [ra, rb] = await Promise.all([fromA, fromB]);
      expect(expectServed(rb, account)).toBe(expectServed(ra, account));
      expect(upstream.attempts(account)).toBe(1);
      // Both were held for the slow answer, not served something else meanwhile.
      expect(Math.min(ra.elapsedMs, rb.elapsedMs)).toBeGreaterThanOrEqual(380);
      // The lease is given back once the snapshot is stored.
      expect(await keysFor(account, true)).toEqual([]);
      expect(await keysFor(account)).toHaveLength(1);
    }
  });

  test('instances share entries only with the same CACHE_KEY_SECRET: another key finds nothing', async () => {
    expectServed(await ask(a, KEY_D), KEY_D);
    expect(digidonar.attempts(KEY_D)).toBe(1);
    expectServed(await ask(b, KEY_D), KEY_D);
    expect(digidonar.attempts(KEY_D)).toBe(1);
    // The same account and credentials, fingerprinted with another key: another cache key.
    expectServed(await ask(otherKey, KEY_D), KEY_D);
    expect(digidonar.attempts(KEY_D)).toBe(2);
    const keys = await keysFor(KEY_D);
    expect(keys).toHaveLength(2);
  });

  test('a rotated credential (same provider and id) never gets the entry cached under the old one', async () => {
    const cases: Array<[FaultAccount, FaultAccount, FakeUpstream]> = [
      [ROT_D, ROT_D_NEW, rotatedD], // secret rotated
      [ROT_S, ROT_S_NEW, rotatedS], // key rotated
    ];
    for (const [old, renewed, renewedUpstream] of cases) {
      expectServed(await ask(a, old), old);
      expect(fake(old).attempts(old)).toBe(1);

      // Same (provider, accountId), other credentials: its own upstream call, not A's entry.
      expectServed(await ask(rotated, renewed), renewed);
      expect(renewedUpstream.attempts(renewed)).toBe(1);
      expect(fake(old).attempts(old)).toBe(1);

      // Each is then served its own entry.
      expectServed(await ask(a, old), old);
      expectServed(await ask(rotated, renewed), renewed);
      expect(fake(old).attempts(old)).toBe(1);
      expect(renewedUpstream.attempts(renewed)).toBe(1);
      expect(await keysFor(old)).toHaveLength(2);
    }
  });

  test('TTL through Redis: a hit within it, a new upstream call once it has passed', async () => {
    const env = { ...caching(redis.url, 1, HEALTHY_REDIS_TIMEOUT_MS), UPSTREAM_STALE_MAX_AGE_SECONDS: '2' };
    const [t1, t2] = await connectedInstances(redis.port, () => Promise.all([instance(env), instance(env)]));

    const started = Date.now();
    const first = expectServed(await ask(t1, TTL_D), TTL_D);
    expect(digidonar.attempts(TTL_D)).toBe(1);
    expect(expectServed(await ask(t2, TTL_D), TTL_D)).toBe(first);
    expect(digidonar.attempts(TTL_D)).toBe(1);
    // Within the TTL for both requests, or the hit above proves nothing.
    expect(Date.now() - started).toBeLessThan(1_000);

    // Redis drops the entry itself after max(TTL, stale max age).
    const [key] = await keysFor(TTL_D);
    const pttl = await admin.pTTL(key!);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(2_000);

    await sleep(Math.max(0, 1_200 - (Date.now() - started)));
    const refreshed = expectServed(await ask(t2, TTL_D), TTL_D);
    expect(digidonar.attempts(TTL_D)).toBe(2);
    expect(Date.parse(refreshed)).toBeGreaterThan(Date.parse(first));
    // And the refreshed entry is shared again.
    expect(expectServed(await ask(t1, TTL_D), TTL_D)).toBe(refreshed);
    expect(digidonar.attempts(TTL_D)).toBe(2);
  });

  test('no key or secret of any account in Redis keys, values or log lines', async () => {
    const entries = await dump();
    // The scenarios above stored one entry per account and credential pair, and left no lease.
    const snapshots = [...entries.keys()].filter((key) => !key.includes(':lease:'));
    expect(snapshots.length).toBeGreaterThanOrEqual(8);
    expect([...entries.keys()].filter((key) => key.includes(':lease:'))).toEqual([]);
    for (const [key, value] of entries) {
      expect(findCanaries(key, FORBIDDEN)).toEqual([]);
      expect(findCanaries(value, FORBIDDEN)).toEqual([]);
      for (const part of [CANARY_KEY, CANARY_SECRET, 'canary']) {
        expect(key).not.toContain(part);
        expect(value).not.toContain(part);
      }
    }
    // What is stored is the snapshot, under provider, id and a credential fingerprint.
    const seq = [...entries].find(([key]) => key.includes('DIGIDONAR:dd-seq:'));
    expect(seq?.[0]).toMatch(/^billing-subgraph:v1:DIGIDONAR:dd-seq:[A-Za-z0-9_-]{22}$/);
    expect(seq?.[1]).toContain('Company dd-seq');

    // Nor anything a reader of Redis could test guessed credentials against offline: no unkeyed
    // SHA-256 of them, in any encoding or truncation, and neither the HMAC key.
    const unkeyed = [...ACCOUNTS, ROT_D_NEW, ROT_S_NEW].flatMap(unkeyedDigests);
    expect(unkeyed.length).toBeGreaterThan(100);
    for (const [key, value] of entries) {
      for (const digest of [...unkeyed, CACHE_KEY_SECRET]) {
        if (key.includes(digest) || value.includes(digest)) throw new Error(`Redis holds ${digest} in ${key}`);
      }
    }

    for (const sink of logs) {
      expect(findCanaries(sink.lines.join('\n'), FORBIDDEN)).toEqual([]);
      expect(sink.count(OUTAGE_LINE)).toBe(0);
    }
  });
});

describe('Redis killed and restarted under load', () => {
  let redis: RedisServer;
  let subgraph: FaultSubgraph;
  const logs = new LogSink();

  beforeAll(async () => {
    redis = await startRedisServer();
    closers.push(() => redis.close());
    [subgraph] = await connectedInstances(redis.port, async () => [await instance(caching(redis.url), { logs })]);
  });

  test('answers from the upstreams in bounded time, logs the outage once, and caches again after a restart', async () => {
    // Cached while Redis is up.
    expectServed(await ask(subgraph, OUT_D), OUT_D);
    expectServed(await ask(subgraph, OUT_D), OUT_D);
    expect(digidonar.attempts(OUT_D)).toBe(1);

    await redis.stop();

    // Sequential requests: each answered by the provider (nothing to read from), each in bounded time.
    const elapsed: number[] = [];
    const sequential = 10;
    for (let i = 0; i < sequential; i += 1) {
      const account = i % 2 === 0 ? OUT_D : OUT_S;
      const response = await ask(subgraph, account);
      expectServed(response, account);
      elapsed.push(response.elapsedMs);
    }
    expect(digidonar.attempts(OUT_D)).toBe(1 + sequential / 2);
    expect(simpsy.attempts(OUT_S)).toBe(sequential / 2);

    // A burst at once, both providers.
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const account = i % 2 === 0 ? OUT_D : OUT_S;
        return ask(subgraph, account).then((response) => {
          expectServed(response, account);
          return response.elapsedMs;
        });
      }),
    );
    elapsed.push(...burst);
    expect(Math.max(...elapsed)).toBeLessThan(OUTAGE_BOUND_MS);
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(0);

    await redis.restart();
    // The client reconnects on its own (backoff up to 2 s) and says so once.
    await eventually('the recovery line', 8_000, () => logs.count(RECOVERY_LINE) > 0);

    // Within a few seconds, a second request for an account is served from Redis again.
    await eventually('a cache hit after the restart', 8_000, async () => {
      expectServed(await ask(subgraph, BACK_D), BACK_D);
      const afterFirst = digidonar.attempts(BACK_D);
      expectServed(await ask(subgraph, BACK_D), BACK_D);
      return digidonar.attempts(BACK_D) === afterFirst;
    });
    expect(digidonar.attempts(BACK_D)).toBeGreaterThanOrEqual(1);
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(1);
    expect(findCanaries(logs.lines.join('\n'), FORBIDDEN)).toEqual([]);
  }, 30_000);
});

describe('Redis hung (SIGSTOP): connections open, nothing answered', () => {
  let redis: RedisServer;
  let subgraph: FaultSubgraph;
  const logs = new LogSink();

  beforeAll(async () => {
    redis = await startRedisServer();
    closers.push(() => redis.close());
    [subgraph] = await connectedInstances(redis.port, async () => [await instance(caching(redis.url), { logs })]);
  });

  test('each request is bounded by REDIS_TIMEOUT_MS, the outage is logged once, and the cache is back after SIGCONT', async () => {
    expectServed(await ask(subgraph, HUNG_D), HUNG_D);
    expectServed(await ask(subgraph, HUNG_D), HUNG_D);
    expect(digidonar.attempts(HUNG_D)).toBe(1);

    redis.pause();
    const elapsed: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const account = i % 2 === 0 ? HUNG_D : HUNG_S;
      const response = await ask(subgraph, account);
      expectServed(response, account);
      elapsed.push(response.elapsedMs);
    }
    // Nothing could be read: every request went upstream, none waited on Redis for long.
    expect(digidonar.attempts(HUNG_D)).toBe(1 + 4);
    expect(simpsy.attempts(HUNG_S)).toBe(4);
    expect(Math.max(...elapsed)).toBeLessThan(OUTAGE_BOUND_MS);
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(0);

    redis.resume();
    // The entry stored before the hang is served again within a few seconds.
    await eventually('a cache hit after SIGCONT', 8_000, async () => {
      const before = digidonar.attempts(HUNG_D);
      expectServed(await ask(subgraph, HUNG_D), HUNG_D);
      return digidonar.attempts(HUNG_D) === before;
    });
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(1);
  }, 30_000);
});

describe('Redis down at start-up, and a Redis password', () => {
  test('an instance started while Redis is down starts, answers, logs the outage once and never the URL', async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const logs = new LogSink();

    const started = Date.now();
    const subgraph = await instance(caching(url), { logs });
    expect(Date.now() - started).toBeLessThan(5_000);

    const elapsed: number[] = [];
    for (const account of [DOWN_D, DOWN_S, DOWN_D, DOWN_S, DOWN_D, DOWN_S]) {
      const response = await ask(subgraph, account);
      expectServed(response, account);
      elapsed.push(response.elapsedMs);
    }
    expect(Math.max(...elapsed)).toBeLessThan(OUTAGE_BOUND_MS);
    expect(digidonar.attempts(DOWN_D)).toBe(3);
    expect(simpsy.attempts(DOWN_S)).toBe(3);

    await eventually('the outage line', 3_000, () => logs.count(OUTAGE_LINE) > 0);
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(0);
    const text = logs.lines.join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(url);
    expect(findCanaries(text, FORBIDDEN)).toEqual([]);

    // Closing does not wait on a Redis that never answered.
    const closing = Date.now();
    await subgraph.close();
    expect(Date.now() - closing).toBeLessThan(3_000);
  });

  test('a first connection still being set up when requests arrive is not reported as an outage', async () => {
    const redis = await startRedisServer();
    closers.push(() => redis.close());
    const proxy = await startHoldingProxy(redis.port);
    closers.push(() => proxy.close());
    const logs = new LogSink();
    // Connected at the TCP level at once; the handshake's answers are held until release().
    const subgraph = await instance(caching(`redis://127.0.0.1:${proxy.port}`), { logs });

    // Well within the connect timeout (1 s): the upstreams answer meanwhile.
    const started = Date.now();
    for (let i = 0; i < 2; i += 1) {
      const response = await ask(subgraph, SLOW_D);
      expectServed(response, SLOW_D);
      expect(response.elapsedMs).toBeLessThan(OUTAGE_BOUND_MS);
    }
    expect(digidonar.attempts(SLOW_D)).toBe(2);
    const before = readyConnections.get(proxy.port) ?? 0;
    proxy.release();
    await eventually('the connection through the proxy', 5_000, () => (readyConnections.get(proxy.port) ?? 0) > before);
    expect(Date.now() - started).toBeLessThan(1_000);

    // Then cached as usual; and Redis was never down, so neither line was logged.
    await eventually('a cache hit once connected', 3_000, async () => {
      expectServed(await ask(subgraph, SLOW_D), SLOW_D);
      const afterFirst = digidonar.attempts(SLOW_D);
      expectServed(await ask(subgraph, SLOW_D), SLOW_D);
      return digidonar.attempts(SLOW_D) === afterFirst;
    });
    expect(logs.count(OUTAGE_LINE)).toBe(0);
    expect(logs.count(RECOVERY_LINE)).toBe(0);
  });

  test('with a password: caches through an authenticated Redis, and when it dies the logs hold no password', async () => {
    const redis = await startRedisServer({ password: PASSWORD });
    closers.push(() => redis.close());
    expect(redis.url).toContain(PASSWORD);
    const logs = new LogSink();
    const [subgraph] = await connectedInstances(redis.port, async () => [await instance(caching(redis.url), { logs })]);

    expectServed(await ask(subgraph, PASS_D), PASS_D);
    expectServed(await ask(subgraph, PASS_D), PASS_D);
    expect(digidonar.attempts(PASS_D)).toBe(1);

    await redis.stop();
    for (let i = 0; i < 4; i += 1) {
      const response = await ask(subgraph, PASS_D);
      expectServed(response, PASS_D);
      expect(response.elapsedMs).toBeLessThan(OUTAGE_BOUND_MS);
    }
    expect(digidonar.attempts(PASS_D)).toBe(5);
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    const text = logs.lines.join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(redis.url);
    expect(findCanaries(text, FORBIDDEN)).toEqual([]);
  });
});
