import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { request } from 'undici';
import { AccountInvoicesDocument } from '../generated/operations';
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
} from '../support/fault-upstream';
import { startRedisServer, type RedisServer } from '../support/redis-server';

// Invoice lists in the Redis every instance shares: the same store as snapshots, keys of their
// own, and the same refresh lease. Two subgraph instances over one real redis-server.

const SEQ = faultAccount('SIMPSY', 'rinv-seq');
const CON = faultAccount('SIMPSY', 'rinv-con');
const ACCOUNTS = [SEQ, CON];

let redis: RedisServer;
let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
let a: FaultSubgraph;
let b: FaultSubgraph;
const logs: string[] = [];

/** Resolves once the instance's /readyz says Redis answers, so no request races the handshake. */
async function redisReady(subgraph: FaultSubgraph): Promise<void> {
  const until = Date.now() + 5_000;
  for (;;) {
    const response = await request(subgraph.url.replace('/graphql', '/readyz'));
    // Readiness stays 200 without Redis; its body says whether Redis answers.
    const body = (await response.body.json()) as { checks?: { redis?: string } };
    if (body.checks?.redis === 'ok') return;
    if (Date.now() > until) throw new Error('Redis not ready for the subgraph');
    await sleep(50);
  }
}

async function instance(): Promise<FaultSubgraph> {
  const subgraph = await startFaultSubgraph({
    digidonar,
    simpsy,
    accounts: ACCOUNTS,
    env: { REDIS_URL: redis.url, UPSTREAM_CACHE_TTL_SECONDS: '60' },
    logDestination: { write: (line) => void logs.push(line) },
  });
  await redisReady(subgraph);
  return subgraph;
}

const invoices = (subgraph: FaultSubgraph, account: FaultAccount) =>
  subgraph.query(AccountInvoicesDocument, { provider: account.provider, accountId: account.accountId, first: 2, after: null });

/** Every key in Redis with its value. */
async function dump(): Promise<Map<string, string>> {
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const entries = new Map<string, string>();
    for await (const keys of client.scanIterator({ MATCH: '*', COUNT: 100 })) {
      for (const key of keys) entries.set(key, (await client.get(key)) ?? '');
    }
    return entries;
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  redis = await startRedisServer();
  [digidonar, simpsy] = await Promise.all([startFaultUpstream('DIGIDONAR', ACCOUNTS), startFaultUpstream('SIMPSY', ACCOUNTS)]);
  [a, b] = await Promise.all([instance(), instance()]);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([digidonar?.close(), simpsy?.close()]);
  await redis?.close();
});

test('sequentially: B is served the invoice list A stored, under a key of its own beside the snapshot', async () => {
  const first = await invoices(a, SEQ);
  expect(first.errors).toBeUndefined();
  expect(simpsy.attempts(SEQ, 'invoices')).toBe(1);
  const second = await invoices(b, SEQ);
  expect(second.errors).toBeUndefined();
  expect(second.data!.account!.invoices!.freshness.fetchedAt).toBe(first.data!.account!.invoices!.freshness.fetchedAt);
  expect(second.data!.account!.invoices!.nodes).toEqual(first.data!.account!.invoices!.nodes);
  expect(simpsy.attempts(SEQ, 'invoices')).toBe(1);
  expect(simpsy.attempts(SEQ, 'snapshot')).toBe(1);

  const keys = [...(await dump()).keys()].filter((key) => key.includes(SEQ.accountId));
  expect(keys.sort()).toEqual([
    expect.stringMatching(/^billing-subgraph:v1:SIMPSY:sv-rinv-seq:[A-Za-z0-9_-]{22}$/),
    expect.stringMatching(/^billing-subgraph:v1:invoices:SIMPSY:sv-rinv-seq:[A-Za-z0-9_-]{22}$/),
  ]);
});

test("concurrently: the lease makes the second instance wait for the first one's invoice list (one call)", async () => {
  const gate = new Gate();
  simpsy.planInvoices(CON, faults.held(gate));
  const fromA = invoices(a, CON);
  const fromB = invoices(b, CON);
  const until = Date.now() + 5_000;
  while (simpsy.attempts(CON, 'invoices') < 1 && Date.now() < until) await sleep(10);
  // Time for both instances to have looked in Redis and asked for the lease.
  await sleep(400);
  expect(simpsy.attempts(CON, 'invoices')).toBe(1);
  gate.open();
  const [ra, rb] = await Promise.all([fromA, fromB]);
  expect(ra.errors).toBeUndefined();
  expect(rb.errors).toBeUndefined();
  expect(rb.data!.account!.invoices!.freshness.fetchedAt).toBe(ra.data!.account!.invoices!.freshness.fetchedAt);
  expect(simpsy.attempts(CON, 'invoices')).toBe(1);
  // The lease is given back once the list is stored.
  expect([...(await dump()).keys()].filter((key) => key.includes(':lease:'))).toEqual([]);
});

test('no key or secret in Redis keys, values or log lines', async () => {
  const forbidden = forbiddenForms(ACCOUNTS);
  const entries = await dump();
  const list = [...entries].find(([key]) => key.includes('invoices:SIMPSY:sv-rinv-seq:'));
  expect(list?.[1]).toContain('INV-3');
  for (const [key, value] of entries) expect(findCanaries(`${key}\n${value}`, forbidden)).toEqual([]);
  expect(findCanaries(logs.join('\n'), forbidden)).toEqual([]);
});
