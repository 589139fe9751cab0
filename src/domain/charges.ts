import type { ChargeLineItem, Money, MonthlyCharges } from './account';
import { moneyEquals, subtractMoney, sumMoney } from './money';

/** Zero in the stated total's currency and scale (x - x), so that an empty bill can still be checked. */
function zeroLike(stated: Money | null): Money | null {
  return stated === null ? null : subtractMoney(stated, stated);
}

/**
 * Sums the line items and checks them against the provider's stated total. No line items
 * sum to zero in the stated total's currency (null when there is no stated amount). matches
 * is false when both currencies are known and differ, null when either total or currency is unknown.
 */
export function monthlyCharges(lineItems: readonly ChargeLineItem[], statedTotal: Money | null): MonthlyCharges {
  const computedTotal = lineItems.length === 0 ? zeroLike(statedTotal) : sumMoney(lineItems.map((item) => item.amount));
  const difference = statedTotal === null || computedTotal === null ? null : subtractMoney(statedTotal, computedTotal);
  return { lineItems, computedTotal, statedTotal, difference, matches: agreement(statedTotal, computedTotal) };
}

/** Whether two totals agree, or null when that cannot be known. */
function agreement(stated: Money | null, computed: Money | null): boolean | null {
  if (stated === null || computed === null || stated.amount === null || computed.amount === null) return null;
  if (stated.currency !== computed.currency) {
    // An unknown currency on one side may well be the other side's: not checkable.
    return stated.currency === null || computed.currency === null ? null : false;
  }
  return moneyEquals(stated, computed);
}
