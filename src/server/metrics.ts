import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AccountResource } from '../domain/account-resource';
import type { Provider } from '../domain/provider';
import type { BreakerState } from '../providers/resilience';
import type { UpstreamAttempt, UpstreamObserver } from '../providers/upstream-observer';
import { OperationLabels } from './operation-labels';

/**
 * The cache metric's `resource` label for each resource: older than the code's word, and read by
 * dashboards, so it stays. (The upstream metrics' `endpoint` label already uses the code's word.)
 */
export const CACHE_RESOURCE_LABELS: Readonly<Record<AccountResource, string>> = { snapshot: 'account', invoices: 'invoices' };

const BREAKER_VALUES: Record<string, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

function statusClass(status: string | null): string {
  if (status === null) return 'none';
  // Simpsy's body statuses ("300", "401") read the same way as HTTP ones.
  return /^\d{3}$/.test(status) ? `${status[0]}xx` : 'other';
}

/**
 * The subgraph's Prometheus metrics, in a registry of its own. Labels are providers, outcomes,
 * status classes, cache results, bounded operation names and error codes: never account ids,
 * which are unbounded, and never anything from a credential.
 */
export class Metrics {
  readonly registry = new Registry();
  // Operation names come from clients: a self-healing budget (operation-labels.ts), and the
  // series of a name that loses its label are dropped, so the registry stays bounded too.
  readonly #operations = new OperationLabels({ onEvict: (name) => this.#dropOperation(name) });
  readonly #operationCodes = new Map<string, Set<string>>();

