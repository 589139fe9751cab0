import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/config-error';

describe('loadConfig', () => {
  test('defaults match the documentation', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4001);
    expect(config.accountsFile).toBeNull();
    expect(config.digidonar.baseUrl).toBe('https://cloud.digidonar.in');
    expect(config.digidonar.timeZone).toBe('Asia/Kolkata');
    expect(config.simpsy.baseUrl).toBe('http://voice.simpsy.com/api/v1');
    expect(config.digidonar).toMatchObject({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('values from the environment win, trailing slashes are dropped, empty means unset', () => {
    const config = loadConfig({
      PORT: '5005',
      SIMPSY_BASE_URL: 'https://voice.example.test/api/v1/',
      DIGIDONAR_TIME_ZONE: 'UTC',
      ACCOUNTS_FILE: '',
    });
    expect(config.port).toBe(5005);
    expect(config.simpsy.baseUrl).toBe('https://voice.example.test/api/v1');
    expect(config.digidonar.timeZone).toBe('UTC');
    expect(config.accountsFile).toBeNull();
  });

  test('UPSTREAM_<NAME> sets both providers; <PROVIDER>_<NAME> overrides one', () => {
    const config = loadConfig({ UPSTREAM_DEADLINE_MS: '3000', SIMPSY_DEADLINE_MS: '1500', DIGIDONAR_MAX_RETRIES: '0' });
    expect(config.digidonar).toMatchObject({ deadlineMs: 3000, maxRetries: 0, maxConcurrency: 16, maxQueue: 100 });
    expect(config.simpsy).toMatchObject({ deadlineMs: 1500, maxRetries: 2, breakerThreshold: 0.5, breakerHalfOpenAfterMs: 5000 });
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
});
