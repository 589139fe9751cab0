import DataLoader from 'dataloader';
import type { AccountView } from '../domain/account';
import { accountKeyString, type AccountKey } from '../domain/provider';
import type { AccountService } from './account.service';

/** Loads account snapshots, deduplicated and batched per tick; one per request, never shared. */
export type AccountLoader = Pick<DataLoader<AccountKey, AccountView, string>, 'load'>;

const ignore = (): void => undefined;

/**
 * Creates a per-request account loader over the service. Each promise it hands out is
 * marked as handled: when GraphQL abandons a list half-way (a later `_entities`
 * representation with an unknown __typename fails the whole field), the loads already
 * started must not become unhandled rejections, which would stop the process.
 */
export function createAccountLoader(service: AccountService): AccountLoader {
  const loader = new DataLoader<AccountKey, AccountView, string>((keys) => service.loadMany(keys), {
    cacheKeyFn: accountKeyString,
  });
  return {
    load(key) {
      const promise = loader.load(key);
      promise.catch(ignore);
      return promise;
    },
  };
}
