import { registerEnumType } from 'type-graphql';

// String enums whose values equal the domain's string unions, so domain values pass through unchanged.

/** The upstream provider of an account. */
export enum ProviderEnum {
  DIGIDONAR = 'DIGIDONAR',
  SIMPSY = 'SIMPSY',
}
registerEnumType(ProviderEnum, {
  name: 'Provider',
  description: 'The telecom provider that bills an account.',
  valuesConfig: {
    DIGIDONAR: { description: 'Digidonar, Indian cloud telephony: prepaid coins, validity, desk phones and DIDs.' },
    SIMPSY: { description: 'Simpsy Voice, cloud call centre: plan, add-ons, DIDs, credit limit and payment.' },
  },
});

/** The kinds of Digidonar coins. */
export enum CoinKindEnum {
  SMS = 'SMS',
  OBD = 'OBD',
  VOIP = 'VOIP',
  CLICK_TO_CALL = 'CLICK_TO_CALL',
  CALL = 'CALL',
}
registerEnumType(CoinKindEnum, {
  name: 'CoinKind',
  description: 'What a prepaid coin pays for.',
  valuesConfig: {
    SMS: { description: 'Text messages.' },
    OBD: { description: 'Outbound dialling (automated outbound calls).' },
    VOIP: { description: 'Calls over IP.' },
    CLICK_TO_CALL: { description: 'Click-to-call sessions.' },
    CALL: { description: 'Regular calls.' },
  },
});

/** Kinds of priced add-ons. */
export enum AddonKindEnum {
  AGENTS = 'AGENTS',
  STORAGE = 'STORAGE',
  CRM = 'CRM',
}
registerEnumType(AddonKindEnum, {
  name: 'AddonKind',
  description: 'What an add-on adds to the plan. DIDs are listed apart, as Did values.',
  valuesConfig: {
    AGENTS: { description: 'Extra agent seats.' },
    STORAGE: { description: 'Extra storage (recordings, files).' },
    CRM: { description: 'CRM integration seats.' },
  },
});

/** Kinds of monthly line items. */
export enum ChargeKindEnum {
  PLAN = 'PLAN',
  ADDON = 'ADDON',
  DID = 'DID',
}
registerEnumType(ChargeKindEnum, {
  name: 'ChargeKind',
  description: 'What a monthly line item is for.',
  valuesConfig: {
    PLAN: { description: 'The plan itself.' },
    ADDON: { description: 'An add-on (agents, storage, CRM).' },
    DID: { description: 'One DID number.' },
  },
});

/** Storage units. */
export enum StorageUnitEnum {
  MB = 'MB',
  GB = 'GB',
  TB = 'TB',
}
registerEnumType(StorageUnitEnum, {
  name: 'StorageUnit',
  description: 'The unit a storage size was given in (decimal: 1 GB = 1000 MB).',
  valuesConfig: {
    MB: { description: 'Megabytes.' },
    GB: { description: 'Gigabytes.' },
    TB: { description: 'Terabytes.' },
  },
});

/** How a coin balance stands. */
export enum CoinStatusEnum {
  OK = 'OK',
  LOW = 'LOW',
  EXHAUSTED = 'EXHAUSTED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(CoinStatusEnum, {
  name: 'CoinStatus',
  description: 'How a coin balance stands, from its purchased and available counts.',
  valuesConfig: {
    OK: { description: 'More coins left than the low threshold of that coin kind.' },
    LOW: { description: "Coins left, but at or below the coin kind's low threshold (percent of purchased)." },
    EXHAUSTED: { description: 'No coins available (available is 0 or less).' },
    UNKNOWN: { description: 'Cannot be computed: available unknown, or purchased unknown or 0 with coins left.' },
  },
});

/** Where a service term stands. */
export enum ValidityStatusEnum {
  ACTIVE = 'ACTIVE',
  EXPIRING_SOON = 'EXPIRING_SOON',
  EXPIRED = 'EXPIRED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(ValidityStatusEnum, {
  name: 'ValidityStatus',
  description: 'Where the service term stands at the time of the request.',
  valuesConfig: {
    ACTIVE: { description: 'Expires after the expiring-soon window.' },
    EXPIRING_SOON: { description: 'Not expired yet, but expires within the expiring-soon window (calendar days).' },
    EXPIRED: { description: 'The expiry instant is at or before the time of the request.' },
    UNKNOWN: { description: 'There is no readable expiry.' },
  },
});

/** Whether a monthly bill adds up. */
export enum ReconciliationStatusEnum {
  MATCHES = 'MATCHES',
  MISMATCH = 'MISMATCH',
  UNCHECKABLE = 'UNCHECKABLE',
}
registerEnumType(ReconciliationStatusEnum, {
  name: 'ReconciliationStatus',
  description: "Whether a monthly bill's line items add up to the provider's stated total.",
  valuesConfig: {
    MATCHES: { description: 'They agree exactly, to the cent.' },
    MISMATCH: { description: 'They differ, by any amount (one cent included) or in currency.' },
    UNCHECKABLE: { description: 'A total, an amount or a currency is unknown.' },
  },
});

/** Why an account needs attention. */
export enum AttentionReasonEnum {
  UNAVAILABLE = 'UNAVAILABLE',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  EXPIRED = 'EXPIRED',
  BALANCE_EXHAUSTED = 'BALANCE_EXHAUSTED',
  RECONCILIATION_MISMATCH = 'RECONCILIATION_MISMATCH',
  EXPIRING_SOON = 'EXPIRING_SOON',
  BALANCE_LOW = 'BALANCE_LOW',
  STALE_DATA = 'STALE_DATA',
}
registerEnumType(AttentionReasonEnum, {
  name: 'AttentionReason',
  description: 'Why an account needs someone to look at it. Listed most urgent first.',
  valuesConfig: {
    UNAVAILABLE: { description: 'Its billing could not be read (see the error code).' },
    PAYMENT_FAILED: { description: 'The provider reports a failed payment.' },
    EXPIRED: { description: 'Its service validity has ended.' },
    BALANCE_EXHAUSTED: { description: 'Some coin balance is at or below zero.' },
    RECONCILIATION_MISMATCH: { description: "The monthly line items do not add up to the provider's total." },
    EXPIRING_SOON: { description: 'Its validity ends within the configured window.' },
    BALANCE_LOW: { description: 'Some coin balance is at or below its low threshold.' },
    STALE_DATA: { description: 'The latest refresh failed; older data is shown.' },
  },
});

/** Where an invoice stands. */
export enum InvoiceStatusEnum {
  PAID = 'PAID',
  UNPAID = 'UNPAID',
  OVERDUE = 'OVERDUE',
  CANCELLED = 'CANCELLED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(InvoiceStatusEnum, {
  name: 'InvoiceStatus',
  description: "Where an invoice stands, read case-insensitively from the provider's status word (kept in Invoice.rawStatus).",
  valuesConfig: {
    PAID: { description: 'Paid ("paid").' },
    UNPAID: { description: 'Not paid yet and not past due ("unpaid", "due").' },
    OVERDUE: { description: 'Not paid and past its due date ("overdue", "past due").' },
    CANCELLED: { description: 'Cancelled or voided; nothing is owed ("cancelled", "canceled", "void").' },
    UNKNOWN: { description: 'A status word this subgraph does not know, or none: see rawStatus.' },
  },
});
