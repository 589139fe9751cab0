import { LRUCache } from 'lru-cache';
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
  /**
   * A cache in this process answers at once: the stored snapshot or undefined, with no promise
   * (a warm request reads hundreds). Absent on a shared cache, which is asked with `get`.
   */
  peek?<T extends Cacheable = AccountSnapshot>(key: string): T | undefined;
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

/** Most bytes the in-process cache holds, counting each entry as its JSON (Apollo's InMemoryLRUCache's bound). */
const MEMORY_CACHE_MAX_BYTES = 30 * 1024 * 1024;

/**
 * A bounded in-process LRU of snapshot objects (no serialization): the default, one per process.
 * Bounded by entries and by bytes (each entry sized as its JSON once, when stored).
 */
export class MemorySnapshotCache implements SnapshotCache {
  readonly #cache: LRUCache<string, Cacheable>;

  constructor(maxEntries: number, maxBytes = MEMORY_CACHE_MAX_BYTES) {
    this.#cache = new LRUCache<string, Cacheable>({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (value) => Math.max(1, Buffer.byteLength(JSON.stringify(value))),
    });
  }

  get<T extends Cacheable = AccountSnapshot>(key: string): Promise<T | undefined> {
    return Promise.resolve(this.peek<T>(key));
  }

  peek<T extends Cacheable = AccountSnapshot>(key: string): T | undefined {
    return this.#cache.get(key) as T | undefined;
  }

  async set(key: string, snapshot: Cacheable, ttlSeconds: number): Promise<void> {
    // A snapshot bigger than the whole cache is not kept (lru-cache refuses it): the next read asks again.
    this.#cache.set(key, snapshot, { ttl: ttlSeconds * 1000 });
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
