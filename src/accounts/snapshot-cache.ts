import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { AccountSnapshot } from '../domain/account';

/** Anything the cache keeps: what the provider answered, and when (its age decides freshness). */
export interface Cacheable {
  /** ISO-8601 instant at which the upstream answered. */
  readonly fetchedAt: string;
}

/**
 * Where account snapshots (and invoice lists, under keys of their own) are kept between
 * requests. Implementations never throw: a cache that fails behaves as a cache that misses, so
 * the upstreams still answer. A key always holds one kind of value: `get` trusts the caller's type.
 */
export interface SnapshotCache {
  /** The stored snapshot, or undefined on a miss or a failure. */
  get<T extends Cacheable = AccountSnapshot>(key: string): Promise<T | undefined>;
  /** Stores a snapshot for `ttlSeconds` (how long it may still be served stale, not how long it is fresh). */
  set(key: string, snapshot: Cacheable, ttlSeconds: number): Promise<void>;
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
  readonly #cache: KeyValueCache<Cacheable>;

  constructor(maxEntries: number) {
    this.#cache = new InMemoryLRUCache<Cacheable>({ max: maxEntries });
  }

  get<T extends Cacheable = AccountSnapshot>(key: string): Promise<T | undefined> {
    return this.#cache.get(key) as Promise<T | undefined>;
  }

  async set(key: string, snapshot: Cacheable, ttlSeconds: number): Promise<void> {
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
