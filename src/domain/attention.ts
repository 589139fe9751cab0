import type { AccountView, Money } from './account';
import { coinUsage } from './coin-usage';
import { sumMoney } from './money';
import { reconciliationStatus } from './reconciliation';
import { validityInsight } from './validity-status';
import { ATTENTION_REASONS, type AttentionReason, type CoinKind } from './vocabulary';

/** The thresholds the reasons are judged by. */
export interface AttentionThresholds {
  readonly coinLowThresholdPercent: Readonly<Record<CoinKind, number>>;
  readonly validityExpiringSoonDays: number;
}

/** What is known of one account: its data, or the code it failed with. */
export type AccountOutcome = { readonly view: AccountView } | { readonly errorCode: string };

/** The reasons an account needs attention at `now`, most urgent first; empty when all is well. */
export function attentionReasons(outcome: AccountOutcome, now: Date, thresholds: AttentionThresholds): AttentionReason[] {
  if ('errorCode' in outcome) {
    return [outcome.errorCode === 'UPSTREAM_PAYMENT_REQUIRED' ? 'PAYMENT_FAILED' : 'UNAVAILABLE'];
  }
  const { view } = outcome;
  const reasons = new Set<AttentionReason>();
  const statuses = (view.coins ?? []).map((coin) => coinUsage(coin, thresholds.coinLowThresholdPercent[coin.kind]).status);
  if (statuses.includes('EXHAUSTED')) reasons.add('BALANCE_EXHAUSTED');
  if (statuses.includes('LOW')) reasons.add('BALANCE_LOW');
  const validity = validityInsight(view.validity?.expiresAt ?? null, now, thresholds.validityExpiringSoonDays).status;
  if (validity === 'EXPIRED') reasons.add('EXPIRED');
  if (validity === 'EXPIRING_SOON') reasons.add('EXPIRING_SOON');
  if (view.monthlyCharges && reconciliationStatus(view.monthlyCharges) === 'MISMATCH') reasons.add('RECONCILIATION_MISMATCH');
  if (view.freshness.stale) reasons.add('STALE_DATA');
  return ATTENTION_REASONS.filter((reason) => reasons.has(reason));
}

/** How urgent a list of reasons is: the index of the most urgent one, or past the end when none. */
export function urgency(reasons: readonly AttentionReason[]): number {
  return reasons.length === 0 ? ATTENTION_REASONS.length : ATTENTION_REASONS.indexOf(reasons[0]!);
}

/**
 * Monthly totals per currency over the accounts that state one, summed exactly. An amount with
 * no readable value or currency is left out of the sums, and counted apart by the caller.
 */
export function totalsPerCurrency(totals: readonly (Money | null)[]): Money[] {
  const byCurrency = new Map<string, Money[]>();
  for (const total of totals) {
    if (!total || total.amount === null || total.currency === null) continue;
    byCurrency.set(total.currency, [...(byCurrency.get(total.currency) ?? []), total]);
  }
  return [...byCurrency.keys()]
    .sort()
    .map((currency) => sumMoney(byCurrency.get(currency)!))
    .filter((money): money is Money => money !== null);
}
