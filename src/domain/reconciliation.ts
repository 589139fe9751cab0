import type { MonthlyCharges } from './account';

export const RECONCILIATION_STATUSES = ['MATCHES', 'MISMATCH', 'UNCHECKABLE'] as const;
/** Whether a monthly bill's line items add up to the provider's stated total. */
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/**
 * The status of a bill's check: MATCHES when the totals agree exactly (decimal arithmetic,
 * so a one-cent difference is a MISMATCH), MISMATCH when they differ in amount or in known
 * currency, UNCHECKABLE when a total, an amount or a currency is unknown.
 */
export function reconciliationStatus(charges: Pick<MonthlyCharges, 'matches'>): ReconciliationStatus {
  if (charges.matches === null) return 'UNCHECKABLE';
  return charges.matches ? 'MATCHES' : 'MISMATCH';
}
