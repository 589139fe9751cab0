import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { AccountInvoicesDocument, AccountsFreshnessDocument } from '../generated/operations';
import {
  Gate,
  faultAccount,
  faults,
  startFaultSubgraph,
  startFaultUpstream,
  type FakeUpstream,
  type FaultAccount,
  type FaultSubgraph,
} from '../support/fault-upstream';
import { startRedisServer, type RedisServer } from '../support/redis-server';

// Refresh-ahead over fake upstreams on loopback that count every call: a TTL of 2 s whose last
// second is the window, and an entry is hot from its third read. Every wait is bounded, and
// every timing-dependent read checks when it was actually sent and answered against the
// entry's own fetchedAt, so a slow machine cannot make a read land on the wrong side of an edge.

const TTL_MS = 2_000;
const WINDOW_MS = 1_000;
const MIN_READS = 3;
const AHEAD = {
  UPSTREAM_CACHE_TTL_SECONDS: String(TTL_MS / 1000),
  UPSTREAM_REFRESH_AHEAD_SECONDS: String(WINDOW_MS / 1000),
  UPSTREAM_REFRESH_AHEAD_MIN_READS: String(MIN_READS),
  LOG_LEVEL: 'silent',
};
const CACHE_KEY_SECRET = 'refresh-ahead-cache-key-secret-shared-by-instances';

const account = (tag: string) => faultAccount('DIGIDONAR', tag);
const HOT = account('hot');
const COLD = account('cold');
const EARLY = account('early');
const BEFORE = [account('before-1'), account('before-2'), account('before-3')];
const AFTER = [account('after-1'), account('after-2'), account('after-3')];
const CONCURRENT = account('conc');
const SHARED = account('shared');
const FAILING = account('failing');
const OFF = account('off');
const INVOICED = faultAccount('SIMPSY', 'invoiced');
const ALL = [HOT, COLD, EARLY, ...BEFORE, ...AFTER, CONCURRENT, SHARED, FAILING, OFF, INVOICED];

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
const open: FaultSubgraph[] = [];

async function subgraph(env: Record<string, string> = {}): Promise<FaultSubgraph> {
  const started = await startFaultSubgraph({
    digidonar,
    simpsy,
    accounts: ALL,
    env: { ...AHEAD, ...env },
    logDestination: { write: () => undefined },
  });
  open.push(started);
  return started;
}

/** One read of one account: what was served, and when the request left and its answer came back (Date.now()). */
interface Read {
  readonly fetchedAtMs: number;
  readonly stale: boolean;
  readonly refreshError: string | null;
  readonly sentAt: number;
  readonly answeredAt: number;
}

async function read(app: FaultSubgraph, target: FaultAccount): Promise<Read> {
  const sentAt = Date.now();
  const response = await app.query(AccountsFreshnessDocument, {
    keys: [{ provider: target.provider, accountId: target.accountId }],
  });
  const answeredAt = Date.now();
  expect(response.errors).toBeUndefined();
  const freshness = response.data?.accounts[0]?.freshness;
  if (!freshness) throw new Error(`no freshness for ${target.accountId}`);
  return {
    fetchedAtMs: Date.parse(freshness.fetchedAt),
    stale: freshness.stale,
    refreshError: freshness.refreshError?.code ?? null,
    sentAt,
    answeredAt,
  };
}

/** A first read (the miss that fills the cache) and `hits` more: returns when the entry was fetched. */
async function warm(app: FaultSubgraph, target: FaultAccount, hits: number): Promise<number> {
  const first = await read(app, target);
  for (let i = 0; i < hits; i += 1) expect((await read(app, target)).fetchedAtMs).toBe(first.fetchedAtMs);
  return first.fetchedAtMs;
}

/** Sleeps until the entry fetched at `fetchedAtMs` is `ageMs` old. */
async function untilAge(fetchedAtMs: number, ageMs: number): Promise<void> {
  await sleep(Math.max(0, fetchedAtMs + ageMs - Date.now()));
}

/** Waits until `check` holds, polling; throws after `timeoutMs`. */
async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Enough time for a background refresh that had started to reach the fake (it starts within the request). */
const SETTLE_MS = 300;

