import type { Dispatcher } from 'undici';
import type { ProviderClient } from '../provider-client';
import type { ProviderModule } from '../provider-module';
import type { UpstreamHttpOptions } from '../upstream-http';
import { mapBody } from '../wire';
import { DIGIDONAR, DigidonarClient } from './digidonar.client';
import { DIGIDONAR_FAKE } from './digidonar.fake';
import { digidonarSnapshot } from './digidonar.mapper';

/** Settings of the Digidonar provider. */
export interface DigidonarOptions extends Omit<UpstreamHttpOptions, 'provider' | 'displayName'> {
  /** Zone in which Digidonar's zone-less date-times are read. */
  readonly timeZone: string;
}

/** Creates the Digidonar provider: client plus mapper, behind the ProviderClient interface. */
export function createDigidonarProvider(options: DigidonarOptions, dispatcher?: Dispatcher): ProviderClient {
  const client = new DigidonarClient(options, dispatcher);
  return {
    ...DIGIDONAR,
    async fetchSnapshot(account, signal) {
      const body = await client.fetchProfile(account, signal);
      return mapBody(DIGIDONAR, account.accountId, () =>
        digidonarSnapshot(body, account.accountId, options.timeZone, new Date()),
      );
    },
    close: () => client.close(),
  };
}

/** Digidonar, Indian cloud telephony: one profile-and-balance endpoint, no invoice API. */
export const digidonar: ProviderModule = {
  id: DIGIDONAR.provider,
  displayName: DIGIDONAR.displayName,
  description: 'Digidonar, Indian cloud telephony: prepaid coins, validity, desk phones and DIDs.',
  // Balances move by the minute: a short TTL.
  defaults: { baseUrl: 'https://cloud.digidonar.in', timeZone: 'Asia/Kolkata', cacheTtlSeconds: 60 },
  settings: {},
  capabilities: ['snapshot'],
  createClient: createDigidonarProvider,
  fake: DIGIDONAR_FAKE,
};
