// The domain's closed lists of values, each with what every value means: the one place a value a
// client can see is named and explained. The GraphQL enums are built from these, values and
// descriptions alike (graphql/types/enums.ts), in the order written here.

/** A closed list of values, each with what it means. */
export type ValueMeanings<V extends string> = { readonly [K in V]: string };

/** The values of a list of meanings, in the order they are written (the order clients see). */
export function valuesOf<V extends string>(meanings: ValueMeanings<V>): readonly V[] {
  return Object.freeze(Object.keys(meanings) as V[]);
}

/** The kinds of prepaid coins Digidonar sells, and what each pays for. */
export const COIN_KIND_MEANINGS = {
  SMS: 'Text messages.',
  OBD: 'Outbound dialling (automated outbound calls).',
  VOIP: 'Calls over IP.',
  CLICK_TO_CALL: 'Click-to-call sessions.',
  CALL: 'Regular calls.',
} as const;
/** The kinds of prepaid coins Digidonar sells. */
export type CoinKind = keyof typeof COIN_KIND_MEANINGS;
export const COIN_KINDS = valuesOf(COIN_KIND_MEANINGS);

/** The units a storage size comes in (decimal: 1 GB = 1000 MB). */
export const STORAGE_UNIT_MEANINGS = { MB: 'Megabytes.', GB: 'Gigabytes.', TB: 'Terabytes.' } as const;
export type StorageUnit = keyof typeof STORAGE_UNIT_MEANINGS;

/** What an add-on adds to the plan (DIDs are listed apart, as Did values). */
export const ADDON_KIND_MEANINGS = {
  AGENTS: 'Extra agent seats.',
  STORAGE: 'Extra storage (recordings, files).',
  CRM: 'CRM integration seats.',
} as const;
export type AddonKind = keyof typeof ADDON_KIND_MEANINGS;
export const ADDON_KINDS = valuesOf(ADDON_KIND_MEANINGS);

/** What a monthly line item is for. */
export const CHARGE_KIND_MEANINGS = {
  PLAN: 'The plan itself.',
  ADDON: 'An add-on (agents, storage, CRM).',
  DID: 'One DID number.',
} as const;
export type ChargeKind = keyof typeof CHARGE_KIND_MEANINGS;
export const CHARGE_KINDS = valuesOf(CHARGE_KIND_MEANINGS);

/** How a coin balance stands, from its purchased and available counts. */
export const COIN_STATUS_MEANINGS = {
  OK: 'More coins left than the low threshold of that coin kind.',
  LOW: "Coins left, but at or below the coin kind's low threshold (percent of purchased).",
  EXHAUSTED: 'No coins available (available is 0 or less).',
  UNKNOWN: 'Cannot be computed: available unknown, or purchased unknown or 0 with coins left.',
} as const;
/** How a coin balance stands: enough, running low, used up, or not computable. */
export type CoinStatus = keyof typeof COIN_STATUS_MEANINGS;
export const COIN_STATUSES = valuesOf(COIN_STATUS_MEANINGS);

/** Where a service term stands at a moment (the time of the request). */
export const VALIDITY_STATUS_MEANINGS = {
  ACTIVE: 'Expires after the expiring-soon window.',
  EXPIRING_SOON: 'Not expired yet, but expires within the expiring-soon window (calendar days).',
  EXPIRED: 'The expiry instant is at or before the time of the request.',
  UNKNOWN: 'There is no readable expiry.',
} as const;
/** Where a service term stands relative to a moment. */
export type ValidityStatus = keyof typeof VALIDITY_STATUS_MEANINGS;
export const VALIDITY_STATUSES = valuesOf(VALIDITY_STATUS_MEANINGS);

/** Whether a monthly bill's line items add up to the provider's stated total. */
export const RECONCILIATION_STATUS_MEANINGS = {
  MATCHES: 'They agree exactly, to the cent.',
  MISMATCH: 'They differ, by any amount (one cent included) or in currency.',
  UNCHECKABLE: 'A total, an amount or a currency is unknown.',
} as const;
/** Whether a monthly bill's line items add up to the provider's stated total. */
export type ReconciliationStatus = keyof typeof RECONCILIATION_STATUS_MEANINGS;
export const RECONCILIATION_STATUSES = valuesOf(RECONCILIATION_STATUS_MEANINGS);

/** Where an invoice stands, whatever words the provider uses for it, and the words read as each. */
export const INVOICE_STATUS_MEANINGS = {
  PAID: 'Paid ("paid").',
  UNPAID: 'Not paid yet and not past due ("unpaid", "due").',
  OVERDUE: 'Not paid and past its due date ("overdue", "past due").',
  CANCELLED: 'Cancelled or voided; nothing is owed ("cancelled", "canceled", "void").',
  UNKNOWN: 'A status word this subgraph does not know, or none: see rawStatus.',
} as const;
/** Where an invoice stands, whatever words the provider uses for it. */
export type InvoiceStatus = keyof typeof INVOICE_STATUS_MEANINGS;
export const INVOICE_STATUSES = valuesOf(INVOICE_STATUS_MEANINGS);

/** Why an account needs someone to look at it, most urgent first. */
export const ATTENTION_REASON_MEANINGS = {
  UNAVAILABLE: 'Its billing could not be read (see the error code).',
  PAYMENT_FAILED: 'The provider reports a failed payment.',
  EXPIRED: 'Its service validity has ended.',
  BALANCE_EXHAUSTED: 'Some coin balance is at or below zero.',
  RECONCILIATION_MISMATCH: "The monthly line items do not add up to the provider's total.",
  EXPIRING_SOON: 'Its validity ends within the configured window.',
  BALANCE_LOW: 'Some coin balance is at or below its low threshold.',
  STALE_DATA: 'The latest refresh failed; older data is shown.',
} as const;
/** Why an account needs someone to look at it, most urgent first. */
export type AttentionReason = keyof typeof ATTENTION_REASON_MEANINGS;
export const ATTENTION_REASONS = valuesOf(ATTENTION_REASON_MEANINGS);
