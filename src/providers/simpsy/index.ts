import type { Dispatcher } from 'undici';
import type { ProviderClient } from '../provider-client';
import type { UpstreamHttpOptions } from '../upstream-http';
import { mapBody } from '../wire';
import { SimpsyClient } from './simpsy.client';
import { simpsyInvoices } from './simpsy-invoices.mapper';
import { simpsySnapshot } from './simpsy.mapper';

/** Where Simpsy's invoice links may point unless SIMPSY_INVOICE_LINK_PREFIXES says otherwise (see invoiceUrl). */
export const DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES: readonly string[] = ['https://voice.simpsy.com/billing/invoices/'];

/** How to reach Simpsy, and where its invoice links may point (normalized prefixes; none: no links). */
export type SimpsyProviderOptions = Omit<UpstreamHttpOptions, 'provider'> & { readonly invoiceLinkPrefixes?: readonly string[] };

/** Creates the Simpsy Voice provider: client plus mappers (details and invoices), behind the ProviderClient interface. */
export function createSimpsyProvider(options: SimpsyProviderOptions, dispatcher?: Dispatcher): ProviderClient {
  const client = new SimpsyClient(options, dispatcher);
  const linkPrefixes = options.invoiceLinkPrefixes ?? DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES;
  return {
    provider: 'SIMPSY',
    async fetchSnapshot(account, signal) {
      const billing = await client.fetchDetails(account, signal);
      return mapBody('SIMPSY', account.accountId, () => simpsySnapshot(billing, account.accountId, new Date()));
    },
    async fetchInvoices(account, signal) {
      const invoices = await client.fetchInvoices(account, signal);
      return mapBody('SIMPSY', account.accountId, () => simpsyInvoices(invoices, account, new Date(), linkPrefixes));
    },
    close: () => client.close(),
  };
}
