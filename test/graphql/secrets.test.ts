import { Secret } from '../../src/domain/secret';
import { AccountsDocument } from '../generated/operations';
import { CANARY_KEY, CANARY_SECRET, FORBIDDEN, canaryAccount } from '../support/canary';
import { closedPort } from '../support/fault-upstream';
import { startHarness, type Harness } from '../support/harness';

// Every failure path, end to end, with canary credentials: nothing the process writes may carry them.
describe('secret canary across responses and logs', () => {
  let harness: Harness;
  let down: Harness;
  const logs: string[] = [];
  const destination = { write: (line: string) => void logs.push(line) };

  beforeAll(async () => {
    harness = await startHarness({
      logDestination: destination,
      extraAccounts: (sandbox) => {
        const lavi = sandbox.accounts.find((a) => a.accountId === '1408847')!;
        return [
          canaryAccount('SIMPSY', 'canary-simpsy'),
          canaryAccount('DIGIDONAR', 'canary-digi'),
          // Valid Digidonar credentials under the wrong id: a mismatch, with a canary secret-bearing entry beside it.
          { provider: 'DIGIDONAR', accountId: '7777777', key: new Secret(lavi.key), secret: new Secret(lavi.secret), description: null },
        ];
      },
    });
    // A second instance whose providers are both unreachable.
    const port = await closedPort();
    down = await startHarness({
      logDestination: destination,
      env: { DIGIDONAR_BASE_URL: `http://127.0.0.1:${port}`, SIMPSY_BASE_URL: `http://127.0.0.1:${port}/api/v1` },
      extraAccounts: () => [canaryAccount('SIMPSY', 'canary-simpsy'), canaryAccount('DIGIDONAR', 'canary-digi')],
    });
  });

  afterAll(async () => {
    await harness.close();
    await down.close();
  });

  test('unauthorized, mismatched and unreachable accounts leak no credential', async () => {
    const keys = [
      { provider: 'SIMPSY' as const, accountId: 'canary-simpsy' },
      { provider: 'DIGIDONAR' as const, accountId: 'canary-digi' },
      { provider: 'DIGIDONAR' as const, accountId: '7777777' },
      { provider: 'SIMPSY' as const, accountId: 'acme-voice' },
    ];
    const first = await harness.query(AccountsDocument, { keys });
    const second = await down.query(AccountsDocument, { keys });

    expect(first.data?.accounts.map((a) => a?.accountId ?? null)).toEqual([null, null, null, 'acme-voice']);
    expect(first.errors?.map((e) => e.extensions?.code).sort()).toEqual([
      'UPSTREAM_ACCOUNT_MISMATCH',
      'UPSTREAM_UNAUTHORIZED',
      'UPSTREAM_UNAUTHORIZED',
    ]);
    expect(second.errors?.map((e) => e.extensions?.code)).toEqual(
      expect.arrayContaining(['UPSTREAM_UNAVAILABLE', 'ACCOUNT_NOT_FOUND']),
    );

    const everything = [first.text, second.text, ...logs].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    const sandboxSecrets = harness.sandbox.accounts.flatMap((a) => [a.key, a.secret]);
    for (const canary of [...FORBIDDEN, CANARY_KEY, CANARY_SECRET, ...sandboxSecrets]) {
      expect(everything).not.toContain(canary);
    }
  });
});
