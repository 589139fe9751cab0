import type { AccountEntry } from '../../domain/account-entry';
import { parseProviderDate } from '../../domain/dates';
import { compareNewestFirst, invoiceUrl, parseInvoiceStatus, type Invoice, type InvoiceList } from '../../domain/invoice';
import { parseMoney } from '../../domain/money';
import type { SimpsyInvoice } from './simpsy.wire';

/**
 * Turns Simpsy's decoded invoices into the provider-neutral list, newest first. Invoice links
 * are rebuilt from the allowed prefixes and the invoice id (invoiceUrl), never passed on as sent.
 */
export function simpsyInvoices(
  wire: readonly SimpsyInvoice[],
  account: AccountEntry,
  fetchedAt: Date,
  linkPrefixes: readonly string[],
): InvoiceList {
  const invoices = wire.map(
    (invoice): Invoice => ({
      id: invoice.invoice_id,
      date: invoice.date === null ? null : parseProviderDate(invoice.date),
      amount: invoice.amount === null ? null : parseMoney(invoice.amount),
      status: parseInvoiceStatus(invoice.status),
      rawStatus: invoice.status,
      url: invoiceUrl(invoice.invoice_url, invoice.invoice_id, linkPrefixes),
    }),
  );
  return {
    provider: 'SIMPSY',
    accountId: account.accountId,
    fetchedAt: fetchedAt.toISOString(),
    invoices: invoices.sort(compareNewestFirst),
  };
}
