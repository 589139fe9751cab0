import DataLoader from 'dataloader';
import type { AccountView } from '../domain/account';
import type { InvoiceListView } from '../domain/invoice';
import { accountKeyString, type AccountKey } from '../domain/provider';
import type { AccountService, AccountVisibility } from './account.service';

/** Loads account snapshots, deduplicated and batched per tick; one per request, never shared. */
export type AccountLoader = Pick<DataLoader<AccountKey, AccountView, string>, 'load'>;

/** Loads accounts' invoice lists (null for a provider without invoices), like AccountLoader; one per request. */
export type InvoiceLoader = Pick<DataLoader<AccountKey, InvoiceListView | null, string>, 'load'>;

const ignore = (): void => undefined;

/**
 * A per-request loader keyed by `PROVIDER:accountId`. Each promise it hands out is marked as
 * handled: when GraphQL abandons a list half-way (a later `_entities` representation with an
 * unknown __typename fails the whole field), the loads already started must not become
 * unhandled rejections, which would stop the process.
 */
function handledLoader<V>(batch: (keys: readonly AccountKey[]) => Promise<Array<V | Error>>): Pick<DataLoader<AccountKey, V, string>, 'load'> {
  const loader = new DataLoader<AccountKey, V, string>(batch, { cacheKeyFn: accountKeyString });
  return {
    load(key) {
      const promise = loader.load(key);
      promise.catch(ignore);
      return promise;
    },
  };
}

/** Creates a per-request account loader over the service; accounts not `visible` to the request load as unknown ones. */
export function createAccountLoader(service: AccountService, visible?: AccountVisibility): AccountLoader {
  return handledLoader((keys) => service.loadMany(keys, visible));
}

/** Creates a per-request invoice loader over the service: aliases and repeats of one account cost one load. */
export function createInvoiceLoader(service: AccountService, visible?: AccountVisibility): InvoiceLoader {
  return handledLoader((keys) => service.loadInvoicesMany(keys, visible));
}
