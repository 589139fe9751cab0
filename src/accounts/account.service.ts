import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountSnapshot, AccountView } from '../domain/account';
import type { AccountEntry } from '../domain/account-entry';
import type { AccountResource } from '../domain/account-resource';
import { BillingError, ErrorCode, accountNotFound } from '../domain/billing-error';
import type { InvoiceList, InvoiceListView } from '../domain/invoice';
import type { Secret } from '../domain/secret';
import type { AccountKey, Provider } from '../domain/provider';
import type { ProviderClient } from '../providers/provider-client';
import type { AccountRegistry } from './account-registry';
import { credentialFingerprint } from './credential-fingerprint';
import { ageSeconds, withFreshness, type Served } from './freshness';
import type { Cacheable, SnapshotCache } from './snapshot-cache';

/** How long one provider's snapshots stay fresh, and how long they may be served stale. */
export interface CachePolicy {
  readonly ttlSeconds: number;
  readonly staleMaxAgeSeconds: number;
  /** The provider call's deadline: how long another instance's refresh is worth waiting for. */
  readonly deadlineMs: number;
  /**
   * The last seconds of the TTL in which an entry read often enough is refreshed in the
   * background (the caller clamps it to half the TTL); 0 turns refresh-ahead off.
   */
  readonly refreshAheadSeconds: number;
  /** Reads an entry needs in this process during its life before it is refreshed ahead. */
  readonly refreshAheadMinReads: number;
}

/** What the service is built from. */
export interface AccountServiceOptions {
  readonly registry: AccountRegistry;
  readonly clients: readonly ProviderClient[];
  readonly cache: SnapshotCache;
  readonly policies: Readonly<Record<Provider, CachePolicy>>;
  /** HMAC key of the credential fingerprints in cache keys (CACHE_KEY_SECRET). */
  readonly fingerprintKey: Secret;
  /** Told when an older snapshot (or invoice list) is served because a refresh failed. */
  readonly onStale?: (key: AccountKey, error: BillingError, resource: AccountResource) => void;
  /** Told how each cache lookup went: a fresh hit, a miss, stale data served, or a peer's fresh result. */
  readonly onCache?: (provider: Provider, result: 'hit' | 'miss' | 'stale' | 'peer', resource: AccountResource) => void;
  /** Told the size of every DataLoader batch. */
  readonly onBatch?: (size: number) => void;
  /** Told how each background refresh ahead of expiry ended: `ok`, or the error's code. */
  readonly onRefreshAhead?: (provider: Provider, resource: AccountResource, outcome: string) => void;
  /** How many cache keys have their reads counted for refresh-ahead (the oldest are forgotten first). */
  readonly maxCountedKeys?: number;
}

/** Failures after which older data beats no data: the provider is down or wrong, not the account. */
const TRANSIENT = new Set<string>([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_OVERLOADED,
  ErrorCode.UPSTREAM_RATE_LIMITED,
  ErrorCode.UPSTREAM_BAD_RESPONSE,
]);

const PEER_POLL_MS = 25;
const DEFAULT_MAX_COUNTED_KEYS = 10_000;

/** The reads one cache entry (told apart by its fetchedAt) has had in this process. */
interface ReadCount {
  readonly fetchedAt: string;
  count: number;
}

/**
 * Which configured accounts one request may see. The others are answered exactly as accounts
 * that are not configured (same error, same moment in the batch), so no caller can tell them apart.
 */
export type AccountVisibility = (entry: AccountEntry) => boolean;

/** One provider as the service uses it: its client, and how long its answers stay fresh. */
interface Upstream {
  readonly client: ProviderClient;
  readonly policy: CachePolicy;
}

/** One kind of cached value: which resource it is, and how to fetch it. */
interface CachedKind<T extends Cacheable> {
  readonly resource: AccountResource;
  fetch(client: ProviderClient, entry: AccountEntry): Promise<T>;
}

const SNAPSHOTS: CachedKind<AccountSnapshot> = { resource: 'snapshot', fetch: (client, entry) => client.fetchSnapshot(entry) };

const INVOICES: CachedKind<InvoiceList> = {
  resource: 'invoices',
  fetch(client, entry) {
    // loadInvoices only comes here for a provider that has invoices.
    if (!client.fetchInvoices) return Promise.reject(new Error(`${client.provider} lists no invoices`));
    return client.fetchInvoices(entry);
  },
};

/**
 * Turns (provider, accountId) into a snapshot, or its invoice list, paying for each upstream call once: a cache
 * shared by requests (and, with Redis, by instances), one in-flight call per account in this
 * process, and a lease so that instances sharing Redis do not refresh the same account at once.
 */
