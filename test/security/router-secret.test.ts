import { inspect } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/config-error';
import { loadSecurityConfig } from '../../src/config/security-config';
import { routerSecretHook } from '../../src/server/security/router-secret';
import { startHarness, type Harness } from '../support/harness';

// The router's shared secret: checked in an onRequest hook, before the body is read or any
// GraphQL runs, so a caller without it learns nothing and costs nothing.
const SECRET = 'rtr-5ecret-d41c7e9b-only-the-router';
/** The secret being rotated out (ROUTER_SECRET_PREVIOUS). */
const PREVIOUS = 'rtr-0ld-5ecret-73aa01c2-rotating-out';
const QUERY = '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } } }';

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const responses: string[] = [];

async function send(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await request(url, {
    method: options.method ?? 'POST',
    headers: options.method === 'GET' ? options.headers : { 'content-type': 'application/json', ...options.headers },
    body: options.method === 'GET' ? undefined : (options.body ?? JSON.stringify({ query: QUERY })),
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const text = await response.body.text();
  responses.push(text);
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text };
}

/** The 401 every request without the right secret gets: JSON, one error, no data. */
function expectRefused(answer: Answer): void {
  expect(answer.status).toBe(401);
  expect(answer.contentType).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { data?: unknown; errors: Array<{ message: string; extensions: { code: string } }> };
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  expect(typeof body.errors[0]?.message).toBe('string');
}

describe('router secret over HTTP', () => {
  let harness: Harness;
  let custom: Harness;
  const logs: string[] = [];
  const destination = { write: (line: string) => void logs.push(line) };

  beforeAll(async () => {
    harness = await startHarness({ env: { ROUTER_SECRET: SECRET }, logDestination: destination });
    custom = await startHarness({
      env: { ROUTER_SECRET: SECRET, ROUTER_SECRET_HEADER: 'X-Router-Secret' },
      logDestination: destination,
    });
  });

  afterAll(async () => {
    await harness?.close();
    await custom?.close();
  });

  test('no header: 401 UNAUTHENTICATED as JSON, and no upstream call', async () => {
    const before = harness.upstreamCalls();
    expectRefused(await send(harness.url));
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('the GraphQL layer never runs: a broken body, a broken query, an oversized body, a GET, all 401', async () => {
    const before = harness.upstreamCalls();
    // Not JSON at all: without the secret this must be 401, not the parser's 400.
    expectRefused(await send(harness.url, { body: '{ not json' }));
    // JSON, but the GraphQL does not parse.
    expectRefused(await send(harness.url, { body: JSON.stringify({ query: '{ account(' }) }));
    // Not even a GraphQL content type.
    expectRefused(await send(harness.url, { headers: { 'content-type': 'text/plain' }, body: 'hello' }));
    // Far over the body limit (2 MiB by default): refused before the body is read.
    expectRefused(await send(harness.url, { body: JSON.stringify({ query: QUERY, pad: 'x'.repeat(3 * 1024 * 1024) }) }));
    expectRefused(await send(`${harness.url}?query=${encodeURIComponent(QUERY)}`, { method: 'GET' }));
    expect(harness.upstreamCalls()).toBe(before);
  });

  test.each([
    ['a wrong value', { 'router-authorization': 'rtr-5ecret-d41c7e9b-only-the-routeR' }],
    ['a prefix of the secret', { 'router-authorization': SECRET.slice(0, -1) }],
    ['the secret with extra characters', { 'router-authorization': `${SECRET}x` }],
    ['an empty value', { 'router-authorization': '' }],
    ['the secret as a Bearer value', { 'router-authorization': `Bearer ${SECRET}` }],
    ['the secret in another header', { authorization: SECRET }],
  ])('%s: 401 and no upstream call', async (_name, headers) => {
    const before = harness.upstreamCalls();
    expectRefused(await send(harness.url, { headers }));
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('without ROUTER_SECRET_PREVIOUS, a secret rotated out is refused', async () => {
    expectRefused(await send(harness.url, { headers: { 'router-authorization': PREVIOUS } }));
  });

  test('the right value: 200 with data', async () => {
    const before = harness.upstreamCalls();
    const answer = await send(harness.url, { headers: { 'router-authorization': SECRET } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      data: { account: { accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' } } },
    });
    expect(harness.upstreamCalls()).toBe(before + 1);
  });

  test('a custom ROUTER_SECRET_HEADER carries the secret; the default header no longer does', async () => {
    const ok = await send(custom.url, { headers: { 'x-router-secret': SECRET } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).data.account.accountId).toBe('acme-voice');
    // Header names are case-insensitive.
    expect((await send(custom.url, { headers: { 'X-ROUTER-SECRET': SECRET } })).status).toBe(200);

    const before = custom.upstreamCalls();
    expectRefused(await send(custom.url, { headers: { 'router-authorization': SECRET } }));
    expectRefused(await send(custom.url));
    expect(custom.upstreamCalls()).toBe(before);
  });

  test('GET /healthz stays open without the secret', async () => {
    const base = harness.url.replace(/\/graphql$/, '');
    for (const path of ['/healthz', '/healthz?probe=1']) {
      const answer = await send(`${base}${path}`, { method: 'GET' });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ status: 'ok' });
    }
    const customHealth = await send(`${custom.url.replace(/\/graphql$/, '')}/healthz`, { method: 'GET' });
    expect(customHealth.status).toBe(200);
  });

  test('the secret appears in no response and no log line', () => {
    expect(responses.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    for (const text of [...responses, ...logs]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET.slice(0, 16));
    }
  });
});

describe('router secret rotation (ROUTER_SECRET_PREVIOUS)', () => {
  let rotating: Harness;
  const rotationLogs: string[] = [];

  beforeAll(async () => {
    rotating = await startHarness({
      env: { ROUTER_SECRET: SECRET, ROUTER_SECRET_PREVIOUS: PREVIOUS },
      logDestination: { write: (line: string) => void rotationLogs.push(line) },
    });
  });

  afterAll(async () => {
    await rotating?.close();
  });

  test('both the new and the previous secret are let in', async () => {
    for (const secret of [SECRET, PREVIOUS]) {
      const answer = await send(rotating.url, { headers: { 'router-authorization': secret } });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).data.account.accountId).toBe('acme-voice');
    }
  });

  test.each([
    ['a third value', 'rtr-5ecret-d41c7e9b-only-the-routeR'],
    ['a prefix of the previous secret', PREVIOUS.slice(0, -1)],
    ['both secrets joined', `${SECRET}${PREVIOUS}`],
    ['an empty value', ''],
  ])('%s is refused, and costs no upstream call', async (_name, value) => {
    const before = rotating.upstreamCalls();
    expectRefused(await send(rotating.url, { headers: { 'router-authorization': value } }));
    expect(rotating.upstreamCalls()).toBe(before);
  });

  test('the start-up log says a previous secret is still accepted, never which', () => {
    const lines = rotationLogs.map((line) => JSON.parse(line) as { msg: string });
    expect(lines.some((line) => /ROUTER_SECRET_PREVIOUS/.test(line.msg))).toBe(true);
    for (const line of rotationLogs) {
      expect(line).not.toContain(PREVIOUS.slice(0, 16));
      expect(line).not.toContain(SECRET.slice(0, 16));
    }
  });

  test('every candidate is compared with both secrets, whichever matches, so timing does not tell which', async () => {
    const hook = routerSecretHook([SECRET, PREVIOUS], 'router-authorization');
    const reply = { code: () => reply, header: () => reply, send: async () => reply } as unknown as FastifyReply;
    // The module object itself (an `import * as` namespace would be a copy the hook never calls).
    const compare = jest.spyOn(jest.requireActual<typeof import('node:crypto')>('node:crypto'), 'timingSafeEqual');
    try {
      for (const candidate of [SECRET, PREVIOUS, 'rtr-5ecret-wrong-wrong-wrong', '']) {
        compare.mockClear();
        await hook({ url: '/graphql', headers: { 'router-authorization': candidate } } as unknown as FastifyRequest, reply);
        expect(compare).toHaveBeenCalledTimes(2);
      }
    } finally {
      compare.mockRestore();
    }
  });
});

describe('router secret configuration', () => {
  /** Runs `load` and returns the ConfigError it throws (failing the test when it does not throw one). */
  function configError(load: () => unknown): ConfigError {
    let thrown: unknown;
    try {
      load();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    return thrown as ConfigError;
  }

  /** Everything an operator or a log could see of an error. */
  const surfaces = (error: Error) => [error.message, String(error), String(error.stack), inspect(error, { depth: 5 }), JSON.stringify(error)];

  test('NODE_ENV=production without ROUTER_SECRET is refused, naming ROUTER_SECRET', () => {
    for (const load of [loadSecurityConfig, loadConfig]) {
      const error = configError(() => load({ NODE_ENV: 'production' }));
      expect(error.message).toContain('ROUTER_SECRET');
    }
  });

  test('an empty ROUTER_SECRET counts as missing in production', () => {
    const error = configError(() => loadSecurityConfig({ NODE_ENV: 'production', ROUTER_SECRET: '' }));
    expect(error.message).toContain('ROUTER_SECRET');
  });

  test('NODE_ENV=production with TRUST_NETWORK_WITHOUT_ROUTER_SECRET=true starts without a secret', () => {
    const env = { NODE_ENV: 'production', TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true' };
    const security = loadSecurityConfig(env);
    expect(security.routerSecret).toBeNull();
    expect(security.networkIsTrusted).toBe(true);
    expect(() => loadConfig(env)).not.toThrow();
    // Only the exact word counts.
    configError(() => loadSecurityConfig({ ...env, TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'yes' }));
  });

  test('NODE_ENV=production with a ROUTER_SECRET starts, with the default header', () => {
    const security = loadSecurityConfig({ NODE_ENV: 'production', ROUTER_SECRET: SECRET });
    expect(security.routerSecret).toBe(SECRET);
    expect(security.routerSecretHeader).toBe('router-authorization');
    expect(security.networkIsTrusted).toBe(false);
  });

  test('ROUTER_SECRET_PREVIOUS is read beside ROUTER_SECRET, and refused without it or when short', () => {
    const security = loadSecurityConfig({ ROUTER_SECRET: SECRET, ROUTER_SECRET_PREVIOUS: PREVIOUS });
    expect(security.routerSecret).toBe(SECRET);
    expect(security.routerSecretPrevious).toBe(PREVIOUS);
    expect(loadSecurityConfig({ ROUTER_SECRET: SECRET }).routerSecretPrevious).toBeNull();
    for (const load of [loadSecurityConfig, loadConfig]) {
      const alone = configError(() => load({ ROUTER_SECRET_PREVIOUS: PREVIOUS }));
      expect(alone.message).toContain('ROUTER_SECRET_PREVIOUS');
      expect(alone.message).toContain('ROUTER_SECRET');
      for (const surface of surfaces(alone)) expect(surface).not.toContain(PREVIOUS);
      const short = configError(() => load({ ROUTER_SECRET: SECRET, ROUTER_SECRET_PREVIOUS: 'short-0ld-s3cr' }));
      expect(short.message).toContain('ROUTER_SECRET_PREVIOUS');
      for (const surface of surfaces(short)) {
        expect(surface).not.toContain('short-0ld-s3cr');
        expect(surface).not.toContain(SECRET);
      }
    }
  });

  test('the header name is validated and lower-cased', () => {
    expect(loadSecurityConfig({ ROUTER_SECRET: SECRET, ROUTER_SECRET_HEADER: 'X-Router-Secret' }).routerSecretHeader).toBe(
      'x-router-secret',
    );
    const error = configError(() => loadSecurityConfig({ ROUTER_SECRET: SECRET, ROUTER_SECRET_HEADER: 'bad header:' }));
    expect(error.message).toContain('ROUTER_SECRET_HEADER');
  });

  test('a secret shorter than 16 characters is refused, naming ROUTER_SECRET but not the value', () => {
    const short = 'fifteen-chars!!';
    expect(short).toHaveLength(15);
    for (const load of [loadSecurityConfig, loadConfig]) {
      const error = configError(() => load({ ROUTER_SECRET: short }));
      expect(error.message).toContain('ROUTER_SECRET');
      for (const surface of surfaces(error)) expect(surface).not.toContain(short);
    }
    expect(loadSecurityConfig({ ROUTER_SECRET: 'sixteen-chars!!!' }).routerSecret).toBe('sixteen-chars!!!');
  });

  test('the secret value never appears in any configuration error', () => {
    const secrets = [SECRET, 'short-s3cret', 'x'];
    // Each environment is invalid for the loaders listed with it.
    const both = [loadSecurityConfig, loadConfig];
    const cases: Array<[Record<string, string>, Array<(env: NodeJS.ProcessEnv) => unknown>]> = secrets.flatMap((secret) => [
      [{ ROUTER_SECRET: secret, ROUTER_SECRET_HEADER: 'not a header' }, both],
      [{ ROUTER_SECRET: secret, NODE_ENV: 'production', JWT_ISSUER: 'https://issuer.test/' }, both],
      [{ ROUTER_SECRET: secret, MAX_TOKENS: '0', TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'maybe' }, both],
      // Only the whole configuration knows PORT and LOG_LEVEL.
      [{ ROUTER_SECRET: secret, PORT: 'eighty', LOG_LEVEL: 'loud' }, [loadConfig]],
    ]);
    let checked = 0;
    for (const [env, loaders] of cases) {
      for (const load of loaders) {
        const error = configError(() => load(env));
        for (const surface of surfaces(error)) {
          // 'x' is too short to search for; it only has to fail without crashing.
          if (env.ROUTER_SECRET !== 'x') expect(surface).not.toContain(env.ROUTER_SECRET);
        }
        checked += 1;
      }
    }
    expect(checked).toBe(secrets.length * 7);
  });
});
