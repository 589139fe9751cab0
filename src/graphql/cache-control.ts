import type { Freshness } from '../domain/account';

/**
 * The Cache-Control of one response: private (billing is per caller), and as long as the
 * least remaining freshness of any account (or invoice list) in it. Stale data, or any error, means no-store.
 * Computed once per account instead of once per field, which is what Apollo's cache-control
 * plugin costs (it is turned off; see README, "Caching").
 */
export class ResponseCachePolicy {
  #maxAge = Number.POSITIVE_INFINITY;
  #seen = false;
  #noStore = false;

  /** Takes an account, or an invoice list, served in this response into account. */
  note(view: { readonly freshness: Freshness }): void {
    this.#seen = true;
    const { freshness } = view;
    if (freshness.stale) this.#noStore = true;
    this.#maxAge = Math.min(this.#maxAge, Math.max(0, freshness.maxAgeSeconds - freshness.ageSeconds));
  }

  /** An account in this response failed. */
  fail(): void {
    this.#seen = true;
    this.#noStore = true;
  }

  /** The header value, or undefined when the response served no account (leave it alone). */
  header(hasErrors: boolean): string | undefined {
    if (!this.#seen && !hasErrors) return undefined;
    if (this.#noStore || hasErrors || !Number.isFinite(this.#maxAge) || this.#maxAge <= 0) return 'no-store';
    return `private, max-age=${Math.floor(this.#maxAge)}`;
  }
}

/** Reports every account or invoice list served (null: none to report) to the response's cache policy, and every failure. */
export function cachePolicyObserver<V extends { readonly freshness: Freshness } | null>(policy: ResponseCachePolicy): {
  loaded(value: V): void;
  failed(): void;
} {
  return {
    loaded(view) {
      if (view !== null) policy.note(view);
    },
    failed() {
      policy.fail();
    },
  };
}

/** A loader that reports every account or invoice list it serves to the response's cache policy. */
export function observeLoads<K, V extends { readonly freshness: Freshness } | null>(
  loader: { load(key: K): Promise<V> },
  policy: ResponseCachePolicy,
): { load(key: K): Promise<V> } {
  const observer = cachePolicyObserver<V>(policy);
  return {
    load(key) {
      const promise = loader.load(key);
      promise.then(
        (view) => observer.loaded(view),
        () => observer.failed(),
      );
      return promise;
    },
  };
}
