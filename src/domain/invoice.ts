import type { Freshness, Money, ProviderDate } from './account';
import type { Provider } from './provider';
import type { Secret } from './secret';

export const INVOICE_STATUSES = ['PAID', 'UNPAID', 'OVERDUE', 'CANCELLED', 'UNKNOWN'] as const;
/** Where an invoice stands, whatever words the provider uses for it. */
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** One invoice, provider-neutral; every value that could fail to normalize keeps what was sent. */
export interface Invoice {
  /** The provider's invoice id, as sent (numbers become their string). */
  readonly id: string;
  /** The invoice date (a calendar date); null when the provider sent none. */
  readonly date: ProviderDate | null;
  /** The invoiced amount; null when the provider sent none. */
  readonly amount: Money | null;
  readonly status: InvoiceStatus;
  /** The status word exactly as the provider sent it. */
  readonly rawStatus: string | null;
  /** Where the invoice can be viewed: an http(s) URL that carries no credential, else null. */
  readonly url: string | null;
}

/** Every invoice of one account at one moment, newest first. */
export interface InvoiceList {
  readonly provider: Provider;
  readonly accountId: string;
  /** ISO-8601 instant at which the upstream answered. */
  readonly fetchedAt: string;
  readonly invoices: readonly Invoice[];
}

/** An invoice list as served: the list plus how current it is. */
export interface InvoiceListView extends InvoiceList {
  readonly freshness: Freshness;
}

/** Status words, folded to lower case with single spaces; anything else is UNKNOWN (the raw word stays beside it). */
const STATUS_WORDS: ReadonlyMap<string, InvoiceStatus> = new Map([
  ['paid', 'PAID'],
  ['unpaid', 'UNPAID'],
  ['due', 'UNPAID'],
  ['overdue', 'OVERDUE'],
  ['past due', 'OVERDUE'],
  ['cancelled', 'CANCELLED'],
  ['canceled', 'CANCELLED'],
  ['void', 'CANCELLED'],
]);

/** Reads a provider's status word case-insensitively ("Paid", "PAST_DUE", "canceled"); UNKNOWN when it is none we know. */
export function parseInvoiceStatus(raw: string | null): InvoiceStatus {
  if (raw === null) return 'UNKNOWN';
  const folded = raw.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  return STATUS_WORDS.get(folded) ?? 'UNKNOWN';
}

const ids = new Intl.Collator('en', { numeric: true });

/**
 * Newest first: by date, latest first, invoices without a readable date last; on the same date
 * by id, highest first ("INV-10" before "INV-9"). A total order, so pages never shift.
 */
export function compareNewestFirst(a: Invoice, b: Invoice): number {
  const da = a.date?.date ?? null;
  const db = b.date?.date ?? null;
  if (da !== db) {
    if (da === null) return 1;
    if (db === null) return -1;
    return da < db ? 1 : -1;
  }
  return ids.compare(b.id, a.id) || (a.id === b.id ? 0 : a.id < b.id ? 1 : -1);
}

/**
 * An invoice link as a client may see it: an absolute http(s) URL without user info that
 * carries none of the account's credentials, raw or URL-encoded (a provider that signs links
 * with the API key or secret would otherwise hand them to every reader); null otherwise.
 */
export function invoiceUrl(raw: string | null, credentials: { readonly key: Secret; readonly secret: Secret }): string | null {
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return null;
  const carriesCredential = [raw, url.href].some((text) => credentials.key.appearsIn(text) || credentials.secret.appearsIn(text));
  return carriesCredential ? null : url.href;
}
