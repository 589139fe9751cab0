import DataLoader from 'dataloader';
import type { AccountSnapshot } from '../domain/account';
import { accountKeyString, type AccountKey } from '../domain/provider';
import type { AccountService } from './account.service';

/** Loads account snapshots, deduplicated and batched per tick; one per request, never shared. */
export type AccountLoader = DataLoader<AccountKey, AccountSnapshot, string>;

/** Creates a per-request account loader over the service. */
export function createAccountLoader(service: AccountService): AccountLoader {
  return new DataLoader<AccountKey, AccountSnapshot, string>((keys) => service.loadMany(keys), {
    cacheKeyFn: accountKeyString,
  });
}