export class AccountService {
  readonly #registry: AccountRegistry;
  /** Each provider's client and cache policy. */
  readonly #upstreams: ReadonlyMap<Provider, Upstream>;
  readonly #cache: SnapshotCache;
  readonly #onStale: AccountServiceOptions['onStale'];
  readonly #onCache: AccountServiceOptions['onCache'];
  readonly #onBatch: AccountServiceOptions['onBatch'];
  // Snapshots and invoice lists alike, keyed by their (distinct) cache keys.
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #keys = new WeakMap<AccountEntry, { readonly snapshot: string; readonly invoices: string }>();
  readonly #fingerprintKey: Secret;
  readonly #onRefreshAhead: AccountServiceOptions['onRefreshAhead'];
  /** Background refreshes running, by cache key: at most one each, and never waited on by the request that started it. */
  readonly #ahead = new Map<string, Promise<Cacheable | undefined>>();
  /** Reads per cache key of its current entry; insertion order is the eviction order. */
  readonly #reads = new Map<string, ReadCount>();
  readonly #maxCountedKeys: number;
  #closed = false;

  constructor(options: AccountServiceOptions) {
    this.#registry = options.registry;
    this.#upstreams = new Map(
      options.clients.map((client) => {
        const policy = options.policies[client.provider];
        if (!policy) throw new Error(`no cache policy for provider ${client.provider}`);
        return [client.provider, { client, policy }];
      }),
    );
    this.#cache = options.cache;
    this.#fingerprintKey = options.fingerprintKey;
    this.#onStale = options.onStale;
    this.#onCache = options.onCache;
    this.#onBatch = options.onBatch;
    this.#onRefreshAhead = options.onRefreshAhead;
    this.#maxCountedKeys = options.maxCountedKeys ?? DEFAULT_MAX_COUNTED_KEYS;
  }

  /**
   * The DataLoader batch function: every key at once, concurrently, each result in its key's
   * slot and an Error in the slot of a key that failed, so one bad account never fails the others.
   */
  async loadMany(keys: readonly AccountKey[], visible?: AccountVisibility): Promise<Array<AccountView | Error>> {
    this.#onBatch?.(keys.length);
    return Promise.all(keys.map((key) => this.load(key, visible).catch((error: unknown) => toError(error))));
  }

  /** One account as served; rejects with ACCOUNT_NOT_FOUND for an account that is not configured, or not visible. */
  load(key: AccountKey, visible?: AccountVisibility): Promise<AccountView> {
    const entry = this.#registry.get(key);
    const upstream = this.#upstreams.get(key.provider);
    if (!entry || !upstream || (visible && !visible(entry))) return Promise.reject(accountNotFound(key));
    return this.#coalesce(this.#keysOf(entry).snapshot, entry, upstream, SNAPSHOTS);
  }

  /** The invoice loader's batch function: each result in its key's slot, an Error in the slot of a key that failed. */
  async loadInvoicesMany(keys: readonly AccountKey[], visible?: AccountVisibility): Promise<Array<InvoiceListView | null | Error>> {
    return Promise.all(keys.map((key) => this.loadInvoices(key, visible).catch((error: unknown) => toError(error))));
  }

  /**
   * One account's invoices, newest first, under the same rules as load(): the provider's cache
   * TTL (keys of their own), one call in flight per account, stale-if-error, refresh leases.
   * Null for a provider without invoices (Digidonar): no upstream call, no error.
   */
  loadInvoices(key: AccountKey, visible?: AccountVisibility): Promise<InvoiceListView | null> {
    const entry = this.#registry.get(key);
    const upstream = this.#upstreams.get(key.provider);
    if (!entry || !upstream || (visible && !visible(entry))) return Promise.reject(accountNotFound(key));
    if (!upstream.client.fetchInvoices) return Promise.resolve(null);
    return this.#coalesce(this.#keysOf(entry).invoices, entry, upstream, INVOICES);
  }

  /** The tenant that owns an account: null when none is set, undefined when the account is unknown. */
  tenantOf(key: AccountKey): string | null | undefined {
    const entry = this.#registry.get(key);
    return entry ? (entry.tenant ?? null) : undefined;
  }

  /**
   * Starts no more background refreshes, closes every provider's connections (which lets calls
   * in flight end, each within its deadline), waits for the refreshes still running, and
   * closes the cache.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#upstreams.values()].map(({ client }) => client.close()));
    // They never reject (#refreshAhead catches everything).
    await Promise.all([...this.#ahead.values()]);
    await this.#cache.close();
  }

  /** One resolution in flight per cache key in this process: later callers share its promise. */
  #coalesce<T extends Cacheable>(
    cacheKey: string,
    entry: AccountEntry,
    upstream: Upstream,
    kind: CachedKind<T>,
  ): Promise<Served<T>> {
    let pending = this.#inflight.get(cacheKey) as Promise<Served<T>> | undefined;
    if (!pending && upstream.policy.ttlSeconds > 0 && this.#cache.peek) {
      // A cache in this process answers a fresh hit at once: no resolution to share.
      const cached = this.#cache.peek<T>(cacheKey);
      const served = cached && this.#freshHit(entry, upstream, cacheKey, kind, cached);
      if (served) return Promise.resolve(served);
    }
    if (!pending) {
      pending = this.#resolve(entry, upstream, cacheKey, kind).finally(() => this.#inflight.delete(cacheKey));
      this.#inflight.set(cacheKey, pending);
    }
    return pending;
  }

  /**
   * The cache path of one key: a fresh entry as it is; otherwise the refresh lease, then a peer's
   * result or a fetch of our own, stored; on a transient failure, the older entry marked stale.
   */
  async #resolve<T extends Cacheable>(
    entry: AccountEntry,
    upstream: Upstream,
    cacheKey: string,
    kind: CachedKind<T>,
  ): Promise<Served<T>> {
    const { client, policy } = upstream;
    if (policy.ttlSeconds === 0) return withFreshness(await kind.fetch(client, entry), policy.ttlSeconds, null);

    const { provider } = entry;
    const { resource } = kind;
    const cached = await this.#cache.get<T>(cacheKey);
    const hit = cached && this.#freshHit(entry, upstream, cacheKey, kind, cached);
    if (hit) return hit;
    this.#onCache?.(provider, 'miss', resource);

    // A refresh ahead of this entry's expiry is already asking the provider: share its answer.
    const ahead = this.#ahead.get(cacheKey) as Promise<T | undefined> | undefined;
    const refreshed = ahead && (await ahead);
    if (refreshed) return withFreshness(refreshed, policy.ttlSeconds, null);

    const leased = await this.#cache.lease(cacheKey, policy.deadlineMs);
    if (!leased) {
      // Another instance is asking the provider right now: its answer will be in the cache.
      const shared = await this.#awaitPeer<T>(cacheKey, policy);
      if (shared) {
        this.#onCache?.(provider, 'peer', resource);
        return withFreshness(shared, policy.ttlSeconds, null);
      }
    }
    try {
      return withFreshness(await this.#fetchAndStore(entry, upstream, cacheKey, kind), policy.ttlSeconds, null);
    } catch (error) {
      if (
        cached &&
        error instanceof BillingError &&
        TRANSIENT.has(error.code) &&
        ageSeconds(cached) <= policy.staleMaxAgeSeconds
      ) {
        this.#onStale?.(entry, error, resource);
        this.#onCache?.(provider, 'stale', resource);
        return withFreshness(cached, policy.ttlSeconds, error);
      }
      throw error;
    } finally {
      if (leased) await this.#cache.release(cacheKey);
    }
  }

  /** A cached value served as a hit while it is fresh (counted, and maybe refreshed ahead); undefined once it is not. */
  #freshHit<T extends Cacheable>(entry: AccountEntry, upstream: Upstream, cacheKey: string, kind: CachedKind<T>, cached: T): Served<T> | undefined {
    const { policy } = upstream;
    const age = ageSeconds(cached);
    if (age >= policy.ttlSeconds) return undefined;
    this.#onCache?.(entry.provider, 'hit', kind.resource);
    if (policy.refreshAheadSeconds > 0) this.#considerRefreshAhead(entry, upstream, cacheKey, kind, cached, age);
    return withFreshness(cached, policy.ttlSeconds, null, age);
  }

  /** Asks the provider and stores its answer for as long as it may be served (fresh, then stale). */
  async #fetchAndStore<T extends Cacheable>(entry: AccountEntry, { client, policy }: Upstream, cacheKey: string, kind: CachedKind<T>): Promise<T> {
    const fresh = await kind.fetch(client, entry);
    await this.#cache.set(cacheKey, fresh, Math.max(policy.ttlSeconds, policy.staleMaxAgeSeconds));
    return fresh;
  }

  /**
   * Counts a fresh hit and, when the entry is hot (read at least refreshAheadMinReads times) and
   * within the last refreshAheadSeconds of its TTL, starts one background refresh of it. The
   * request that triggers it is answered from the cache without waiting.
   */
  #considerRefreshAhead<T extends Cacheable>(
    entry: AccountEntry,
    upstream: Upstream,
    cacheKey: string,
    kind: CachedKind<T>,
    cached: T,
    age: number,
  ): void {
    const { policy } = upstream;
    const reads = this.#countRead(cacheKey, cached.fetchedAt);
    if (this.#closed || this.#ahead.has(cacheKey)) return;
    if (reads < policy.refreshAheadMinReads || policy.ttlSeconds - age > policy.refreshAheadSeconds) return;
    const refresh = this.#refreshAhead(entry, upstream, cacheKey, kind, cached)
      // #refreshAhead catches its own failures; this is the guarantee that nothing ever escapes.
      .catch(() => undefined)
      .finally(() => this.#ahead.delete(cacheKey));
    this.#ahead.set(cacheKey, refresh);
  }

  /** One more read of the entry fetched at `fetchedAt`; a new entry starts its count again. */
  #countRead(cacheKey: string, fetchedAt: string): number {
    let known = this.#reads.get(cacheKey);
    if (known === undefined || known.fetchedAt !== fetchedAt) {
      // Re-inserted, so a key read across entries stays among the newest and is evicted last.
      if (known !== undefined) this.#reads.delete(cacheKey);
      else if (this.#reads.size >= this.#maxCountedKeys) {
        const oldest = this.#reads.keys().next().value;
        if (oldest !== undefined) this.#reads.delete(oldest);
      }
      known = { fetchedAt, count: 0 };
      this.#reads.set(cacheKey, known);
    }
    known.count += 1;
    return known.count;
  }

  /**
   * The background refresh: under the same cross-instance lease as a miss, unless another
   * instance holds it (then that one refreshes), and only if the entry is still the one that
   * was read (a peer may have refreshed it and let go of the lease meanwhile). A failure changes
   * nothing for callers: the entry is served until it expires, and stale-if-error applies then.
   * Resolves to what it stored, or undefined; never rejects.
   */
  async #refreshAhead<T extends Cacheable>(
    entry: AccountEntry,
    upstream: Upstream,
    cacheKey: string,
    kind: CachedKind<T>,
    read: T,
  ): Promise<T | undefined> {
    const { provider } = entry;
    const { resource } = kind;
    const leased = await this.#cache.lease(cacheKey, upstream.policy.deadlineMs);
    if (!leased) return undefined;
    try {
      const current = await this.#cache.get<T>(cacheKey);
      if (this.#closed || (current !== undefined && current.fetchedAt !== read.fetchedAt)) return undefined;
      const fresh = await this.#fetchAndStore(entry, upstream, cacheKey, kind);
      this.#onRefreshAhead?.(provider, resource, 'ok');
      return fresh;
    } catch (error) {
      this.#onRefreshAhead?.(provider, resource, error instanceof BillingError ? error.code : ErrorCode.INTERNAL);
      return undefined;
    } finally {
      await this.#cache.release(cacheKey);
    }
  }

  /** Waits for a peer's fresh snapshot while it holds the lease; undefined when it gave up or took too long. */
  async #awaitPeer<T extends Cacheable>(cacheKey: string, policy: CachePolicy): Promise<T | undefined> {
    const giveUpAt = Date.now() + policy.deadlineMs;
    while (Date.now() < giveUpAt) {
      await sleep(PEER_POLL_MS);
      const [snapshot, held] = await Promise.all([this.#cache.get<T>(cacheKey), this.#cache.leaseHeld(cacheKey)]);
      if (snapshot && ageSeconds(snapshot) < policy.ttlSeconds) return snapshot;
      if (!held) return undefined;
    }
    return undefined;
  }

  /**
   * The cache keys of an account's snapshot and invoice list, built once per configured entry:
   * a warm request looks hundreds up, and a key made anew is a new string to hash every time.
   * No provider name is "invoices", so invoice keys never meet a snapshot's "PROVIDER:accountId:…".
   */
  #keysOf(entry: AccountEntry): { readonly snapshot: string; readonly invoices: string } {
    let keys = this.#keys.get(entry);
    if (keys === undefined) {
      const base = `${entry.provider}:${entry.accountId}:${credentialFingerprint(entry, this.#fingerprintKey)}`;
      keys = { snapshot: base, invoices: `invoices:${base}` };
      this.#keys.set(entry, keys);
    }
    return keys;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
