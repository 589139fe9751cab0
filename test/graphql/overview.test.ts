import { readableAccounts, type Access } from '../../src/graphql/access';
import { attentionReasons, totalsPerCurrency, urgency } from '../../src/domain/attention';
import { parseMoney } from '../../src/domain/money';
import { BillingOverviewDocument } from '../generated/operations';
import { startHarness, type Harness } from '../support/harness';

describe('billingOverview over the sandbox', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  test('lists every account, attention first, with totals per currency, for one upstream call each', async () => {
    const before = harness.upstreamCalls();
    const { data, errors } = await harness.query(BillingOverviewDocument, {});
    expect(errors).toBeUndefined();
    const overview = data!.billingOverview!;
    expect(harness.upstreamCalls() - before).toBe(6);
    expect(overview.accounts).toHaveLength(6);
    // Most urgent first: the failed payment, then the two expired Digidonar accounts.
    expect(overview.accounts.slice(0, 3).map((a) => [a.accountId, a.attention])).toEqual([
      ['lapsed-voice', ['PAYMENT_FAILED']],
      ['1408847', ['EXPIRED']],
      ['1512093', ['EXPIRED', 'BALANCE_EXHAUSTED', 'BALANCE_LOW']],
    ]);
    expect(overview.accounts[0]).toMatchObject({ account: null, problem: { code: 'UPSTREAM_PAYMENT_REQUIRED' } });
    expect(overview.needingAttention).toBe(overview.accounts.filter((a) => a.attention.length > 0).length);
    expect(overview.accounts.slice(overview.needingAttention).every((a) => a.attention.length === 0)).toBe(true);
    // acme-voice $177.70 + northwind-calls $60.00; lapsed-voice could not be added.
    expect(overview.monthlyTotals).toEqual([{ amount: '237.70', currency: 'USD' }]);
    expect(overview.accountsWithoutMonthlyTotal).toBe(1);
  });
});

describe('attention rules', () => {
  const thresholds = {
    coinLowThresholdPercent: { SMS: 10, OBD: 10, VOIP: 10, CLICK_TO_CALL: 10, CALL: 10 },
    validityExpiringSoonDays: 14,
  };
  const now = new Date('2026-11-23T12:00:00Z');
  const view = (overrides: Record<string, unknown>) =>
    ({
      coins: null,
      validity: null,
      monthlyCharges: null,
      freshness: { stale: false },
      ...overrides,
    }) as never;

  test('a failed payment and other failures', () => {
    expect(attentionReasons({ errorCode: 'UPSTREAM_PAYMENT_REQUIRED' }, now, thresholds)).toEqual(['PAYMENT_FAILED']);
    expect(attentionReasons({ errorCode: 'UPSTREAM_TIMEOUT' }, now, thresholds)).toEqual(['UNAVAILABLE']);
  });

  test('balances at the threshold are LOW, at zero EXHAUSTED; expiry in 3 days is EXPIRING_SOON; stale is noted', () => {
    const reasons = attentionReasons(
      {
        view: view({
          coins: [
            { kind: 'SMS', purchased: 100, available: 10, used: 90 },
            { kind: 'CALL', purchased: 100, available: 0, used: 100 },
          ],
          validity: { expiresAt: { instant: '2026-11-26T18:29:59.000Z', timeZone: 'Asia/Kolkata', raw: '' } },
          freshness: { stale: true },
        }),
      },
      now,
      thresholds,
    );
    expect(reasons).toEqual(['BALANCE_EXHAUSTED', 'EXPIRING_SOON', 'BALANCE_LOW', 'STALE_DATA']);
    expect(urgency(reasons)).toBeLessThan(urgency(['BALANCE_LOW']));
    expect(urgency([])).toBeGreaterThan(urgency(['STALE_DATA']));
  });

  test('a one-cent reconciliation mismatch needs attention; a match does not', () => {
    expect(attentionReasons({ view: view({ monthlyCharges: { matches: false } }) }, now, thresholds)).toEqual([
      'RECONCILIATION_MISMATCH',
    ]);
    expect(attentionReasons({ view: view({ monthlyCharges: { matches: true } }) }, now, thresholds)).toEqual([]);
  });

  test('totals are exact per currency; unreadable amounts are left out', () => {
    expect(
      totalsPerCurrency([parseMoney('$0.10'), parseMoney('$0.20'), parseMoney('₹1,00,000.50'), parseMoney('N/A'), null]),
    ).toEqual([
      { amount: '100000.50', currency: 'INR', raw: '100000.50 INR' },
      { amount: '0.30', currency: 'USD', raw: '0.30 USD' },
    ]);
  });
});

describe('readableAccounts', () => {
  const accounts = [
    { provider: 'SIMPSY' as const, accountId: 'a' },
    { provider: 'SIMPSY' as const, accountId: 'b' },
    { provider: 'DIGIDONAR' as const, accountId: 'c' },
  ];
  const tenants: Record<string, string | null> = { a: 'acme', b: 'other', c: null };
  const access = (enforce: boolean, authenticated: boolean): Access => ({
    enforce,
    caller: { authenticated, subject: null, tenants: new Set(['acme']), scopes: new Set() },
    tenantOf: (key) => tenants[key.accountId],
    accounts: () => accounts,
  });

  test("the caller's tenants only; everything without auth; nothing for an anonymous caller", () => {
    expect(readableAccounts(access(true, true)).map((k) => k.accountId)).toEqual(['a']);
    expect(readableAccounts(access(false, false))).toHaveLength(3);
    expect(() => readableAccounts(access(true, false))).toThrow('signed-in');
  });
});
