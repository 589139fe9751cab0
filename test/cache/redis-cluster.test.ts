import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RedisClientType } from '@redis/client';
import { request } from 'undici';
import { AccountDocument, AccountsDocument, type AccountQuery } from '../generated/operations';
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
import { startRedisCluster, type RedisCluster, type RedisClusterNode } from '../support/redis-server';

// The snapshot cache over a real Redis Cluster: three masters (redis-server processes joined by
// `redis-cli --cluster create`) on loopback, several subgraph instances (each its own createApp)
// in front of the same fake providers, which count every upstream request. The instances get
// REDIS_CLUSTER_NODES; each cluster is killed in afterAll.

const OUTAGE_LINE = 'Redis is unavailable; answering from the upstreams until it is back';
const RECOVERY_LINE = 'Redis is available again; caching across instances resumes';
const PASSWORD = 'cluster-hunter2';
const REDIS_TIMEOUT_MS = 150;
/** Longest a request may take while a shard is down: a few Redis timeouts plus the upstream, with room for a busy machine. */
const OUTAGE_BOUND_MS = 2_000;
/** Starting a cluster: a few processes, `--cluster create`, and the nodes agreeing. */
const CLUSTER_START_MS = 60_000;

const caching = (nodes: string): Record<string, string> => ({
  REDIS_CLUSTER_NODES: nodes,
  REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
  UPSTREAM_CACHE_TTL_SECONDS: '60',
});

/** Accounts of one scenario, both providers, their own credentials each. */
const accounts = (tag: string, count: number): FaultAccount[] =>
  Array.from({ length: count }, (_, i) => faultAccount(i % 2 === 0 ? 'DIGIDONAR' : 'SIMPSY', `${tag}${i}`));

const SEQ = accounts('cseq', 6);
const CON = accounts('ccon', 2);
const MANY = accounts('cmany', 24);
const LOSS = accounts('closs', 8);
const PART = accounts('cpart', 8);
const FAIL = accounts('cfail', 4);
const DOWN = faultAccount('DIGIDONAR', 'cdown');
const ACCOUNTS = [...SEQ, ...CON, ...MANY, ...LOSS, ...PART, ...FAIL, DOWN];
const FORBIDDEN = [...forbiddenForms(ACCOUNTS), PASSWORD];

/** Log lines of one instance, parsed. */
class LogSink {
  readonly lines: string[] = [];
  readonly write = (line: string): void => void this.lines.push(line);
  count(message: string): number {
    return this.lines.filter((line) => (JSON.parse(line) as { msg?: string }).msg === message).length;
  }
  /** The `node` fields of the lines with this message. */
  nodes(message: string): unknown[] {
    return this.lines
      .map((line) => JSON.parse(line) as { msg?: string; node?: unknown })
      .filter((line) => line.msg === message)
      .map((line) => line.node);
  }
}

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
const closers: Array<() => Promise<void>> = [];

function fake(account: FaultAccount): FakeUpstream {
  return account.provider === 'DIGIDONAR' ? digidonar : simpsy;
}

function attempts(account: FaultAccount): number {
  return fake(account).attempts(account);
}

/** A subgraph instance of its own, over the shared fakes, once its cache has read the cluster's slot map. */
async function instance(env: Record<string, string>, logs = new LogSink()): Promise<FaultSubgraph> {
  const subgraph = await startFaultSubgraph({ digidonar, simpsy, accounts: ACCOUNTS, env, logDestination: logs });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= subgraph.close());
  closers.push(close);
  // Until the slot map is known every read is a miss: a first request must not race it.
  await eventually('the cache connected to the cluster', 10_000, async () => {
    const response = await request(subgraph.url.replace('/graphql', '/readyz'));
    return ((await response.body.json()) as { checks?: { redis?: string } }).checks?.redis === 'ok';
  });
  return { ...subgraph, close };
}