async function scrape(app: FaultSubgraph): Promise<string> {
  const response = await request(new URL('/metrics', app.url));
  return response.body.text();
}

const refreshAheadLine = (provider: string, resource: string, outcome: string, count: number) =>
  `billing_cache_refresh_ahead_total{provider="${provider}",resource="${resource}",outcome="${outcome}"} ${count}`;

beforeAll(async () => {
  [digidonar, simpsy] = await Promise.all([startFaultUpstream('DIGIDONAR', ALL), startFaultUpstream('SIMPSY', ALL)]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
  digidonar.reset();
  simpsy.reset();
});

afterAll(async () => {
  await digidonar.close();
  await simpsy.close();
});

describe('one instance, in-process cache', () => {
  test('a hot account is refreshed in the window, and the request that started it is answered from the cache without waiting', async () => {
    const app = await subgraph();
    const gate = new Gate();
    // The first call fills the cache; the refresh is held by the fake until the test lets it go.
    digidonar.plan(HOT, faults.ok(), faults.held(gate));
    const fetchedAtMs = await warm(app, HOT, MIN_READS);
    expect(digidonar.attempts(HOT)).toBe(1);

    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    const trigger = await read(app, HOT);
    // Answered while the provider still holds the refresh: it did not wait for it.
    await digidonar.waitForInFlight(1);
    expect(trigger.fetchedAtMs).toBe(fetchedAtMs);
    expect(trigger.stale).toBe(false);
    expect(digidonar.attempts(HOT)).toBe(2);
    expect(digidonar.inFlight).toBe(1);
    // Later reads are answered from the cache too, and start nothing more.
    expect((await read(app, HOT)).fetchedAtMs).toBe(fetchedAtMs);

    gate.open();
    await eventually('the refreshed entry is served', 3_000, async () => (await read(app, HOT)).fetchedAtMs > fetchedAtMs);
    expect(digidonar.attempts(HOT)).toBe(2);
    const metrics = await scrape(app);
    expect(metrics).toContain(refreshAheadLine('DIGIDONAR', 'account', 'ok', 1));
    // The refreshed entry was fetched by the refresh, not by a miss after expiry.
    expect(metrics).toContain('billing_cache_lookups_total{provider="DIGIDONAR",resource="account",result="miss"} 1');
  });

  test('a cold account (fewer reads than the minimum) is not refreshed ahead, and is fetched on expiry as before', async () => {
    const app = await subgraph();
    const fetchedAtMs = await warm(app, COLD, 0);
    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    // The hit before is its MIN_READS - 1 th read.
    for (let i = 0; i < MIN_READS - 1; i += 1) expect((await read(app, COLD)).fetchedAtMs).toBe(fetchedAtMs);
    await sleep(SETTLE_MS);
    expect(digidonar.attempts(COLD)).toBe(1);

    await untilAge(fetchedAtMs, TTL_MS + 100);
    expect((await read(app, COLD)).fetchedAtMs).toBeGreaterThan(fetchedAtMs);
    expect(digidonar.attempts(COLD)).toBe(2);
    expect(await scrape(app)).not.toContain('billing_cache_refresh_ahead_total{');
  });

  test('outside the window, however often an entry is read, nothing happens', async () => {
    const app = await subgraph();
    const fetchedAtMs = await warm(app, EARLY, 0);
    let last: Read | undefined;
    for (let i = 0; i < MIN_READS * 3; i += 1) last = await read(app, EARLY);
    // Every read was answered before the window opened, or this proves nothing.
    expect(last!.answeredAt).toBeLessThan(fetchedAtMs + TTL_MS - WINDOW_MS);
    await sleep(SETTLE_MS);
    expect(digidonar.attempts(EARLY)).toBe(1);
  });

  test('the window edge: a hot read just before it starts nothing; just after it, one refresh', async () => {
    const app = await subgraph();
    // Just before: a read sent 250 ms before the window opens. A slow machine may answer it too
    // late to count as "before": then another account tries again (a bounded number of times).
    let checkedBefore = false;
    for (const target of BEFORE) {
      const fetchedAtMs = await warm(app, target, MIN_READS);
      await untilAge(fetchedAtMs, TTL_MS - WINDOW_MS - 250);
      const justBefore = await read(app, target);
      if (justBefore.answeredAt >= fetchedAtMs + TTL_MS - WINDOW_MS) continue;
      await sleep(SETTLE_MS);
      expect(digidonar.attempts(target)).toBe(1);
      checkedBefore = true;
      break;
    }
    expect(checkedBefore).toBe(true);

    // Just after: a read sent 50 ms into the window, answered from the cache well before expiry.
    let checkedAfter = false;
    for (const target of AFTER) {
      const fetchedAtMs = await warm(app, target, MIN_READS);
      await untilAge(fetchedAtMs, TTL_MS - WINDOW_MS + 50);
      const justAfter = await read(app, target);
      expect(justAfter.sentAt).toBeGreaterThanOrEqual(fetchedAtMs + TTL_MS - WINDOW_MS);
      if (justAfter.answeredAt >= fetchedAtMs + TTL_MS) continue;
      expect(justAfter.fetchedAtMs).toBe(fetchedAtMs);
      await eventually('one refresh of the account', 3_000, () => digidonar.attempts(target) === 2);
      checkedAfter = true;
      break;
    }
    expect(checkedAfter).toBe(true);
    await eventually('the refresh counted', 3_000, async () => (await scrape(app)).includes(refreshAheadLine('DIGIDONAR', 'account', 'ok', 1)));
  });

  test('one refresh per account under concurrent and repeated reads', async () => {
    const app = await subgraph();
    const gate = new Gate();
    digidonar.plan(CONCURRENT, faults.ok(), faults.held(gate));
    const fetchedAtMs = await warm(app, CONCURRENT, MIN_READS);
    await untilAge(fetchedAtMs, WINDOW_MS + 50);

    const concurrent = await Promise.all(Array.from({ length: 20 }, () => read(app, CONCURRENT)));
    for (const served of concurrent) expect(served.fetchedAtMs).toBe(fetchedAtMs);
    await digidonar.waitForInFlight(1);
    for (let i = 0; i < 5; i += 1) expect((await read(app, CONCURRENT)).fetchedAtMs).toBe(fetchedAtMs);
    expect(digidonar.attempts(CONCURRENT)).toBe(2);

    gate.open();
    await eventually('the refreshed entry is served', 3_000, async () => (await read(app, CONCURRENT)).fetchedAtMs > fetchedAtMs);
    await sleep(SETTLE_MS);
    expect(digidonar.attempts(CONCURRENT)).toBe(2);
  });

  test('a failed refresh is counted, the entry is still served until it expires, and stale-if-error applies after', async () => {
    const app = await subgraph({ UPSTREAM_MAX_RETRIES: '0' });
    digidonar.plan(FAILING, faults.ok(), faults.json(503, { error: 'down' }));
    const fetchedAtMs = await warm(app, FAILING, MIN_READS);
    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    await read(app, FAILING);
    await eventually('the failed refresh counted', 3_000, async () =>
      (await scrape(app)).includes(refreshAheadLine('DIGIDONAR', 'account', 'UPSTREAM_UNAVAILABLE', 1)),
    );
    const after = await read(app, FAILING);
    if (after.answeredAt < fetchedAtMs + TTL_MS) {
      // Still within the TTL: the same entry, fresh, as if nothing had happened.
      expect(after).toMatchObject({ fetchedAtMs, stale: false, refreshError: null });
    }

    await untilAge(fetchedAtMs, TTL_MS + 100);
    expect(await read(app, FAILING)).toMatchObject({ fetchedAtMs, stale: true, refreshError: 'UPSTREAM_UNAVAILABLE' });
  });

  test('UPSTREAM_REFRESH_AHEAD_SECONDS=0 turns it off', async () => {
    const app = await subgraph({ UPSTREAM_REFRESH_AHEAD_SECONDS: '0' });
    const fetchedAtMs = await warm(app, OFF, MIN_READS);
    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    for (let i = 0; i < MIN_READS; i += 1) expect((await read(app, OFF)).fetchedAtMs).toBe(fetchedAtMs);
    await sleep(SETTLE_MS);
    expect(digidonar.attempts(OFF)).toBe(1);
    await untilAge(fetchedAtMs, TTL_MS + 100);
    expect((await read(app, OFF)).fetchedAtMs).toBeGreaterThan(fetchedAtMs);
    expect(digidonar.attempts(OFF)).toBe(2);
  });

  test('an invoice list read often enough is refreshed ahead the same way', async () => {
    const app = await subgraph();
    const page = async () => {
      const response = await app.query(AccountInvoicesDocument, { provider: 'SIMPSY', accountId: INVOICED.accountId, first: 2, after: null });
      expect(response.errors).toBeUndefined();
      return Date.parse(response.data!.account!.invoices!.freshness.fetchedAt);
    };
    const fetchedAtMs = await page();
    for (let i = 0; i < MIN_READS; i += 1) expect(await page()).toBe(fetchedAtMs);
    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    expect(await page()).toBe(fetchedAtMs);
    await eventually('the refreshed list is served', 3_000, async () => (await page()) > fetchedAtMs);
    expect(simpsy.attempts(INVOICED, 'invoices')).toBe(2);
    expect(await scrape(app)).toContain(refreshAheadLine('SIMPSY', 'invoices', 'ok', 1));
  });

  test('close() waits for a background refresh in flight', async () => {
    const app = await subgraph();
    const gate = new Gate();
    digidonar.plan(HOT, faults.ok(), faults.held(gate));
    const fetchedAtMs = await warm(app, HOT, MIN_READS);
    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    await read(app, HOT);
    await digidonar.waitForInFlight(1);
    let closed = false;
    // Closed here, not by afterEach.
    open.splice(open.indexOf(app), 1);
    const closing = app.close().then(() => (closed = true));
    await sleep(100);
    expect(closed).toBe(false);
    gate.open();
    await closing;
    expect(digidonar.attempts(HOT)).toBe(2);
  });
});

// node-redis publishes this once per connection, just before 'ready'.
const CONNECTION_READY = 'node-redis:connection:ready';

describe('two instances sharing a real Redis', () => {
  let redis: RedisServer;
  let ready = 0;
  const onReady = (): void => void (ready += 1);

  beforeAll(async () => {
    subscribe(CONNECTION_READY, onReady);
    redis = await startRedisServer();
  });

  afterAll(async () => {
    unsubscribe(CONNECTION_READY, onReady);
    await redis.close();
  });

  test('make one refresh between them', async () => {
    const before = ready;
    const env = { REDIS_URL: redis.url, CACHE_KEY_SECRET, REDIS_TIMEOUT_MS: '2000' };
    const [a, b] = await Promise.all([subgraph(env), subgraph(env)]);
    // A request that beats the Redis handshake is a plain miss: wait for both connections.
    await eventually('both instances connected to Redis', 5_000, () => ready - before >= 2);

    const gate = new Gate();
    digidonar.plan(SHARED, faults.ok(), faults.held(gate));
    const fetchedAtMs = await warm(a, SHARED, MIN_READS);
    for (let i = 0; i < MIN_READS; i += 1) expect((await read(b, SHARED)).fetchedAtMs).toBe(fetchedAtMs);
    expect(digidonar.attempts(SHARED)).toBe(1);

    await untilAge(fetchedAtMs, WINDOW_MS + 50);
    // Both are hot and in the window at once: each would refresh, the lease lets one.
    const both = await Promise.all([read(a, SHARED), read(b, SHARED), read(a, SHARED), read(b, SHARED)]);
    for (const served of both) expect(served.fetchedAtMs).toBe(fetchedAtMs);
    await digidonar.waitForInFlight(1);
    for (const app of [a, b, a, b]) expect((await read(app, SHARED)).fetchedAtMs).toBe(fetchedAtMs);
    expect(digidonar.attempts(SHARED)).toBe(2);

    gate.open();
    for (const app of [a, b]) {
      await eventually('the refreshed entry is served', 3_000, async () => (await read(app, SHARED)).fetchedAtMs > fetchedAtMs);
    }
    await sleep(SETTLE_MS);
    expect(digidonar.attempts(SHARED)).toBe(2);
    const counted = [await scrape(a), await scrape(b)].filter((text) => text.includes(refreshAheadLine('DIGIDONAR', 'account', 'ok', 1)));
    expect(counted).toHaveLength(1);
  });
});
