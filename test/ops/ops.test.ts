import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import { AccountsDocument } from '../generated/operations';
import { FORBIDDEN, canaryAccount } from '../support/canary';
import { startHarness, type Harness } from '../support/harness';
import { closedPort } from '../support/fault-upstream';

// What an operator sees: /metrics, /readyz, and the log lines of requests and upstream attempts.

describe('metrics, readiness and logs', () => {
  let harness: Harness;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startHarness({
      logDestination: { write: (line) => void logs.push(line) },
      extraAccounts: () => [canaryAccount('SIMPSY', 'canary-ops')],
    });
  });
  afterAll(() => harness.close());

  const get = async (path: string) => {
    const response = await request(harness.url.replace('/graphql', path));
    return { status: response.statusCode, type: response.headers['content-type'], text: await response.body.text() };
  };

  test('/metrics shows upstream, cache, batch and GraphQL figures, with no account id or credential', async () => {
    const response = await request(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
      body: JSON.stringify({
        operationName: 'Accounts',
        query: (await import('graphql')).print(AccountsDocument),
        variables: {
          keys: [
            { provider: 'SIMPSY', accountId: 'acme-voice' },
            { provider: 'SIMPSY', accountId: 'lapsed-voice' },
            { provider: 'SIMPSY', accountId: 'canary-ops' },
            { provider: 'DIGIDONAR', accountId: '1408847' },
          ],
        },
      }),
    });
    await response.body.text();

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    for (const line of [
      'billing_upstream_requests_total{provider="SIMPSY",endpoint="snapshot",outcome="ok",status_class="2xx"} 1',
      'billing_upstream_requests_total{provider="SIMPSY",endpoint="snapshot",outcome="UPSTREAM_PAYMENT_REQUIRED",status_class="3xx"} 1',
      'billing_upstream_requests_total{provider="SIMPSY",endpoint="snapshot",outcome="UPSTREAM_UNAUTHORIZED",status_class="4xx"} 1',
      'billing_upstream_breaker_state{provider="DIGIDONAR"} 0',
      'billing_upstream_in_flight{provider="SIMPSY"} 0',
      'billing_dataloader_batch_size_count 1',
      'billing_graphql_requests_total{operation="Accounts",error_code="UPSTREAM_PAYMENT_REQUIRED"} 1',
    ]) {
      expect(metrics.text).toContain(line);
    }
    expect(metrics.text).toContain('billing_upstream_request_duration_seconds_bucket');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    for (const forbidden of ['acme-voice', 'lapsed-voice', '1408847', 'canary-ops', ...FORBIDDEN]) {
      expect(metrics.text).not.toContain(forbidden);
    }
  });

  test('one log line per request with its request id and codes; one debug line per upstream attempt', () => {
    const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLine = lines.find((line) => line.msg === 'graphql request' && line.requestId === 'req-42');
    expect(requestLine).toMatchObject({
      operationName: 'Accounts',
      errorCodes: expect.arrayContaining(['UPSTREAM_PAYMENT_REQUIRED', 'UPSTREAM_UNAUTHORIZED']),
    });
    const attempts = lines.filter((line) => line.msg === 'upstream attempt');
    expect(attempts).toContainEqual(
      expect.objectContaining({ provider: 'SIMPSY', accountId: 'acme-voice', attempt: 1, outcome: 'ok', status: '200' }),
    );
    expect(attempts).toContainEqual(
      expect.objectContaining({ provider: 'SIMPSY', accountId: 'lapsed-voice', outcome: 'UPSTREAM_PAYMENT_REQUIRED', status: '300' }),
    );
    const all = logs.join('\n');
    // No upstream URL either: its path, or Simpsy's query string with the secret.
    const upstreamPaths = ['/billing/details', 'profile_billing', 'secret='];
    for (const forbidden of [...FORBIDDEN, ...harness.sandbox.accounts.flatMap((a) => [a.key, a.secret]), ...upstreamPaths]) {
      expect(all).not.toContain(forbidden);
    }
  });

  test('the operation label heals: after 205 junk names, a real operation gets its own label again within a few requests', async () => {
    const named = (name: string) =>
      request(harness.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operationName: name, query: `query ${name} { __typename }` }),
      }).then((response) => response.body.text());
    for (let i = 0; i < 205; i += 1) await named(`Junk${i}`);
    for (let i = 0; i < 5; i += 1) await named('BillingPage');
    const metrics = await get('/metrics');
    const count = Number(/billing_graphql_requests_total\{operation="BillingPage",error_code="none"\} (\d+)/.exec(metrics.text)?.[1] ?? 0);
    expect(count).toBeGreaterThanOrEqual(3);
    // Never more than 200 names at once, beside "other" and "anonymous".
    const operations = new Set([...metrics.text.matchAll(/billing_graphql_requests_total\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect(operations.size).toBeLessThanOrEqual(202);
  });

  test('/healthz and /readyz answer 200 without Redis', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'ready', checks: { redis: 'not configured' } });
  });

  test('/readyz stays 200 while the configured Redis is unreachable, says so in its body, and GraphQL still answers', async () => {
    // A Redis shared by every replica must not take them all out of the service at once: the
    // cache is an optimisation, and each instance answers from the upstreams without it.
    const port = await closedPort();
    const noRedis = await startHarness({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, DIGIDONAR_BASE_URL: `http://127.0.0.1:${port}` } });
    try {
      const response = await request(noRedis.url.replace('/graphql', '/readyz'));
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toMatchObject({ status: 'ready', checks: { redis: 'unavailable' } });
      // An upstream outage (Digidonar points at the closed port) does not count either.
      const answer = await noRedis.query('{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }');
      expect(answer.data).toEqual({ account: { accountId: 'acme-voice' } });
    } finally {
      await noRedis.close();
    }
  });

  test('with Redis and no CACHE_KEY_SECRET: one warn line says it is missing, never the generated key', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const generated = loadConfig({}).cacheKeySecret.reveal();
    const withRedis = await startHarness({ env: { REDIS_URL: `redis://127.0.0.1:${port}` }, logDestination: { write: (line) => void lines.push(line) } });
    await withRedis.close();
    const configured: string[] = [];
    const withKey = await startHarness({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, CACHE_KEY_SECRET: 'cache-key-5ecret-0123456789abcdef-0123' },
      logDestination: { write: (line) => void configured.push(line) },
    });
    await withKey.close();

    const missing = (logged: string[]) =>
      logged.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.msg.includes('CACHE_KEY_SECRET'));
    expect(missing(lines)).toEqual([expect.objectContaining({ level: 40 })]);
    expect(missing(configured)).toEqual([]);
    for (const line of [...lines, ...configured]) {
      expect(line).not.toContain(generated);
      expect(line).not.toContain('cache-key-5ecret');
    }
  });
});
