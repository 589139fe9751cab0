import { z } from 'zod';
import { INVOICE_LIST_MAX_ITEMS, wireAmount, wireNumberArray, wireShort, wireString } from '../wire';

const did = z.object({ number: wireShort, country: wireShort, monthly: wireAmount });

/** One element of `result`: the billing details of the account the key belongs to. */
export const simpsyBilling = z.object({
  call_route: wireString,
  payment_method: wireShort,
  payment_details: wireShort,
  creditlimit: wireAmount,
  billingcycle: wireShort,
  plan: z
    .object({
      name: wireString,
      price: wireAmount,
      no_of_agents: wireShort,
      storage: wireShort,
      crm: wireShort,
    })
    .nullish(),
  addon: z
    .object({
      agents: z
        .object({ no_of_agents: wireShort, price_per_agent: wireAmount, total_agent_price: wireAmount })
        .nullish(),
      storage: z
        .object({ no_of_storage: wireShort, price_per_gb: wireAmount, total_storage_price: wireAmount })
        .nullish(),
      // The provider names the CRM price total_storage_price; that is its field, not a storage price.
      crm: z.object({ no_of_crm: wireShort, total_storage_price: wireAmount }).nullish(),
      did: wireNumberArray(did).nullish(),
    })
    .nullish(),
  total_monthly: wireAmount,
});

/** An invoice id: required, since cursors and identity rest on it; a number is taken as its text. */
const invoiceId = wireShort.transform((id) => id?.trim() ?? '').refine((id) => id !== '', 'an invoice needs an invoice_id');

/** One element of `/billing/invoice`'s `result`. */
export const simpsyInvoice = z.object({
  invoice_id: invoiceId,
  date: wireShort,
  amount: wireAmount,
  status: wireShort,
  invoice_url: wireString,
});

/**
 * `/billing/invoice`'s `result`: every invoice of the account, none being a valid answer
 * (`null` read as none). Two invoices with one id would make cursors ambiguous, so that body is refused.
 */
export const simpsyInvoiceList = wireNumberArray(simpsyInvoice, INVOICE_LIST_MAX_ITEMS)
  .nullable()
  .transform((list) => list ?? [])
  .superRefine((list, context) => {
    const seen = new Set<string>();
    list.forEach((invoice, index) => {
      if (seen.has(invoice.invoice_id)) {
        context.addIssue({ code: 'custom', path: [index, 'invoice_id'], message: 'duplicate invoice_id' });
      }
      seen.add(invoice.invoice_id);
    });
  });

/** The envelope every Simpsy billing endpoint answers with; `status` is the body's own status. */
export const simpsyEnvelope = z.object({
  status: wireString,
  // Never read, and seen as a string, a list or an object of field errors: any shape is fine.
  message: z.unknown().optional(),
  result: z.unknown().optional(),
});

/** A decoded billing details element. */
export type SimpsyBilling = z.infer<typeof simpsyBilling>;

/** A decoded invoice. */
export type SimpsyInvoice = z.infer<typeof simpsyInvoice>;
