import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadAccountsFile, parseAccounts } from '../../src/config/accounts-file';
import { ConfigError } from '../../src/config/config-error';

const YAML = `
accounts:
  - { provider: DIGIDONAR, accountId: "1408847", key: dd-key, secret: "\${DIGIDONAR_1408847_SECRET}" }
  - provider: SIMPSY
    accountId: acme-voice
    key: sv-key
    secret: "pre-\${SV_PART}-post"
    description: Acme's call centre
  - { provider: DIGIDONAR, accountId: 1512093, key: k2, secret: s2 }
`;

const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseAccounts', () => {
  test('reads YAML, interpolates ${NAME} from the environment and hides credentials', () => {
    const accounts = parseAccounts(YAML, { DIGIDONAR_1408847_SECRET: 'top-secret-1', SV_PART: 'mid' });
    expect(accounts.map((a) => [a.provider, a.accountId, a.description])).toEqual([
      ['DIGIDONAR', '1408847', null],
      ['SIMPSY', 'acme-voice', "Acme's call centre"],
      ['DIGIDONAR', '1512093', null],
    ]);
    expect(accounts[0]!.secret.reveal()).toBe('top-secret-1');
    expect(accounts[1]!.secret.reveal()).toBe('pre-mid-post');
    const shown = `${JSON.stringify(accounts)} ${inspect(accounts, { depth: 5 })} ${String(accounts[0]!.secret)}`;
    expect(shown).not.toContain('top-secret-1');
    expect(shown).not.toContain('dd-key');
  });

  test('reads JSON too', () => {
    const json = JSON.stringify({ accounts: [{ provider: 'SIMPSY', accountId: 'a', key: 'k', secret: 's' }] });
    expect(parseAccounts(json, {})[0]!.accountId).toBe('a');
  });

  test('a missing variable names the entry and the variable', () => {
    const error = thrown(() => parseAccounts(YAML, { SV_PART: 'x' }));
    expect(error.message).toContain('accounts[0] (DIGIDONAR 1408847)');
    expect(error.message).toContain('DIGIDONAR_1408847_SECRET');
  });

  test.each([
    ['an unknown provider', `accounts:\n  - { provider: FAX, accountId: a, key: k, secret: s }`, 'accounts[0] (FAX a)', 'provider'],
    ['an empty key', `accounts:\n  - { provider: SIMPSY, accountId: a, key: "", secret: s }`, 'accounts[0] (SIMPSY a)', 'key'],
    ['a missing secret', `accounts:\n  - { provider: SIMPSY, accountId: a, key: k }`, 'accounts[0] (SIMPSY a)', 'secret'],
    [
      'a duplicate',
      `accounts:\n  - { provider: SIMPSY, accountId: a, key: k, secret: s }\n  - { provider: SIMPSY, accountId: a, key: k, secret: s }`,
      'accounts[1] (SIMPSY a)',
      'twice',
    ],
    ['no accounts list', `accounts: nope`, 'accounts:', 'list'],
  ])('%s is refused with a message naming the entry', (_, text, entry, what) => {
    const error = thrown(() => parseAccounts(text, {}));
    expect(error.message).toContain(entry);
    expect(error.message).toContain(what);
  });

  test('broken YAML gives a position, never the line (which may hold a secret)', () => {
    const error = thrown(() => parseAccounts('accounts:\n  - { provider: SIMPSY, secret: "leaky-value', {}));
    expect(error.message).toMatch(/line \d+, column \d+/);
    expect(error.message).not.toContain('leaky-value');
  });
});

describe('loadAccountsFile', () => {
  test('reads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    const good = join(dir, 'accounts.yaml');
    writeFileSync(good, 'accounts:\n  - { provider: SIMPSY, accountId: a, key: k, secret: s }\n');
    expect(loadAccountsFile(good, {})).toHaveLength(1);
    expect(() => loadAccountsFile(join(dir, 'missing.yaml'), {})).toThrow(/missing\.yaml: cannot be read \(ENOENT\)/);
  });
});
