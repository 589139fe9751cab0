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

  test('a refused URL is not echoed, since it may carry a secret', () => {
    expect(() => loadConfig({ SIMPSY_BASE_URL: 'http://h/api?secret=hunter2' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  test("SIMPSY_INVOICE_LINK_PREFIXES: Simpsy's own invoice path by default, a normalized list, or none", () => {
    expect(loadConfig({}).simpsyInvoiceLinkPrefixes).toEqual(['https://voice.simpsy.com/billing/invoices/']);
    expect(loadConfig({ SIMPSY_INVOICE_LINK_PREFIXES: 'https://A.example/i/, https://b.example/pdf/' }).simpsyInvoiceLinkPrefixes).toEqual([
      'https://a.example/i/',
      'https://b.example/pdf/',
    ]);
    expect(loadConfig({ SIMPSY_INVOICE_LINK_PREFIXES: 'none' }).simpsyInvoiceLinkPrefixes).toEqual([]);
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
