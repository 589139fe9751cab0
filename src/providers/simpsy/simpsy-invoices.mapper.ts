import type { AccountEntry } from '../../domain/account-entry';
import { parseProviderDate } from '../../domain/dates';
import { compareNewestFirst, invoiceUrl, parseInvoiceStatus, type Invoice, type InvoiceList } from '../../domain/invoice';
import { parseMoney } from '../../domain/money';
import type { SimpsyInvoice } from './simpsy.wire';

/**
 * Turns Simpsy's decoded invoices into the provider-neutral list, newest first. The account's
 * credentials are only compared against each invoice URL, so a link that carries them is dropped.
 */
export function simpsyInvoices(wire: readonly SimpsyInvoice[], account: AccountEntry, fetchedAt: Date): InvoiceList {
  const invoices = wire.map(
    (invoice): Invoice => ({
      id: invoice.invoice_id,
      date: invoice.date === null ? null : parseProviderDate(invoice.date),
      amount: invoice.amount === null ? null : parseMoney(invoice.amount),
      status: parseInvoiceStatus(invoice.status),
      rawStatus: invoice.status,
      url: invoiceUrl(invoice.invoice_url, account),
    }),
  );
  return {
    provider: 'SIMPSY',
    accountId: account.accountId,
    fetchedAt: fetchedAt.toISOString(),
    invoices: invoices.sort(compareNewestFirst),
  };
}
