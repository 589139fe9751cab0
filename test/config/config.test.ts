import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/config-error';
import { loadSecurityConfig } from '../../src/config/security-config';
import { createLogger } from '../../src/server/logger';
import { Metrics } from '../../src/server/metrics';
import { wireProviders } from '../../src/server/providers.wiring';

describe('loadConfig', () => {
  test('defaults match the documentation', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4001);
    expect(config.accountsFile).toBeNull();
    expect(config.upstreams.DIGIDONAR?.baseUrl).toBe('https://cloud.digidonar.in');
    expect(config.upstreams.DIGIDONAR?.timeZone).toBe('Asia/Kolkata');
    expect(config.upstreams.SIMPSY?.baseUrl).toBe('http://voice.simpsy.com/api/v1');
    expect(config.upstreams.DIGIDONAR).toMatchObject({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 });
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.shutdownDrainDelayMs).toBe(5_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('SHUTDOWN_DRAIN_DELAY_MS: 0 turns the delay off; negative or absurd values are refused', () => {
    expect(loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '0' }).shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '15000' }).shutdownDrainDelayMs).toBe(15_000);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '-1' })).toThrow('SHUTDOWN_DRAIN_DELAY_MS');
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '5s' })).toThrow('SHUTDOWN_DRAIN_DELAY_MS');
  });

  test('GRAPHQL_EXECUTOR: compiled by default, graphql-js as the switch; GRAPHQL_COMPILE_AFTER 2 by default, 1 to 1000', () => {
    expect(loadConfig({})).toMatchObject({ graphqlExecutor: 'compiled', graphqlCompileAfter: 2 });
    expect(loadConfig({ GRAPHQL_EXECUTOR: 'graphql-js', GRAPHQL_COMPILE_AFTER: '1' })).toMatchObject({ graphqlExecutor: 'graphql-js', graphqlCompileAfter: 1 });
    expect(() => loadConfig({ GRAPHQL_EXECUTOR: 'jit-please' })).toThrow('GRAPHQL_EXECUTOR');
    expect(() => loadConfig({ GRAPHQL_EXECUTOR: 'jit-please' })).not.toThrow('jit-please');
    expect(() => loadConfig({ GRAPHQL_COMPILE_AFTER: '0' })).toThrow('GRAPHQL_COMPILE_AFTER');
  });

  test('values from the environment win, trailing slashes are dropped, empty means unset', () => {
    const config = loadConfig({
      PORT: '5005',
      SIMPSY_BASE_URL: 'https://voice.example.test/api/v1/',
      DIGIDONAR_TIME_ZONE: 'UTC',
      ACCOUNTS_FILE: '',
    });
    expect(config.port).toBe(5005);
    expect(config.upstreams.SIMPSY?.baseUrl).toBe('https://voice.example.test/api/v1');
    expect(config.upstreams.DIGIDONAR?.timeZone).toBe('UTC');
    expect(config.accountsFile).toBeNull();
  });

  test('UPSTREAM_<NAME> sets both providers; <PROVIDER>_<NAME> overrides one', () => {
    const config = loadConfig({ UPSTREAM_DEADLINE_MS: '3000', SIMPSY_DEADLINE_MS: '1500', DIGIDONAR_MAX_RETRIES: '0' });
    expect(config.upstreams.DIGIDONAR).toMatchObject({ deadlineMs: 3000, maxRetries: 0, maxConcurrency: 16, maxQueue: 100 });
    expect(config.upstreams.SIMPSY).toMatchObject({ deadlineMs: 1500, maxRetries: 2, breakerThreshold: 0.5, breakerHalfOpenAfterMs: 5000 });
  });

  test('refresh-ahead: 10 s and 3 reads by default, per provider overridable, the window clamped to half the TTL', async () => {
    expect(loadConfig({}).upstreams.DIGIDONAR).toMatchObject({ refreshAheadSeconds: 10, refreshAheadMinReads: 3 });
    const config = loadConfig({
      UPSTREAM_REFRESH_AHEAD_SECONDS: '20',
      SIMPSY_REFRESH_AHEAD_SECONDS: '0',
      DIGIDONAR_REFRESH_AHEAD_MIN_READS: '5',
      DIGIDONAR_CACHE_TTL_SECONDS: '30',
    });
    expect(config.upstreams.DIGIDONAR).toMatchObject({ refreshAheadSeconds: 20, refreshAheadMinReads: 5 });
    expect(config.upstreams.SIMPSY).toMatchObject({ refreshAheadSeconds: 0, refreshAheadMinReads: 3 });
    const providers = wireProviders(config, new Metrics({ providers: [], bulkheads: () => [] }), createLogger({ level: 'silent' }));
    expect(providers.policies.DIGIDONAR).toMatchObject({ ttlSeconds: 30, refreshAheadSeconds: 15, refreshAheadMinReads: 5 });
    expect(providers.policies.SIMPSY).toMatchObject({ refreshAheadSeconds: 0 });
    await Promise.all(providers.clients.map((client) => client.close()));
    for (const [variable, value] of [
      ['UPSTREAM_REFRESH_AHEAD_SECONDS', '-1'],
      ['SIMPSY_REFRESH_AHEAD_SECONDS', 'soon'],
      ['UPSTREAM_REFRESH_AHEAD_MIN_READS', '0'],
    ] as const) {
      expect(() => loadConfig({ [variable]: value })).toThrow(variable);
    }
  });

  test.each([
    [{ SIMPSY_BREAKER_THRESHOLD: '1.5' }, 'SIMPSY_BREAKER_THRESHOLD'],
    [{ UPSTREAM_MAX_RETRIES: '-1' }, 'UPSTREAM_MAX_RETRIES'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DIGIDONAR_BASE_URL: 'ftp://x' }, 'DIGIDONAR_BASE_URL'],
    [{ SIMPSY_BASE_URL: 'http://h/api?key=leak' }, 'SIMPSY_BASE_URL'],
    [{ SIMPSY_BASE_URL: 'http://user:pw@h/api' }, 'SIMPSY_BASE_URL'],
    [{ DIGIDONAR_TIME_ZONE: 'Mars/Olympus' }, 'DIGIDONAR_TIME_ZONE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('%j is refused with a message naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  test('REDIS_CLUSTER_NODES: comma-separated seed URLs, spaces and empty entries ignored', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: ' redis://:pw@10.0.0.1:7000, redis://:pw@10.0.0.2:7000,, ' });
    expect(config.redisClusterNodes).toEqual(['redis://:pw@10.0.0.1:7000', 'redis://:pw@10.0.0.2:7000']);
    expect(Object.isFrozen(config.redisClusterNodes)).toBe(true);
    expect(config.redisUrl).toBeNull();
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'rediss://user:pw@cache.example.test' }).redisClusterNodes).toHaveLength(1);
    expect(loadConfig({}).redisClusterNodes).toBeNull();
  });

  test.each([
    ['not a URL', 'REDIS_CLUSTER_NODES entry 1'],
    ['http://10.0.0.1:7000', 'REDIS_CLUSTER_NODES entry 1'],
    ['redis://10.0.0.1:7000,redis://10.0.0.2:7000/1', 'REDIS_CLUSTER_NODES entry 2'],
    ['redis://10.0.0.1:7000?timeout=1', 'REDIS_CLUSTER_NODES entry 1'],
    ['redis://:a@10.0.0.1:7000,redis://:b@10.0.0.2:7000', 'REDIS_CLUSTER_NODES entry 2'],
    ['redis://10.0.0.1:7000,rediss://10.0.0.2:7000', 'REDIS_CLUSTER_NODES entry 2'],
    [' , ', 'REDIS_CLUSTER_NODES'],
  ])('REDIS_CLUSTER_NODES=%j is refused with a message naming %s', (value, name) => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(name);
  });

  test('REDIS_URL and REDIS_CLUSTER_NODES together: one line naming both, and no password', () => {
    const run = () =>
      loadConfig({ REDIS_URL: 'redis://:hunter2@10.0.0.9:6379', REDIS_CLUSTER_NODES: 'redis://:hunter2@10.0.0.1:7000' });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('REDIS_URL, REDIS_CLUSTER_NODES: set one of them, not both');
    expect(run).toThrow(expect.objectContaining({ message: expect.not.stringMatching(/hunter2|\n/) }));
  });

  test('a refused cluster URL is not echoed, since it may carry a password', () => {
    for (const value of ['redis://:hunter2@10.0.0.1:7000/3', 'redis://:hunter2@10.0.0.1:7000,redis://:other@10.0.0.2:7000']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(
        expect.objectContaining({ message: expect.not.stringMatching(/hunter2|other|10\.0\.0/) }),
      );
    }
  });

  test('a refused URL is not echoed, since it may carry a secret', () => {
    expect(() => loadConfig({ SIMPSY_BASE_URL: 'http://h/api?secret=hunter2' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  test("SIMPSY_INVOICE_LINK_PREFIXES: Simpsy's own invoice path by default, a normalized list, or none", () => {
    expect(loadConfig({}).upstreams.SIMPSY?.invoiceLinkPrefixes).toEqual(['https://voice.simpsy.com/billing/invoices/']);
    expect(loadConfig({ SIMPSY_INVOICE_LINK_PREFIXES: 'https://A.example/i/, https://b.example/pdf/' }).upstreams.SIMPSY?.invoiceLinkPrefixes).toEqual([
      'https://a.example/i/',
      'https://b.example/pdf/',
    ]);
    expect(loadConfig({ SIMPSY_INVOICE_LINK_PREFIXES: 'none' }).upstreams.SIMPSY?.invoiceLinkPrefixes).toEqual([]);
  });

  test.each([
    ['http://voice.simpsy.com/billing/invoices/'],
    ['https://voice.simpsy.com/billing/invoices'],
    ['https://a.example/i/, https://b.example/i/?token=hunter2/'],
  ])('SIMPSY_INVOICE_LINK_PREFIXES=%j is refused, naming the variable and not the value', (value) => {
    expect(() => loadConfig({ SIMPSY_INVOICE_LINK_PREFIXES: value })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('SIMPSY_INVOICE_LINK_PREFIXES') }),
    );
    expect(() => loadConfig({ SIMPSY_INVOICE_LINK_PREFIXES: value })).toThrow(
      expect.objectContaining({ message: expect.not.stringMatching(/hunter2|simpsy\.com/) }),
    );
  });
});

describe('loadConfig refuses what start-up would choke on, naming the variable, never its value', () => {
  /** The ConfigError `loadConfig(env)` throws; fails the test when it throws something else or nothing. */
  function refusal(env: Record<string, string>): ConfigError {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    return thrown as ConfigError;
  }

  test.each([
    ['a port out of range', 'redis://cache.internal:99999'],
    ['a port of 0', 'redis://cache.internal:0'],
    ['a database that is not a number', 'redis://:s3cretpass@cache.internal:6379/sessions'],
    ['a fractional database', 'redis://cache.internal:6379/1.5'],
    ['a password that is not valid percent-encoding', 'redis://:s3cr%zzpass@cache.internal:6379'],
    ['no host', 'redis://'],
    ['no host, one slash', 'redis:/cache.internal'],
    ['a query string the client would ignore', 'redis://cache.internal:6379?password=s3cretpass'],
    ['a fragment', 'redis://cache.internal:6379#s3cretpass'],
    ['another scheme', 'http://cache.internal:6379'],
    ['not a URL', 'cache.internal:6379'],
    ['spaces', 'redis://cache internal:6379'],
  ])('REDIS_URL with %s is refused', (_case, url) => {
    const error = refusal({ REDIS_URL: url });
    expect(error.message).toContain('REDIS_URL');
    // 'redis://' alone is also the example in the message.
    if (url !== 'redis://') expect(error.message).not.toContain(url);
    expect(error.message).not.toContain('s3cr');
    expect(error.message).not.toContain('cache.internal');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  test.each([
    'redis://cache.internal:6379',
    'redis://:p%40ss@cache.internal:6379/2',
    'rediss://user:pw@cache.internal',
    'redis://[::1]:6380/0',
    'redis://127.0.0.1',
  ])('REDIS_URL %s is accepted as is', (url) => {
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
  });

  test.each([
    ['a password without a user', 'http://:pw-s3cret@voice.example.test/api/v1'],
    ['a user and a password', 'https://user:pw-s3cret@voice.example.test/api/v1'],
    ['a user alone', 'https://pw-s3cret@voice.example.test/api/v1'],
  ])('SIMPSY_BASE_URL with %s is refused, saying why', (_case, url) => {
    const error = refusal({ SIMPSY_BASE_URL: url });
    expect(error.message).toContain('SIMPSY_BASE_URL');
    expect(error.message).toMatch(/user info|user or password/);
    expect(error.message).toContain('accounts file');
    expect(error.message).not.toContain('pw-s3cret');
  });

  test('DIGIDONAR_BASE_URL with a password is refused too', () => {
    expect(refusal({ DIGIDONAR_BASE_URL: 'https://:pw-s3cret@cloud.digidonar.in' }).message).toContain('DIGIDONAR_BASE_URL');
  });
});

describe('JWT_PUBLIC_KEY is parsed at load time', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (key: KeyObject, type: 'spki' | 'pkcs8' | 'pkcs1') =>
    key.export({ type, format: 'pem' } as never) as unknown as string;
  const jwtEnv = (publicKey: string, extra: Record<string, string> = {}) => ({
    JWT_PUBLIC_KEY: publicKey,
    JWT_ISSUER: 'https://issuer.test/',
    JWT_AUDIENCE: 'billing',
    ...extra,
  });
  /** The base64 body of a PEM, which must never show up in a message. */
  const body = (text: string) => text.split('\n').filter((line) => line && !line.startsWith('-----')).join('');

  function refusal(load: (env: NodeJS.ProcessEnv) => unknown, env: Record<string, string>): ConfigError {
    let thrown: unknown;
    try {
      load(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    return thrown as ConfigError;
  }

  test.each([
    ['an RSA private key (PKCS#8)', () => pem(rsa.privateKey, 'pkcs8')],
    ['an RSA private key (PKCS#1)', () => pem(rsa.privateKey, 'pkcs1')],
    ['an EC private key', () => pem(ec.privateKey, 'pkcs8')],
    ['a private key with \\n escapes', () => pem(rsa.privateKey, 'pkcs8').replace(/\n/g, '\\n')],
  ])('%s is refused as a private key', (_case, key) => {
    const text = key();
    for (const load of [loadConfig, loadSecurityConfig]) {
      const error = refusal(load, jwtEnv(text));
      expect(error.message).toContain('JWT_PUBLIC_KEY');
      expect(error.message).toMatch(/private key/);
      expect(error.message).not.toContain(body(text.replace(/\\n/g, '\n')).slice(0, 40));
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });

  test.each([
    ['text that is no key', 'not-a-key-at-all-s3cret'],
    ['a PEM with a broken body', '-----BEGIN PUBLIC KEY-----\nAAAAs3cretAAAA\n-----END PUBLIC KEY-----\n'],
    ['a symmetric secret', 'aGVsbG8td29ybGQtdGhpcy1pcy1hLXMzY3JldA=='],
  ])('%s is refused', (_case, text) => {
    for (const load of [loadConfig, loadSecurityConfig]) {
      const error = refusal(load, jwtEnv(text));
      expect(error.message).toContain('JWT_PUBLIC_KEY');
      expect(error.message).not.toContain('s3cret');
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });

  test('a key none of JWT_ALGORITHMS can use is refused, naming both', () => {
    const error = refusal(loadConfig, jwtEnv(pem(ec.publicKey, 'spki'), { JWT_ALGORITHMS: 'RS256' }));
    expect(error.message).toContain('JWT_PUBLIC_KEY');
    expect(error.message).toContain('JWT_ALGORITHMS');
  });

  test('public keys are accepted: RSA and EC as SPKI PEM, with or without \\n escapes', () => {
    const rsaPem = pem(rsa.publicKey, 'spki');
    expect(loadConfig(jwtEnv(rsaPem)).security.jwt?.publicKey).toBe(rsaPem);
    expect(loadConfig(jwtEnv(rsaPem.replace(/\n/g, '\\n'))).security.jwt?.publicKey).toBe(rsaPem);
    expect(loadConfig(jwtEnv(pem(ec.publicKey, 'spki'))).security.jwt?.publicKey).toContain('BEGIN PUBLIC KEY');
  });
});

describe('CACHE_KEY_SECRET, the HMAC key of the credential fingerprints in cache keys', () => {
  const KEY = 'cache-key-5ecret-0123456789abcdef-0123';
  const production = { NODE_ENV: 'production', TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true' };

  test('is read from the environment as a Secret that never prints', () => {
    const config = loadConfig({ CACHE_KEY_SECRET: KEY, REDIS_URL: 'redis://cache.internal:6379' });
    expect(config.cacheKeySecret.reveal()).toBe(KEY);
    expect(config.cacheKeySecretGenerated).toBe(false);
    expect(JSON.stringify(config)).not.toContain(KEY);
  });

  test('unset, it is generated once per process: every loadConfig here gets the same, never a fixed one', () => {
    const first = loadConfig({});
    const second = loadConfig({ REDIS_URL: 'redis://cache.internal:6379' });
    expect(first.cacheKeySecretGenerated).toBe(true);
    expect(first.cacheKeySecret.reveal()).toBe(second.cacheKeySecret.reveal());
    expect(first.cacheKeySecret.reveal().length).toBeGreaterThanOrEqual(32);
    expect(first.cacheKeySecret.reveal()).not.toBe(KEY);
    expect(JSON.stringify(first)).not.toContain(first.cacheKeySecret.reveal());
  });

  test('shorter than 32 characters is refused, naming it, never its value', () => {
    const short = 'short-cache-k3y-31-characters!!';
    expect(short).toHaveLength(31);
    let thrown: unknown;
    try {
      loadConfig({ CACHE_KEY_SECRET: short });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain('CACHE_KEY_SECRET');
    expect((thrown as Error).message).not.toContain(short);
  });

  test.each([
    ['REDIS_URL', { REDIS_URL: 'redis://cache.internal:6379' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'redis://10.0.0.1:6379,redis://10.0.0.2:6379' }],
  ])('production with %s and no CACHE_KEY_SECRET is refused, naming it', (_name, redis) => {
    expect(() => loadConfig({ ...production, ...redis })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, ...redis })).toThrow('CACHE_KEY_SECRET');
    expect(loadConfig({ ...production, ...redis, CACHE_KEY_SECRET: KEY }).cacheKeySecret.reveal()).toBe(KEY);
  });

  test('production without Redis needs none: the in-process cache never leaves the process', () => {
    expect(loadConfig(production).cacheKeySecretGenerated).toBe(true);
  });
});
