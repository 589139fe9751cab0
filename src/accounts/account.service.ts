import type { AccountSnapshot } from '../domain/account';
import { BillingError, ErrorCode } from '../domain/billing-error';
import type { AccountKey, Provider } from '../domain/provider';
import type { ProviderClient } from '../providers/provider-client';
import type { AccountRegistry } from './account-registry';

/** Turns (provider, accountId) into a normalized snapshot: registry lookup, then the provider's client. */
export class AccountService {
  readonly #registry: AccountRegistry;
  readonly #clients: ReadonlyMap<Provider, ProviderClient>;

  constructor(registry: AccountRegistry, clients: readonly ProviderClient[]) {
    this.#registry = registry;
    this.#clients = new Map(clients.map((client) => [client.provider, client]));
  }

  /** One account's snapshot; rejects with ACCOUNT_NOT_FOUND for an account that is not configured. */
  async load(key: AccountKey): Promise<AccountSnapshot> {
    const entry = this.#registry.get(key);
    const client = this.#clients.get(key.provider);
    if (!entry || !client) {
      throw new BillingError(ErrorCode.ACCOUNT_NOT_FOUND, `No ${key.provider} account "${key.accountId}" is configured`, {
        provider: key.provider,
        accountId: key.accountId,
      });
    }
    return client.fetchSnapshot(entry);
  }

  /**
   * The DataLoader batch function: every key at once, concurrently, each result in its key's
   * slot and an Error in the slot of a key that failed, so one bad account never fails the others.
   * Concurrency per provider is bounded by that provider's connection pool.
   */
  async loadMany(keys: readonly AccountKey[]): Promise<Array<AccountSnapshot | Error>> {
    return Promise.all(keys.map((key) => this.load(key).catch((error: unknown) => toError(error))));
  }

  /** Closes every provider's connections. */
  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((client) => client.close()));
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
