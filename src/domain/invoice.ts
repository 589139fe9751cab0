import type { Freshness, Money, ProviderDate } from './account';
import type { Provider } from './provider';
import type { InvoiceStatus } from './vocabulary';

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
  /** Where the invoice can be viewed: an allowed https prefix plus the invoice id (see invoiceUrl), else null. */
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

/** The endings an invoice link may have after the invoice id (the id alone, or a PDF of it). */
const LINK_ENDINGS = ['.pdf', ''] as const;

/**
 * An invoice link as a client may see it, rebuilt rather than passed on: an `https` URL without
 * user info whose scheme, host, port and path start with one of `prefixes` (the operator's
 * allow-list, each ending in "/"), followed by the invoice's own id as one path segment,
 * optionally with ".pdf". The query string and fragment are always dropped. What comes out is
 * the prefix plus the id (which the response shows anyway) plus that ending, so no credential,
 * whatever its encoding, case or cut, can ride along: nothing else from the provider passes.
 * Null for any other link.
 */
export function invoiceUrl(raw: string | null, invoiceId: string, prefixes: readonly string[]): string | null {
  if (raw === null || invoiceId === '') return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return null;
  // The WHATWG parser has already resolved dot segments and lower-cased the host.
  const location = `${url.protocol}//${url.host}${url.pathname}`;
  for (const prefix of prefixes) {
    if (!location.startsWith(prefix)) continue;
    const rest = location.slice(prefix.length);
    for (const ending of LINK_ENDINGS) {
      if (!rest.endsWith(ending)) continue;
      const segment = rest.slice(0, rest.length - ending.length);
      if (segment.includes('/') || decodeSegment(segment) !== invoiceId) continue;
      return `${prefix}${encodeURIComponent(invoiceId)}${ending}`;
    }
  }
  return null;
}

/** A path segment's text, or null when its escapes are malformed. */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * Reads an allow-list entry for invoice links: an https URL with a host, a path ending in "/",
 * no user info, query or fragment. Returns its normalized form, or throws saying what is wrong.
 */
export function invoiceLinkPrefix(entry: string): string {
  let url: URL;
  try {
    url = new URL(entry.trim());
  } catch {
    throw new Error('must be an https URL');
  }
  if (url.protocol !== 'https:') throw new Error('must be an https URL');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || entry.includes('?') || entry.includes('#')) {
    throw new Error('must have no user info, query string or fragment');
  }
  if (!url.pathname.endsWith('/')) throw new Error('must end with "/"');
  return `${url.protocol}//${url.host}${url.pathname}`;
}
