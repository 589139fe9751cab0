import { request } from 'undici';
import { print } from 'graphql';
import { AccountsFreshnessDocument } from '../generated/operations';
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

// The in-process cache and coalescing, over fake upstreams on loopback that count every call.

const DIGI = Array.from({ length: 25 }, (_, i) => faultAccount('DIGIDONAR', `c${i}`));
const SIMPSY = Array.from({ length: 25 }, (_, i) => faultAccount('SIMPSY', `c${i}`));
const ALL = [...DIGI, ...SIMPSY];
const keysOf = (accounts: readonly FaultAccount[]) =>
  accounts.map((a) => ({ provider: a.provider, accountId: a.accountId }));

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
const open: FaultSubgraph[] = [];
const logs: string[] = [];

async function subgraph(env: Record<string, string>): Promise<FaultSubgraph> {
  const started = await startFaultSubgraph({
    digidonar,
    simpsy,
    accounts: ALL,
    // An empty value means "unset": the providers' own cache TTLs (60 s and 300 s) apply.
    env: { LOG_LEVEL: 'silent', UPSTREAM_CACHE_TTL_SECONDS: '', ...env },
    logDestination: { write: (line) => void logs.push(line) },
  });
  open.push(started);
  return started;
}

const calls = () => digidonar.requestCount() + simpsy.requestCount();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts the freshness query over HTTP and returns the body and the Cache-Control header. */
async function freshness(app: FaultSubgraph, accounts: readonly FaultAccount[]) {
  const response = await request(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(AccountsFreshnessDocument), variables: { keys: keysOf(accounts) } }),
  });
  const body = (await response.body.json()) as {
    data: { accounts: Array<{ accountId: string; freshness: Record<string, unknown> } | null> };
    errors?: Array<{ extensions: { code: string } }>;
  };
  return { ...body, cacheControl: response.headers['cache-control'] };
}

beforeAll(async () => {
  digidonar = await startFaultUpstream('DIGIDONAR', ALL);
  simpsy = await startFaultUpstream('SIMPSY', ALL);
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

describe('coalescing', () => {
  test('100 concurrent requests for the same 50 accounts make 50 upstream calls (cache off)', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '0' });
    const gate = new Gate();
    digidonar.everyone = faults.held(gate);
    simpsy.everyone = faults.held(gate);
    // Count the batches that reach the service: one per GraphQL request.
    const service = app.app.service;
    const loadMany = service.loadMany.bind(service);
    let batches = 0;
    service.loadMany = (keys) => {
      batches += 1;
      return loadMany(keys);
    };
    const requests = Array.from({ length: 100 }, () => freshness(app, ALL));
    // The upstream calls are held until every request has asked for its accounts.
    const until = Date.now() + 15_000;
    while (batches < 100 && Date.now() < until) await sleep(10);
    expect(batches).toBe(100);
    gate.open();
    const responses = await Promise.all(requests);
    expect(responses.every((r) => r.errors === undefined && r.data.accounts.length === 50)).toBe(true);
    expect(calls()).toBe(50);
    for (const account of ALL) {
      expect((account.provider === 'DIGIDONAR' ? digidonar : simpsy).attempts(account)).toBe(1);
    }
  });
});

