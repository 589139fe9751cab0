import type { Dispatcher } from 'undici';
import type { ProviderClient } from '../provider-client';
import type { UpstreamHttpOptions } from '../upstream-http';
import { mapBody } from '../wire';
import { SimpsyClient } from './simpsy.client';
import { simpsyInvoices } from './simpsy-invoices.mapper';
import { simpsySnapshot } from './simpsy.mapper';

/** Creates the Simpsy Voice provider: client plus mappers (details and invoices), behind the ProviderClient interface. */
export function createSimpsyProvider(options: Omit<UpstreamHttpOptions, 'provider'>, dispatcher?: Dispatcher): ProviderClient {
  const client = new SimpsyClient(options, dispatcher);
  return {
    provider: 'SIMPSY',
    async fetchSnapshot(account, signal) {
      const billing = await client.fetchDetails(account, signal);
      return mapBody('SIMPSY', account.accountId, () => simpsySnapshot(billing, account.accountId, new Date()));
    },
    async fetchInvoices(account, signal) {
      const invoices = await client.fetchInvoices(account, signal);
      return mapBody('SIMPSY', account.accountId, () => simpsyInvoices(invoices, account, new Date()));
    },
    close: () => client.close(),
  };
}
