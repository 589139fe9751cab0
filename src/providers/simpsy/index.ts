import type { Dispatcher } from 'undici';
import type { ProviderClient } from '../provider-client';
import type { UpstreamHttpOptions } from '../upstream-http';
import { SimpsyClient } from './simpsy.client';
import { simpsySnapshot } from './simpsy.mapper';

/** Creates the Simpsy Voice provider: client plus mapper, behind the ProviderClient interface. */
export function createSimpsyProvider(options: Omit<UpstreamHttpOptions, 'provider'>, dispatcher?: Dispatcher): ProviderClient {
  const client = new SimpsyClient(options, dispatcher);
  return {
    provider: 'SIMPSY',
    async fetchSnapshot(account, signal) {
      const billing = await client.fetchDetails(account, signal);
      return simpsySnapshot(billing, account.accountId, new Date());
    },
    close: () => client.close(),
  };
}
