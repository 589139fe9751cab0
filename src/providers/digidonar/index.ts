import type { Dispatcher } from 'undici';
import type { ProviderClient } from '../provider-client';
import type { UpstreamHttpOptions } from '../upstream-http';
import { mapBody } from '../wire';
import { DigidonarClient } from './digidonar.client';
import { digidonarSnapshot } from './digidonar.mapper';

/** Settings of the Digidonar provider. */
export interface DigidonarOptions extends Omit<UpstreamHttpOptions, 'provider'> {
  /** Zone in which Digidonar's zone-less date-times are read. */
  readonly timeZone: string;
}

/** Creates the Digidonar provider: client plus mapper, behind the ProviderClient interface. */
export function createDigidonarProvider(options: DigidonarOptions, dispatcher?: Dispatcher): ProviderClient {
  const client = new DigidonarClient(options, dispatcher);
  return {
    provider: 'DIGIDONAR',
    async fetchSnapshot(account, signal) {
      const body = await client.fetchProfile(account, signal);
      return mapBody('DIGIDONAR', account.accountId, () =>
        digidonarSnapshot(body, account.accountId, options.timeZone, new Date()),
      );
    },
    close: () => client.close(),
  };
}
