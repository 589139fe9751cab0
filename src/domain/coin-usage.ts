import Big from 'big.js';

import type { CoinBalance } from './account';
import type { CoinStatus } from './vocabulary';

/** The default "low" threshold, in percent of the purchased coins still available. */
export const DEFAULT_COIN_LOW_THRESHOLD_PERCENT = 10;

/** Percentages are rounded half-up to this many decimals (exact comparisons use the counts). */
const PERCENT_DECIMALS = 2;

/** Usage of one coin balance, derived from its counts. */
export interface CoinUsage {
  /** used / purchased * 100; null when purchased is 0 or either count is unknown. */
  readonly usedPercent: number | null;
  /** available / purchased * 100; null when purchased is 0 or either count is unknown. */
  readonly remainingPercent: number | null;
  readonly status: CoinStatus;
}

/** part / whole * 100 rounded to PERCENT_DECIMALS, computed exactly; whole must be non-zero. */
function percent(part: number, whole: number): number {
  const value = new Big(part).times(100).div(whole).round(PERCENT_DECIMALS, Big.roundHalfUp).toNumber();
  return value === 0 ? 0 : value; // never -0
}

/**
 * Usage and status of one coin balance. Not clamped: more available than purchased (bonus
 * or refunded coins) gives remainingPercent above 100 and a negative usedPercent, as the
 * counts say. EXHAUSTED when available <= 0 (even with purchased unknown); LOW when the
 * remaining share is at or below `lowThresholdPercent`, compared exactly on the counts;
 * UNKNOWN when available is unknown, or purchased is unknown or 0 with coins still available.
 */
export function coinUsage(balance: CoinBalance, lowThresholdPercent: number): CoinUsage {
  const { purchased, available } = balance;
  const computable = purchased !== null && purchased !== 0 && available !== null;
  const usedPercent = computable ? percent(purchased - available, purchased) : null;
  const remainingPercent = computable ? percent(available, purchased) : null;
  return { usedPercent, remainingPercent, status: coinStatus(purchased, available, lowThresholdPercent) };
}

function coinStatus(purchased: number | null, available: number | null, lowThresholdPercent: number): CoinStatus {
  if (available === null) return 'UNKNOWN';
  if (available <= 0) return 'EXHAUSTED';
  if (purchased === null || purchased <= 0) return 'UNKNOWN';
  // available / purchased * 100 <= threshold, without rounding: available * 100 <= threshold * purchased.
  const low = new Big(available).times(100).lte(new Big(lowThresholdPercent).times(purchased));
  return low ? 'LOW' : 'OK';
}

