import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { AccountSnapshot } from '../domain/account';

/**
 * Where account snapshots are kept between requests. Implementations never throw:
 * a cache that fails behaves as a cache that misses, so the upstreams still answer.
 */
export interface SnapshotCache {
  /** The stored snapshot, or undefined on a miss or a failure. */
  get(key: string): Promise<AccountSnapshot | undefined>;
  /** Stores a snapshot for `ttlSeconds` (how long it may still be served stale, not how long it is fresh). */
  set(key: string, snapshot: AccountSnapshot, ttlSeconds: number): Promise<void>;
  /**
   * Takes the right to refresh `key` for `ms` across every instance sharing the cache: true
   * when taken (always, for a cache of one process), false when another instance holds it.
   */
  lease(key: string, ms: number): Promise<boolean>;
  /** Gives a lease back early. */
  release(key: string): Promise<void>;
  /** Whether some instance holds the lease on `key` now. */
  leaseHeld(key: string): Promise<boolean>;
  /** Whether the shared store answers; a process-local cache always does. */
  healthy(): boolean;
  close(): Promise<void>;
}

/** A bounded in-process LRU of snapshot objects (no serialization): the default, one per process. */
export class MemorySnapshotCache implements SnapshotCache {
  readonly #cache: KeyValueCache<AccountSnapshot>;

  constructor(maxEntries: number) {
    this.#cache = new InMemoryLRUCache<AccountSnapshot>({ max: maxEntries });
  }

  get(key: string): Promise<AccountSnapshot | undefined> {
    return this.#cache.get(key);
  }

  async set(key: string, snapshot: AccountSnapshot, ttlSeconds: number): Promise<void> {
    await this.#cache.set(key, snapshot, { ttl: ttlSeconds });
  }

  async lease(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}

  async leaseHeld(): Promise<boolean> {
    return false;
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
