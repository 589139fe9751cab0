import type { MonthlyCharges } from './account';
import { valuesOf } from './value-list';

/** Whether a monthly bill's line items add up to the provider's stated total. */
export const RECONCILIATION_STATUS_MEANINGS = {
  MATCHES: 'They agree exactly, to the cent.',
  MISMATCH: 'They differ, by any amount (one cent included) or in currency.',
  UNCHECKABLE: 'A total, an amount or a currency is unknown.',
} as const;
/** Whether a monthly bill's line items add up to the provider's stated total. */
export type ReconciliationStatus = keyof typeof RECONCILIATION_STATUS_MEANINGS;
export const RECONCILIATION_STATUSES = valuesOf(RECONCILIATION_STATUS_MEANINGS);

/**
 * The status of a bill's check: MATCHES when the totals agree exactly (decimal arithmetic,
 * so a one-cent difference is a MISMATCH), MISMATCH when they differ in amount or in known
 * currency, UNCHECKABLE when a total, an amount or a currency is unknown.
 */
export function reconciliationStatus(charges: Pick<MonthlyCharges, 'matches'>): ReconciliationStatus {
  if (charges.matches === null) return 'UNCHECKABLE';
  return charges.matches ? 'MATCHES' : 'MISMATCH';
}
