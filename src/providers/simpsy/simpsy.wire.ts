import { z } from 'zod';
import { wireString } from '../wire';

const did = z.object({ number: wireString, country: wireString, monthly: wireString });

/** One element of `result`: the billing details of the account the key belongs to. */
export const simpsyBilling = z.object({
  call_route: wireString,
  payment_method: wireString,
  payment_details: wireString,
  creditlimit: wireString,
  billingcycle: wireString,
  plan: z
    .object({
      name: wireString,
      price: wireString,
      no_of_agents: wireString,
      storage: wireString,
      crm: wireString,
    })
    .nullish(),
  addon: z
    .object({
      agents: z
        .object({ no_of_agents: wireString, price_per_agent: wireString, total_agent_price: wireString })
        .nullish(),
      storage: z
        .object({ no_of_storage: wireString, price_per_gb: wireString, total_storage_price: wireString })
        .nullish(),
      // The provider names the CRM price total_storage_price; that is its field, not a storage price.
      crm: z.object({ no_of_crm: wireString, total_storage_price: wireString }).nullish(),
      did: z.array(did).nullish(),
    })
    .nullish(),
  total_monthly: wireString,
});

/** An invoice id: required, since cursors and identity rest on it; a number is taken as its string. */
const invoiceId = z
  .union([z.string(), z.number().transform(String)])
  .transform((id) => id.trim())
  .refine((id) => id !== '', 'an invoice needs an invoice_id');

/** One element of `/billing/invoice`'s `result`. */
export const simpsyInvoice = z.object({
  invoice_id: invoiceId,
  date: wireString,
  amount: wireString,
  status: wireString,
  invoice_url: wireString,
});

/**
 * `/billing/invoice`'s `result`: every invoice of the account, none being a valid answer
 * (`null` read as none). Two invoices with one id would make cursors ambiguous, so that body is refused.
 */
export const simpsyInvoiceList = z
  .array(simpsyInvoice)
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
