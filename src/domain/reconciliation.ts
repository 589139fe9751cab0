import type { MonthlyCharges } from './account';
import type { ReconciliationStatus } from './vocabulary';

/**
 * The status of a bill's check: MATCHES when the totals agree exactly (decimal arithmetic,
 * so a one-cent difference is a MISMATCH), MISMATCH when they differ in amount or in known
 * currency, UNCHECKABLE when a total, an amount or a currency is unknown.
 */
export function reconciliationStatus(charges: Pick<MonthlyCharges, 'matches'>): ReconciliationStatus {
  if (charges.matches === null) return 'UNCHECKABLE';
  return charges.matches ? 'MATCHES' : 'MISMATCH';
}
