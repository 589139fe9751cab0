import type { AccountEntry } from '../domain/account-entry';
import { accountKeyString, type AccountKey } from '../domain/provider';

/** The accounts this subgraph may serve, looked up by (provider, accountId). */
export class AccountRegistry {
  readonly #entries: ReadonlyMap<string, AccountEntry>;

  constructor(entries: readonly AccountEntry[]) {
    this.#entries = new Map(entries.map((entry) => [accountKeyString(entry), entry]));
  }

  /** The entry for a key, or undefined when the account is not configured. */
  get(key: AccountKey): AccountEntry | undefined {
    return this.#entries.get(accountKeyString(key));
  }

  /** Every configured account, in file order. */
  list(): AccountEntry[] {
    return [...this.#entries.values()];
  }

  /** How many accounts are configured. */
  get size(): number {
    return this.#entries.size;
  }
}