  readonly #upstreamRequests = new Counter({
    name: 'billing_upstream_requests_total',
    help: 'Upstream attempts by provider, endpoint (snapshot or invoices), outcome (ok or error code) and status class.',
    labelNames: ['provider', 'endpoint', 'outcome', 'status_class'] as const,
    registers: [this.registry],
  });
  readonly #upstreamDuration = new Histogram({
    name: 'billing_upstream_request_duration_seconds',
    help: 'Duration of one upstream attempt, by provider, endpoint (snapshot or invoices) and outcome.',
    labelNames: ['provider', 'endpoint', 'outcome'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers: [this.registry],
  });
  readonly #retries = new Counter({
    name: 'billing_upstream_retries_total',
    help: 'Retries scheduled after a failed attempt.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  readonly #breaker = new Gauge({
    name: 'billing_upstream_breaker_state',
    help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open, 3 isolated.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  // One lookup per account per request is the hottest metric: tallied in plain numbers and
  // handed to prom-client at scrape time, instead of hashing labels on every lookup.
  readonly #cacheTally = new Map<Provider, Map<AccountResource, Map<string, { provider: Provider; resource: string; result: string; count: number }>>>();
  readonly #cache = new Counter({
    name: 'billing_cache_lookups_total',
    help: 'Snapshot cache lookups, by resource (account or invoices): hit (fresh), miss, stale (served after a failed refresh), peer (another instance refreshed).',
    labelNames: ['provider', 'resource', 'result'] as const,
    registers: [this.registry],
    collect: () => this.#flushCacheTally(),
  });
  readonly #refreshAhead = new Counter({
    name: 'billing_cache_refresh_ahead_total',
    help: 'Background refreshes of hot cache entries before they expire, by resource (account or invoices) and outcome (ok or error code).',
    labelNames: ['provider', 'resource', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #batches = new Histogram({
    name: 'billing_dataloader_batch_size',
    help: 'Accounts per DataLoader batch.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [this.registry],
  });
  readonly #graphqlRequests = new Counter({
    name: 'billing_graphql_requests_total',
    help: 'GraphQL requests by operation name and error code ("none" when there was no error).',
    labelNames: ['operation', 'error_code'] as const,
    registers: [this.registry],
  });
  readonly #executions = new Counter({
    name: 'billing_graphql_executions_total',
    help: 'Executed GraphQL operations by executor path (compiled or graphql-js) and, for graphql-js, why ("none" when compiled).',
    labelNames: ['path', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #graphqlDuration = new Histogram({
    name: 'billing_graphql_request_duration_seconds',
    help: 'GraphQL request duration.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(options: {
    /** The providers whose breaker gauge starts at 0 (closed), so dashboards see them before any call. */
    providers: readonly Provider[];
    bulkheads: () => Array<{ provider: Provider; inFlight: number; queued: number }>;
  }) {
    collectDefaultMetrics({ register: this.registry });
    const { bulkheads } = options;
    new Gauge({
      name: 'billing_upstream_in_flight',
      help: 'Upstream calls running now, per provider.',
      labelNames: ['provider'] as const,
      registers: [this.registry],
      collect() {
        for (const b of bulkheads()) this.set({ provider: b.provider }, b.inFlight);
      },
    });
    new Gauge({
      name: 'billing_upstream_queued',
      help: 'Upstream calls waiting for a bulkhead slot, per provider.',
      labelNames: ['provider'] as const,
      registers: [this.registry],
      collect() {
        for (const b of bulkheads()) this.set({ provider: b.provider }, b.queued);
      },
    });
    for (const provider of options.providers) this.#breaker.set({ provider }, 0);
  }

  /** The observer the resilience layer reports to. */
  upstreamObserver(onAttempt?: (attempt: UpstreamAttempt) => void): UpstreamObserver {
    return {
      attempt: (a) => {
        const { provider, endpoint, outcome } = a;
        this.#upstreamRequests.inc({ provider, endpoint, outcome, status_class: statusClass(a.status) });
        this.#upstreamDuration.observe({ provider, endpoint, outcome }, a.durationMs / 1000);
        onAttempt?.(a);
      },
      retry: (provider) => this.#retries.inc({ provider }),
      breakerStateChanged: (provider, state) => this.#breaker.set({ provider }, BREAKER_VALUES[state as BreakerState] ?? -1),
    };
  }

  /** Counts one cache lookup of an account snapshot or an invoice list. */
  cacheLookup(provider: Provider, result: string, resource: AccountResource): void {
    // Nested maps: no label string is built per lookup.
    let byResource = this.#cacheTally.get(provider);
    if (!byResource) this.#cacheTally.set(provider, (byResource = new Map()));
    let byResult = byResource.get(resource);
    if (!byResult) byResource.set(resource, (byResult = new Map()));
    const tally = byResult.get(result);
    if (tally) tally.count += 1;
    else byResult.set(result, { provider, resource: CACHE_RESOURCE_LABELS[resource], result, count: 1 });
  }

  #flushCacheTally(): void {
    for (const byResource of this.#cacheTally.values())
      for (const byResult of byResource.values())
        for (const tally of byResult.values()) {
          if (tally.count === 0) continue;
          this.#cache.inc({ provider: tally.provider, resource: tally.resource, result: tally.result }, tally.count);
          tally.count = 0;
        }
  }

  /** Counts one background refresh ahead of expiry and how it ended (`ok` or an ErrorCode, a bounded set). */
  refreshAhead(provider: Provider, resource: AccountResource, outcome: string): void {
    this.#refreshAhead.inc({ provider, resource: CACHE_RESOURCE_LABELS[resource], outcome });
  }

  /** Records one DataLoader batch. */
  batch(size: number): void {
    this.#batches.observe(size);
  }

  /** Records one GraphQL request and the distinct error codes it answered with. */
  graphqlRequest(operationName: string | null | undefined, codes: readonly string[], durationMs: number): void {
    const operation = this.#operations.label(operationName, 'anonymous');
    const labels = codes.length === 0 ? ['none'] : codes;
    let seen = this.#operationCodes.get(operation);
    if (!seen) this.#operationCodes.set(operation, (seen = new Set()));
    for (const code of labels) {
      seen.add(code);
      this.#graphqlRequests.inc({ operation, error_code: code });
    }
    this.#graphqlDuration.observe({ operation }, durationMs / 1000);
  }

  /** Counts one executed operation by the executor path it took and why (a bounded set of reasons). */
  execution(path: string, reason: string | null): void {
    this.#executions.inc({ path, reason: reason ?? 'none' });
  }

  #dropOperation(operation: string): void {
    for (const code of this.#operationCodes.get(operation) ?? []) this.#graphqlRequests.remove({ operation, error_code: code });
    this.#operationCodes.delete(operation);
    this.#graphqlDuration.remove({ operation });
  }
}
