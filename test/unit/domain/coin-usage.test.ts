import type { CoinBalance } from '../../../src/domain/account';
import { coinUsage } from '../../../src/domain/coin-usage';

const balance = (purchased: number | null, available: number | null): CoinBalance => ({
  kind: 'SMS',
  purchased,
  available,
  used: purchased === null || available === null ? null : purchased - available,
});

describe('coinUsage', () => {
  test('plenty left is OK, with exact percentages', () => {
    expect(coinUsage(balance(5500, 4950), 10)).toEqual({ usedPercent: 10, remainingPercent: 90, status: 'OK' });
  });

  test('percentages are rounded half-up to 2 decimals', () => {
    expect(coinUsage(balance(3, 1), 10)).toEqual({ usedPercent: 66.67, remainingPercent: 33.33, status: 'OK' });
    expect(coinUsage(balance(3000, 118), 10)).toMatchObject({ usedPercent: 96.07, remainingPercent: 3.93, status: 'LOW' });
  });

  test('exactly at the threshold is LOW; one coin above is OK', () => {
    expect(coinUsage(balance(1000, 100), 10)).toEqual({ usedPercent: 90, remainingPercent: 10, status: 'LOW' });
    expect(coinUsage(balance(1000, 101), 10).status).toBe('OK');
  });

  test('the threshold is compared on the counts, not on the rounded percentage', () => {
    // 10.004% rounds to 10 but is above a 10% threshold.
    expect(coinUsage(balance(99_960, 10_000), 10)).toMatchObject({ remainingPercent: 10, status: 'OK' });
    // A fractional threshold.
    expect(coinUsage(balance(1000, 25), 2.5).status).toBe('LOW');
    expect(coinUsage(balance(1000, 26), 2.5).status).toBe('OK');
  });

  test('a threshold of 0 never says LOW; available 0 is EXHAUSTED whatever the threshold', () => {
    expect(coinUsage(balance(1000, 1), 0).status).toBe('OK');
    expect(coinUsage(balance(1000, 0), 0).status).toBe('EXHAUSTED');
  });

  test('available 0 is EXHAUSTED at 100% used', () => {
    expect(coinUsage(balance(2000, 0), 10)).toEqual({ usedPercent: 100, remainingPercent: 0, status: 'EXHAUSTED' });
  });

  test('negative available is EXHAUSTED, percentages as the counts say', () => {
    expect(coinUsage(balance(1000, -50), 10)).toEqual({ usedPercent: 105, remainingPercent: -5, status: 'EXHAUSTED' });
  });

  test('purchased 0: no percentages; EXHAUSTED when none available, UNKNOWN when some are', () => {
    expect(coinUsage(balance(0, 0), 10)).toEqual({ usedPercent: null, remainingPercent: null, status: 'EXHAUSTED' });
    expect(coinUsage(balance(0, 50), 10)).toEqual({ usedPercent: null, remainingPercent: null, status: 'UNKNOWN' });
  });

  test('unknown counts', () => {
    expect(coinUsage(balance(null, 50), 10)).toEqual({ usedPercent: null, remainingPercent: null, status: 'UNKNOWN' });
    expect(coinUsage(balance(null, 0), 10)).toEqual({ usedPercent: null, remainingPercent: null, status: 'EXHAUSTED' });
    expect(coinUsage(balance(1000, null), 10)).toEqual({ usedPercent: null, remainingPercent: null, status: 'UNKNOWN' });
  });

  test('more available than purchased is not clamped', () => {
    expect(coinUsage(balance(100, 150), 10)).toEqual({ usedPercent: -50, remainingPercent: 150, status: 'OK' });
  });

  test('never -0', () => {
    expect(Object.is(coinUsage(balance(1000, 1000), 10).usedPercent, 0)).toBe(true);
  });
});
