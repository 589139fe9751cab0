import type { Freshness } from '../domain/account';
import type { BillingError } from '../domain/billing-error';
import type { Cacheable } from './snapshot-cache';

/** A cached value as served: the value plus how current it is (an AccountView for a snapshot). */
export type Served<T extends Cacheable> = T & { readonly freshness: Freshness };

// Per cached object (the in-memory cache hands out the same one on every hit): its parsed
// fetchedAt, and the last fresh view built from it. A view is read-only once built, so requests
// within the same second share it instead of copying the snapshot every time.
interface Derived {
  readonly fetchedAtMs: number;
  fresh?: Served<Cacheable>;
}
const derived = new WeakMap<Cacheable, Derived>();

function derive(value: Cacheable): Derived {
  let known = derived.get(value);
  if (known === undefined) {
    known = { fetchedAtMs: Date.parse(value.fetchedAt) };
    derived.set(value, known);
  }
  return known;
}

/** Seconds since the value was fetched (never negative, whatever the clocks of other instances say). */
export function ageSeconds(value: Cacheable): number {
  return Math.max(0, (Date.now() - derive(value).fetchedAtMs) / 1000);
}

/**
 * The value as served now: its freshness (age, the provider's TTL, and, when a refresh failed,
 * stale with the error). A fresh view is reused while its age in whole seconds stays the same.
 */
export function withFreshness<T extends Cacheable>(
  value: T,
  ttlSeconds: number,
  refreshError: BillingError | null,
  /** Its ageSeconds, when the caller has just read it (a cache hit has: it decided freshness). */
  ageNow = ageSeconds(value),
): Served<T> {
  const age = Math.floor(ageNow);
  const known = derive(value);
  const reusable = refreshError === null ? (known.fresh as Served<T> | undefined) : undefined;
  if (reusable && reusable.freshness.ageSeconds === age && reusable.freshness.maxAgeSeconds === ttlSeconds) {
    return reusable;
  }
  const built: Served<T> = {
    ...value,
    freshness: {
      fetchedAt: value.fetchedAt,
      ageSeconds: age,
      maxAgeSeconds: ttlSeconds,
      stale: refreshError !== null,
      refreshError: refreshError && { code: refreshError.code, message: refreshError.message },
    },
  };
  if (refreshError === null) known.fresh = built;
  return built;
}
