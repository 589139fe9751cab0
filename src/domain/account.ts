import type { Provider } from './provider';
import type { AddonKind, ChargeKind, CoinKind, StorageUnit } from './vocabulary';

// The provider-neutral billing model. Every value that could fail to normalize keeps
// the provider's raw string beside the normalized one, so nothing the provider sent is lost.

/** An exact amount of money: a decimal string (never a float) and an ISO 4217 code. */
export interface Money {
  /** Canonical decimal string, e.g. "1234.50"; null when the raw value is not a number. */
  readonly amount: string | null;
  /** ISO 4217 code, e.g. "USD"; null when the symbol or code is missing or unknown. */
  readonly currency: string | null;
  /** The provider's value as sent, e.g. "$1,234.50". */
  readonly raw: string;
}

/** A provider date-time without zone, read in the provider's zone. */
export interface ProviderTimestamp {
  /** ISO-8601 instant in UTC, e.g. "2020-08-19T07:54:24.000Z"; null when unparseable. */
  readonly instant: string | null;
  /** The IANA zone the raw value was read in. */
  readonly timeZone: string;
  readonly raw: string;
}

/** A calendar date that has no time and no zone. */
export interface ProviderDate {
  /** "YYYY-MM-DD"; null when unparseable. */
  readonly date: string | null;
  readonly raw: string;
}

/** A phone number as sent, with its E.164 form when one can be derived. */
export interface PhoneNumber {
  readonly raw: string;
  /** E.164, e.g. "+911206851234"; null when the number is masked, short or invalid. */
  readonly e164: string | null;
  /** ISO 3166-1 alpha-2 country of the number, when known. */
  readonly country: string | null;
}

/** A DID (direct inward dialling) number or desk phone allocated to an account. */
export interface Did extends PhoneNumber {
  /** The provider's country name, e.g. "United States"; null when the provider gave none. */
  readonly countryName: string | null;
  /** What the number costs each month; null when the provider does not say. */
  readonly monthlyPrice: Money | null;
}

/** Purchased, available and used coins of one kind. */
export interface CoinBalance {
  readonly kind: CoinKind;
  readonly purchased: number | null;
  readonly available: number | null;
  /** purchased - available; null when either is unknown. */
  readonly used: number | null;
}

/** A storage size such as "3GB". */
export interface StorageSize {
  readonly raw: string;
  /** Decimal string of the number part, e.g. "3". */
  readonly value: string | null;
  readonly unit: StorageUnit | null;
  /** The size in gigabytes (1 GB = 1000 MB). */
  readonly gigabytes: number | null;
}

/** A subscription plan. */
export interface Plan {
  readonly name: string | null;
  readonly price: Money | null;
  readonly includedAgents: number | null;
  readonly includedStorage: StorageSize | null;
  readonly includedCrm: number | null;
}

/** A priced add-on on top of the plan (DIDs are listed apart, as Did values). */
export interface Addon {
  readonly kind: AddonKind;
  /** How many units (agents, CRM seats); null for storage, which has a size instead. */
  readonly quantity: number | null;
  readonly size: StorageSize | null;
  /** Price of one unit (one agent, one GB); null when the provider gives none. */
  readonly unitPrice: Money | null;
  readonly totalPrice: Money | null;
}

/** How the account pays. The card number is exactly as masked by the provider, or masked further. */
export interface PaymentMethod {
  readonly type: string | null;
  readonly maskedCardNumber: string | null;
  readonly last4: string | null;
}

/** One line of a monthly bill. */
export interface ChargeLineItem {
  readonly kind: ChargeKind;
  readonly description: string;
  readonly amount: Money;
}

/** Monthly charges as line items, their sum, and whether it matches the provider's stated total. */
export interface MonthlyCharges {
  readonly lineItems: readonly ChargeLineItem[];
  /** Sum of the line items; null when an amount is unknown or currencies differ. */
  readonly computedTotal: Money | null;
  readonly statedTotal: Money | null;
  /** statedTotal - computedTotal; null when either is null. */
  readonly difference: Money | null;
  /** true when they agree exactly, false when not, null when it cannot be checked. */
  readonly matches: boolean | null;
}

/** The company and admin contact on record. */
export interface CompanyProfile {
  readonly companyName: string | null;
  readonly companyAddress: string | null;
  readonly adminEmail: string | null;
  readonly adminFirstName: string | null;
  readonly adminLastName: string | null;
  readonly adminPhone: PhoneNumber | null;
}

/** Service term and lifecycle dates. */
export interface Validity {
  /** The service term as the provider names it, e.g. "Yearly". */
  readonly serviceOrder: string | null;
  readonly createdAt: ProviderTimestamp | null;
  readonly updatedAt: ProviderTimestamp | null;
  readonly expiresAt: ProviderTimestamp | null;
}

/** Everything known about one account's billing at one moment, provider-neutral. */
export interface AccountSnapshot {
  readonly provider: Provider;
  readonly accountId: string;
  /** ISO-8601 instant at which the upstream answered. */
  readonly fetchedAt: string;
  readonly profile: CompanyProfile | null;
  readonly coins: readonly CoinBalance[] | null;
  readonly validity: Validity | null;
  readonly deskPhones: readonly Did[] | null;
  readonly dids: readonly Did[] | null;
  readonly plan: Plan | null;
  readonly addons: readonly Addon[] | null;
  readonly creditLimit: Money | null;
  readonly billingCycle: ProviderDate | null;
  readonly callRoute: string | null;
  readonly paymentMethod: PaymentMethod | null;
  readonly monthlyTotal: Money | null;
  readonly monthlyCharges: MonthlyCharges | null;
}

/** Why a refresh failed while an older snapshot is being served instead. */
export interface RefreshError {
  readonly code: string;
  readonly message: string;
}

/** How current an account's data is. */
export interface Freshness {
  /** ISO-8601 instant at which the provider answered with this data. */
  readonly fetchedAt: string;
  /** Seconds since then, when this response was built. */
  readonly ageSeconds: number;
  /** How long the data is served without asking the provider again. */
  readonly maxAgeSeconds: number;
  /** True when a refresh failed and older data is served in its place. */
  readonly stale: boolean;
  /** The failure that made the data stale; null when fresh. */
  readonly refreshError: RefreshError | null;
}

/** A snapshot as served: the data plus how current it is. */
export interface AccountView extends AccountSnapshot {
  readonly freshness: Freshness;
}