describe('snapshot cache', () => {
  test('a second request is served from the cache, with its age, TTL and a private max-age', async () => {
    const app = await subgraph({});
    const first = await freshness(app, [DIGI[0]!, SIMPSY[0]!]);
    expect(first.errors).toBeUndefined();
    expect(calls()).toBe(2);
    await sleep(1_100);
    const second = await freshness(app, [DIGI[0]!, SIMPSY[0]!]);
    expect(calls()).toBe(2);
    const [digi, sv] = second.data.accounts;
    expect(digi?.freshness).toMatchObject({ maxAgeSeconds: 60, stale: false, refreshError: null });
    expect(sv?.freshness).toMatchObject({ maxAgeSeconds: 300, stale: false, refreshError: null });
    expect(digi?.freshness.ageSeconds).toBeGreaterThanOrEqual(1);
    expect(digi?.freshness.fetchedAt).toBe(first.data.accounts[0]?.freshness.fetchedAt);
    // The least remaining freshness of the response: Digidonar's 60 s minus the age.
    expect(second.cacheControl).toMatch(/^private, max-age=(5[0-9])$/);

    // Lookups are tallied between scrapes: a second scrape must not count them again.
    const scrape = async () => (await request(new URL('/metrics', app.url)).then((r) => r.body.text()));
    const lookups = ['DIGIDONAR', 'SIMPSY'].flatMap((provider) => [
      `billing_cache_lookups_total{provider="${provider}",resource="account",result="miss"} 1`,
      `billing_cache_lookups_total{provider="${provider}",resource="account",result="hit"} 1`,
    ]);
    for (const text of [await scrape(), await scrape()]) {
      for (const line of lookups) expect(text).toContain(line);
    }
    await freshness(app, [DIGI[0]!]);
    expect(await scrape()).toContain('billing_cache_lookups_total{provider="DIGIDONAR",resource="account",result="hit"} 2');
  });

  test('after the TTL the provider is asked again', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '1' });
    await freshness(app, [SIMPSY[1]!]);
    await freshness(app, [SIMPSY[1]!]);
    expect(simpsy.attempts(SIMPSY[1]!)).toBe(1);
    await sleep(1_200);
    await freshness(app, [SIMPSY[1]!]);
    expect(simpsy.attempts(SIMPSY[1]!)).toBe(2);
  });

  test('a failed refresh serves the last good snapshot marked stale, up to the maximum age', async () => {
    const app = await subgraph({
      UPSTREAM_CACHE_TTL_SECONDS: '1',
      UPSTREAM_STALE_MAX_AGE_SECONDS: '3',
      UPSTREAM_MAX_RETRIES: '0',
    });
    const account = DIGI[2]!;
    const good = DIGI[3]!;
    await freshness(app, [account, good]);
    digidonar.plan(account, faults.json(503, { error: 'down' }));
    await sleep(1_200);

    const stale = await freshness(app, [account, good]);
    expect(stale.errors).toBeUndefined();
    expect(stale.data.accounts[0]?.freshness).toMatchObject({
      stale: true,
      refreshError: { code: 'UPSTREAM_UNAVAILABLE', message: expect.stringContaining('Digidonar') },
    });
    expect(stale.data.accounts[1]?.freshness).toMatchObject({ stale: false });
    expect(stale.cacheControl).toBe('no-store');
    expect(logs.join('\n')).toContain('serving the last good snapshot');

    await sleep(2_100);
    const expired = await freshness(app, [account, good]);
    expect(expired.data.accounts[0]).toBeNull();
    expect(expired.errors?.map((e) => e.extensions.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(expired.data.accounts[1]?.accountId).toBe(good.accountId);
    expect(expired.cacheControl).toBe('no-store');
  });

  test('an answer about the account itself (401) is never hidden behind stale data', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '1', UPSTREAM_STALE_MAX_AGE_SECONDS: '60' });
    const account = SIMPSY[4]!;
    await freshness(app, [account]);
    simpsy.plan(account, faults.json(200, { status: '401', message: 'Invalid API Key & Password' }));
    await sleep(1_200);
    const response = await freshness(app, [account]);
    expect(response.data.accounts[0]).toBeNull();
    expect(response.errors?.[0]?.extensions.code).toBe('UPSTREAM_UNAUTHORIZED');
  });

  test('an unknown account gives no-store; the SDL query sets no Cache-Control at all', async () => {
    const app = await subgraph({});
    const unknown = await freshness(app, [faultAccount('SIMPSY', 'not-configured')]);
    expect(unknown.errors?.[0]?.extensions.code).toBe('ACCOUNT_NOT_FOUND');
    expect(unknown.cacheControl).toBe('no-store');
    const sdl = await request(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    await sdl.body.text();
    expect(sdl.headers['cache-control']).toBeUndefined();
  });
});
