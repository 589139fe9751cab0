import { BillingError, ErrorCode } from '../domain/billing-error';
import type { Invoice, InvoiceListView } from '../domain/invoice';
import type { AccountKey } from '../domain/provider';
import type { InvoiceConnectionType } from './types/invoice-connection.type';
import { oncePerObject } from './field-memo';

/** Invoices per page when `first` is not given. */
export const DEFAULT_INVOICES_PER_PAGE = 20;
/** The most invoices one page may hold. */
export const MAX_INVOICES_PER_PAGE = 100;

/** Longer than any cursor this subgraph hands out for a sane invoice id; decoding stops there. */
const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque cursor of an invoice: its id, base64url-encoded. */
export function invoiceCursor(invoice: Pick<Invoice, 'id'>): string {
  return Buffer.from(invoice.id, 'utf8').toString('base64url');
}

const where = (key: AccountKey) => ({ provider: key.provider, accountId: key.accountId });

/** The page size asked for: `first`, 20 when it is not given; BAD_USER_INPUT outside 0..100. */
export function pageSize(first: number | null | undefined, key: AccountKey): number {
  if (first === null || first === undefined) return DEFAULT_INVOICES_PER_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_INVOICES_PER_PAGE) {
    throw new BillingError(
      ErrorCode.BAD_USER_INPUT,
      `first must be between 0 and ${MAX_INVOICES_PER_PAGE} invoices`,
      where(key),
    );
  }
  return first;
}

const invalidCursor = (key: AccountKey) =>
  new BillingError(ErrorCode.INVALID_CURSOR, 'The after cursor is not one this field handed out for this account', where(key));

/**
 * The invoice id inside an `after` cursor, checked before anything is loaded: it must be the
 * exact base64url this subgraph writes (no padding, valid UTF-8), else INVALID_CURSOR.
 */
export function cursorInvoiceId(after: string, key: AccountKey): string {
  if (after.length > MAX_CURSOR_LENGTH || !BASE64URL.test(after)) throw invalidCursor(key);
  const id = Buffer.from(after, 'base64url').toString('utf8');
  if (id === '' || invoiceCursor({ id }) !== after) throw invalidCursor(key);
  return id;
}

/**
 * One page of a newest-first invoice list: up to `first` invoices after the one `afterId`
 * names (from the start without it). An id that names no invoice of the list is INVALID_CURSOR:
 * a cursor from another account, or for an invoice the provider no longer lists.
 */
export function invoicePage(list: InvoiceListView, first: number, afterId: string | null, key: AccountKey): InvoiceConnectionType {
  let start = 0;
  if (afterId !== null) {
    const index = list.invoices.findIndex((invoice) => invoice.id === afterId);
    if (index === -1) throw invalidCursor(key);
    start = index + 1;
  }
  return pageOf(list, start, first);
}

/**
 * The page of a list from `start`, built once per list view and page: a cached list is served to
 * request after request (its view changes only when its age does), and its edges, cursors and
 * page info would otherwise be rebuilt for every one of them.
 */
const pageOf = oncePerObject((list: InvoiceListView, start: number, first: number): InvoiceConnectionType => {
  const { invoices } = list;
  const nodes = invoices.slice(start, start + first);
  const edges = nodes.map((node) => ({ cursor: invoiceCursor(node), node }));
  return {
    edges: edges as InvoiceConnectionType['edges'],
    nodes: nodes as InvoiceConnectionType['nodes'],
    pageInfo: {
      hasNextPage: start + first < invoices.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: invoices.length,
    freshness: list.freshness,
  };
});