function ask(subgraph: FaultSubgraph, account: FaultAccount): Promise<TimedResponse<AccountQuery>> {
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

/** Waits until `check` holds, polling; returns how long it took, or throws after `timeoutMs`. */
async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

/** A plain client of one node, for the test to look at what it holds. */
async function onNode<T>(node: RedisClusterNode, command: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client = createClient({ url: node.url, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await command(client);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** Every key the running masters hold, with its value, by the master that holds it (replicas hold copies). */
async function dump(cluster: RedisCluster): Promise<Map<string, { node: RedisClusterNode; value: string | null }>> {
  const entries = new Map<string, { node: RedisClusterNode; value: string | null }>();
  for (const node of cluster.nodes.filter((candidate) => candidate.running())) {
    await onNode(node, async (client) => {
      if (/^role:master$/m.test(await client.info('replication')) === false) return;
      for await (const keys of client.scanIterator({ MATCH: '*', COUNT: 100 })) {
        for (const key of keys) entries.set(key, { node, value: await client.get(key) });
      }
    });
  }
  return entries;
}

/** The snapshot key of an account (not its lease, not its invoices), as stored. */
function isSnapshotKeyOf(key: string, account: FaultAccount): boolean {
  return key.startsWith(`billing-subgraph:v1:${account.provider}:${account.accountId}:`);
}

/** The master holding each account's snapshot. */
async function homes(cluster: RedisCluster, of: readonly FaultAccount[]): Promise<Map<FaultAccount, RedisClusterNode>> {
  const keys = [...(await dump(cluster)).keys()];
  const result = new Map<FaultAccount, RedisClusterNode>();
  for (const account of of) {
    const key = keys.find((candidate) => isSnapshotKeyOf(candidate, account));
    if (key === undefined) throw new Error(`${account.accountId} is not in the cluster`);
    result.set(account, await cluster.masterOf(key));
  }
  return result;
}

/** Sums of one field of INFO over the running nodes (e.g. `cmdstat_mget` calls). */
async function commandCalls(cluster: RedisCluster, command: string): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes.filter((candidate) => candidate.running())) {
    const text = await onNode(node, (client) => client.info('commandstats'));
    const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

async function errorReplies(cluster: RedisCluster, prefix: string): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes.filter((candidate) => candidate.running())) {
    const text = await onNode(node, (client) => client.info('errorstats'));
    const match = new RegExp(`^errorstat_${prefix}:count=(\\d+)`, 'm').exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

async function startCluster(options: Parameters<typeof startRedisCluster>[0]): Promise<RedisCluster> {
  const cluster = await startRedisCluster(options);
  closers.push(() => cluster.close());
  return cluster;
}

beforeAll(async () => {
  [digidonar, simpsy] = await Promise.all([startFaultUpstream('DIGIDONAR', ACCOUNTS), startFaultUpstream('SIMPSY', ACCOUNTS)]);
  closers.push(
    () => digidonar.close(),
    () => simpsy.close(),
  );
});

afterAll(async () => {
  // Apps first (they hold cluster clients and upstream pools), then the fakes, then the clusters.
  for (const close of closers.splice(0).reverse()) await close();
});

describe('two instances sharing a Redis Cluster (3 masters, with a password)', () => {
  let cluster: RedisCluster;
  let a: FaultSubgraph;
  let b: FaultSubgraph;
  const logs = [new LogSink(), new LogSink()];

  beforeAll(async () => {
    cluster = await startCluster({ password: PASSWORD });
    // Seeds are enough: A knows one node, B the other two; both find all three masters.
    [a, b] = await Promise.all([
      instance(caching(cluster.seeds(1)), logs[0]),
      instance(caching(cluster.nodes.slice(1).map((node) => node.url).join(',')), logs[1]),
    ]);
  }, CLUSTER_START_MS);

  test('sequentially: B is served what A stored, with no upstream call; the entries spread over the masters', async () => {
    expect(a.app.service).not.toBe(b.app.service);
    for (const account of SEQ) {
      const first = expectServed(await ask(a, account), account);
      expect(attempts(account)).toBe(1);
      // The very snapshot A fetched, from the cluster.
      expect(expectServed(await ask(b, account), account)).toBe(first);
      expect(expectServed(await ask(a, account), account)).toBe(first);
      expect(attempts(account)).toBe(1);
    }
    // Sharded for real: the six entries do not all sit on one master.
    const where = await homes(cluster, SEQ);
    expect(new Set(where.values()).size).toBeGreaterThan(1);
  });

  test("concurrently: the lease makes the second instance wait for the first one's answer (one upstream call)", async () => {
    for (const account of CON) {
      const upstream = fake(account);
      const gate = new Gate();
      // The provider is slow: it answers only when the gate opens.
      upstream.plan(account, faults.held(gate));

      const fromA = ask(a, account);
      const fromB = ask(b, account);
      await upstream.waitForInFlight(1);
      // Time for both instances to have looked in the cluster and asked for the lease.
      await sleep(400);
      expect(upstream.attempts(account)).toBe(1);
      expect(upstream.inFlight).toBe(1);
      const leases = [...(await dump(cluster)).keys()].filter(
        (key) => key.includes(':lease:') && key.includes(`:${account.accountId}:`),
      );
      expect(leases).toHaveLength(1);
      gate.open();

      const [ra, rb] = await Promise.all([fromA, fromB]);
      expect(expectServed(rb, account)).toBe(expectServed(ra, account));
      expect(upstream.attempts(account)).toBe(1);
      // Both were held for the slow answer, not served something else meanwhile.
      expect(Math.min(ra.elapsedMs, rb.elapsedMs)).toBeGreaterThanOrEqual(380);
    }
  });

  test('batched reads across slots: a warm query for 24 accounts costs no upstream call and at most one MGET per slot', async () => {
    const keys = MANY.map((account) => ({ provider: account.provider, accountId: account.accountId }));
    const cold = await a.query(AccountsDocument, { keys });
    expect(cold.errors).toBeUndefined();
    expect(MANY.map(attempts)).toEqual(MANY.map(() => 1));

    const stored = [...(await dump(cluster)).keys()].filter((key) => MANY.some((account) => isSnapshotKeyOf(key, account)));
    expect(stored).toHaveLength(MANY.length);
    const slots = new Set(await onNode(cluster.nodes[0]!, (client) => Promise.all(stored.map((key) => client.clusterKeySlot(key)))));
    // Spread over many slots, so one MGET of them all would be refused (CROSSSLOT).
    expect(slots.size).toBeGreaterThan(10);

    const [mgetBefore, getBefore, crossBefore] = [
      await commandCalls(cluster, 'mget'),
      await commandCalls(cluster, 'get'),
      await errorReplies(cluster, 'CROSSSLOT'),
    ];
    const warm = await b.query(AccountsDocument, { keys });
    expect(warm.errors).toBeUndefined();
    expect(warm.data?.accounts.map((account) => account?.accountId)).toEqual(MANY.map((account) => account.accountId));
    expect(MANY.map(attempts)).toEqual(MANY.map(() => 1));
    const mgets = (await commandCalls(cluster, 'mget')) - mgetBefore;
    expect(mgets).toBeGreaterThanOrEqual(1);
    expect(mgets).toBeLessThanOrEqual(slots.size);
    expect((await commandCalls(cluster, 'get')) - getBefore).toBe(0);
    expect(await errorReplies(cluster, 'CROSSSLOT')).toBe(crossBefore);
  });

  test('no key or secret of any account in keys, values or log lines; no outage was logged', async () => {
    const entries = await dump(cluster);
    expect(entries.size).toBeGreaterThanOrEqual(SEQ.length + CON.length + MANY.length);
    expect([...entries.keys()].filter((key) => key.includes(':lease:'))).toEqual([]);
    for (const [key, { value }] of entries) {
      for (const text of [key, value ?? '']) {
        expect(findCanaries(text, FORBIDDEN)).toEqual([]);
        for (const part of [CANARY_KEY, CANARY_SECRET, 'canary']) expect(text).not.toContain(part);
      }
      // Provider, id and a credential fingerprint, as with a single Redis.
      expect(key).toMatch(/^billing-subgraph:v1:(DIGIDONAR|SIMPSY):[a-z0-9-]+:[A-Za-z0-9_-]{22}$/);
    }
    for (const sink of logs) {
      expect(findCanaries(sink.lines.join('\n'), FORBIDDEN)).toEqual([]);
      expect(sink.count(OUTAGE_LINE)).toBe(0);
    }
  });
});

describe('losing a master (Redis default: the whole cluster stops while a slot has no master)', () => {
  let cluster: RedisCluster;
  let a: FaultSubgraph;
  let b: FaultSubgraph;
  const logs = [new LogSink(), new LogSink()];

  beforeAll(async () => {
    cluster = await startCluster({ password: PASSWORD, nodeTimeoutMs: 2_000 });
    [a, b] = await Promise.all([instance(caching(cluster.seeds()), logs[0]), instance(caching(cluster.seeds()), logs[1])]);
  }, CLUSTER_START_MS);

  /** Every account through both instances: each answer right and in bounded time. */
  async function askAll(): Promise<void> {
    for (const account of LOSS) {
      for (const subgraph of [a, b]) {
        const response = await ask(subgraph, account);
        expectServed(response, account);
        expect(response.elapsedMs).toBeLessThan(OUTAGE_BOUND_MS);
      }
    }
  }

  test('every request answered with its own data (from the upstreams while the shard is down), one outage line, caching again after it returns, one recovery line', async () => {
    // Cached while the cluster is whole: one upstream call per account for both instances.
    await askAll();
    expect(LOSS.map(attempts)).toEqual(LOSS.map(() => 1));

    const where = await homes(cluster, LOSS);
    const victim = where.get(LOSS[0]!)!;
    const lost = LOSS.filter((account) => where.get(account) === victim);
    const survivors = cluster.nodes.filter((node) => node !== victim);

    await victim.stop();

    // At once: the lost shard's accounts come from their providers, every time.
    let before = LOSS.map(attempts);
    await askAll();
    for (const account of lost) expect(attempts(account) - before[LOSS.indexOf(account)]!).toBe(2);

    // Once the others see it fail, the whole cluster refuses (CLUSTERDOWN): everything comes from the providers.
    await eventually('the survivors declaring the cluster down', 20_000, async () => {
      const states = await Promise.all(survivors.map((node) => cluster.info(node, 'cluster_state')));
      return states.every((state) => state === 'fail');
    });
    before = LOSS.map(attempts);
    await askAll();
    expect(LOSS.map(attempts)).toEqual(before.map((count) => count + 2));

    for (const sink of logs) {
      expect(sink.count(OUTAGE_LINE)).toBe(1);
      expect(sink.count(RECOVERY_LINE)).toBe(0);
      // The line names the node that failed first, as host:port.
      expect(sink.nodes(OUTAGE_LINE)[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    }

    await victim.restart();
    await cluster.waitUntilOk();
    // Each instance notices by itself (it probes the shards it saw fail), traffic or not.
    for (const sink of logs) await eventually('the recovery line', 15_000, () => sink.count(RECOVERY_LINE) > 0);

    // Caching resumes for every account: the restarted master is empty, so its accounts are fetched once more.
    await eventually('every account served from the cluster again', 15_000, async () => {
      const counts = LOSS.map(attempts);
      await askAll();
      return LOSS.every((account, i) => attempts(account) === counts[i]);
    });

    for (const sink of logs) {
      expect(sink.count(OUTAGE_LINE)).toBe(1);
      expect(sink.count(RECOVERY_LINE)).toBe(1);
      const text = sink.lines.join('\n');
      expect(text).not.toContain(PASSWORD);
      expect(findCanaries(text, FORBIDDEN)).toEqual([]);
    }
  }, 90_000);
});

describe('losing a master with cluster-require-full-coverage no', () => {
  let cluster: RedisCluster;
  let subgraph: FaultSubgraph;
  const logs = new LogSink();

  beforeAll(async () => {
    cluster = await startCluster({ nodeTimeoutMs: 2_000, requireFullCoverage: false });
    subgraph = await instance(caching(cluster.seeds()), logs);
  }, CLUSTER_START_MS);

  test("only the lost shard's accounts cost upstream calls; the other shards keep serving from the cache", async () => {
    for (const account of PART) {
      expectServed(await ask(subgraph, account), account);
      expectServed(await ask(subgraph, account), account);
    }
    expect(PART.map(attempts)).toEqual(PART.map(() => 1));

    const where = await homes(cluster, PART);
    const victim = where.get(PART[0]!)!;
    const lost = PART.filter((account) => where.get(account) === victim);
    const kept = PART.filter((account) => where.get(account) !== victim);
    expect(kept.length).toBeGreaterThan(0);
    const survivor = cluster.nodes.find((node) => node !== victim)!;

    await victim.stop();
    const check = async () => {
      const before = PART.map(attempts);
      for (const account of PART) {
        const response = await ask(subgraph, account);
        expectServed(response, account);
        expect(response.elapsedMs).toBeLessThan(OUTAGE_BOUND_MS);
      }
      for (const account of lost) expect(attempts(account)).toBe(before[PART.indexOf(account)]! + 1);
      for (const account of kept) expect(attempts(account)).toBe(before[PART.indexOf(account)]!);
    };
    await check();
    // Still so once the cluster has marked the master failed: it keeps serving the other slots.
    await eventually('the master marked failed', 20_000, async () => Number(await cluster.info(survivor, 'cluster_slots_fail')) > 0);
    expect(await cluster.info(survivor, 'cluster_state')).toBe('ok');
    await check();
    expect(logs.count(OUTAGE_LINE)).toBe(1);

    await victim.restart();
    await eventually('the recovery line', 20_000, () => logs.count(RECOVERY_LINE) > 0);
    await eventually("the lost shard's accounts cached again", 10_000, async () => {
      const counts = lost.map(attempts);
      for (const account of lost) expectServed(await ask(subgraph, account), account);
      return lost.every((account, i) => attempts(account) === counts[i]);
    });
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(1);
  }, 90_000);

  test('an instance started while no node answers starts, answers, logs the outage once, and caches once the cluster is back', async () => {
    await Promise.all(cluster.nodes.map((node) => node.stop()));
    const lateLogs = new LogSink();
    const started = Date.now();
    const late = await startFaultSubgraph({ digidonar, simpsy, accounts: ACCOUNTS, env: caching(cluster.seeds()), logDestination: lateLogs });
    closers.push(() => late.close());
    expect(Date.now() - started).toBeLessThan(5_000);

    const account = DOWN;
    for (let i = 0; i < 3; i += 1) {
      const response = await ask(late, account);
      expectServed(response, account);
      expect(response.elapsedMs).toBeLessThan(OUTAGE_BOUND_MS);
    }
    expect(attempts(account)).toBe(3);
    await eventually('the outage line', 5_000, () => lateLogs.count(OUTAGE_LINE) > 0);

    // The slot map is asked for again and again (with backoff) until a seed answers.
    await Promise.all(cluster.nodes.map((node) => node.restart()));
    await cluster.waitUntilOk();
    await eventually('the recovery line', 15_000, () => lateLogs.count(RECOVERY_LINE) > 0);
    await eventually('cached once the cluster is back', 10_000, async () => {
      expectServed(await ask(late, account), account);
      const count = attempts(account);
      expectServed(await ask(late, account), account);
      return attempts(account) === count;
    });
    expect(lateLogs.count(OUTAGE_LINE)).toBe(1);
    expect(lateLogs.count(RECOVERY_LINE)).toBe(1);
    expect(lateLogs.lines.join('\n')).not.toContain('redis://');
  }, 60_000);
});

describe('failover: a replica takes over a lost master', () => {
  let cluster: RedisCluster;
  let subgraph: FaultSubgraph;
  const logs = new LogSink();

  beforeAll(async () => {
    cluster = await startCluster({ replicasPerMaster: 1, nodeTimeoutMs: 2_000 });
    subgraph = await instance(caching(cluster.seeds(3)), logs);
  }, CLUSTER_START_MS);

  test('the instance follows the promoted replica and caches again while the old master stays down', async () => {
    for (const account of FAIL) expectServed(await ask(subgraph, account), account);
    const where = await homes(cluster, FAIL);
    const account = FAIL[0]!;
    const victim = where.get(account)!;
    const [key] = [...(await dump(cluster)).keys()].filter((candidate) => isSnapshotKeyOf(candidate, account));

    await victim.stop();
    // Answered meanwhile.
    const response = await ask(subgraph, account);
    expectServed(response, account);
    expect(response.elapsedMs).toBeLessThan(OUTAGE_BOUND_MS);

    await eventually('a replica promoted in its place', 30_000, async () => {
      try {
        return (await cluster.masterOf(key!)) !== victim;
      } catch {
        return false;
      }
    });
    // node-redis would keep routing the slots to the dead master; the cache reads the slot map again.
    await eventually('cached again on the new master', 15_000, async () => {
      expectServed(await ask(subgraph, account), account);
      const count = attempts(account);
      expectServed(await ask(subgraph, account), account);
      return attempts(account) === count;
    });
    expect(victim.running()).toBe(false);
    await eventually('the recovery line', 5_000, () => logs.count(RECOVERY_LINE) > 0);
    expect(logs.count(OUTAGE_LINE)).toBe(1);
    expect(logs.count(RECOVERY_LINE)).toBe(1);
  }, 90_000);
});
