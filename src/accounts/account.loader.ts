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

/** Told of each load's outcome. Its handlers are also what marks the load's promise as handled. */
export interface LoadObserver<V> {
  loaded(value: V): void;
  failed(): void;
}

/**
 * A per-request loader keyed by `PROVIDER:accountId`. Each promise it hands out is marked as
 * handled: when GraphQL abandons a list half-way (a later `_entities` representation with an
 * unknown __typename fails the whole field), the loads already started must not become
 * unhandled rejections, which would stop the process. One reaction per load does both that
 * and the observer's work.
 */
function handledLoader<V>(
  batch: (keys: readonly AccountKey[]) => Promise<Array<V | Error>>,
  observer?: LoadObserver<V>,
): Pick<DataLoader<AccountKey, V, string>, 'load'> {
  const loader = new DataLoader<AccountKey, V, string>(batch, { cacheKeyFn: accountKeyString });
  const loaded = observer ? (value: V) => observer.loaded(value) : ignore;
  const failed = observer ? () => observer.failed() : ignore;
  return {
    load(key) {
      const promise = loader.load(key);
      promise.then(loaded, failed);
      return promise;
    },
  };
}

/** Creates a per-request account loader over the service; accounts not `visible` to the request load as unknown ones. */
export function createAccountLoader(service: AccountService, visible?: AccountVisibility, observer?: LoadObserver<AccountView>): AccountLoader {
  return handledLoader((keys) => service.loadMany(keys, visible), observer);
}

/** Creates a per-request invoice loader over the service: aliases and repeats of one account cost one load. */
export function createInvoiceLoader(
  service: AccountService,
  visible?: AccountVisibility,
  observer?: LoadObserver<InvoiceListView | null>,
): InvoiceLoader {
  return handledLoader((keys) => service.loadInvoicesMany(keys, visible), observer);
}
