import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  DelegateBackoff,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { AccountSnapshot } from '../domain/account';
import type { AccountEntry } from '../domain/account-entry';
import type { AccountResource } from '../domain/account-resource';
import { BillingError, ErrorCode } from '../domain/billing-error';
import type { InvoiceList } from '../domain/invoice';
import type { ProviderClient } from './provider-client';
import type { UpstreamObserver } from './upstream-observer';

/** How hard to try one provider, and how much of it to use at once. */
export interface ResilienceSettings {
  /** Per call: every attempt, backoff and queueing included. */
  readonly deadlineMs: number;
  /** Retries after the first attempt, for transport errors, 5xx and 429 only. */
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Share of failed calls in the window above which the breaker opens (0..1, exclusive). */
  readonly breakerThreshold: number;
  readonly breakerWindowMs: number;
  /** Calls needed in a window before the breaker may open. */
  readonly breakerMinCalls: number;
  readonly breakerHalfOpenAfterMs: number;
  /** Calls in flight at once (and pool connections). */
  readonly maxConcurrency: number;
  /** Calls waiting for a slot; beyond it a call fails fast. */
  readonly maxQueue: number;
}

/** One kind of call to the provider: which resource it fetches (for operators), and the call itself. */
interface Call<T> {
  readonly resource: AccountResource;
  run(account: AccountEntry, signal: AbortSignal): Promise<T>;
}

/** The breaker's state, as operators name it. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

/** A provider behind a deadline, retries, a circuit breaker and a bulkhead. */
export interface ResilientProvider extends ProviderClient {
  /** The circuit breaker's current state. */
  breakerState(): BreakerState;
  /** Calls running and waiting in the bulkhead now. */
  load(): { readonly inFlight: number; readonly queued: number };
}

const BREAKER_STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Failures worth another attempt: transport errors, 5xx, 429 (never bad credentials or bad bodies). */
function isRetryable(error: unknown): boolean {
  return error instanceof BillingError && error.retryable;
}

/**
 * Failures that say the provider, not the account, is unwell: the retryable ones, plus an
 * attempt cut off by the deadline. Without the latter, a provider that only drips would never
 * open the breaker, and a half-open probe that hangs would close it (cockatiel closes on any
 * error its policy does not handle).
 */
function isProviderFailure(error: unknown): boolean {
  return isRetryable(error) || (error instanceof BillingError && error.code === ErrorCode.UPSTREAM_TIMEOUT);
}

/**
 * Wraps a provider in, from the outside in: one deadline per call (every attempt, backoff
 * and queueing included); retries with exponential backoff and full jitter, for provider
 * failures only and never past the deadline; a circuit breaker that fails fast while the
 * provider fails most calls; and a bulkhead that bounds calls in flight and waiting.
 * Each provider gets its own, so a slow one never holds the other's slots; every call of one
 * provider (snapshots and invoices alike) shares its breaker and bulkhead, since it is one upstream.
 */
export function withResilience(
  inner: ProviderClient,
  settings: ResilienceSettings,
  random: () => number = Math.random,
  observer: UpstreamObserver = {},
): ResilientProvider {
  const name = inner.displayName;
  // abortOnReturn off: aborting a finished call's signal builds a DOMException and fires listeners
  // nobody needs (the request is done) on every call; a profile showed it as a measurable share.
  const deadline = timeout(settings.deadlineMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const breaker = circuitBreaker(handleWhen(isProviderFailure), {
    halfOpenAfter: settings.breakerHalfOpenAfterMs,
    breaker: new SamplingBreaker({
      threshold: settings.breakerThreshold,
      duration: settings.breakerWindowMs,
      minimumRps: (settings.breakerMinCalls * 1000) / settings.breakerWindowMs,
    }),
  });
  const compartment = bulkhead(settings.maxConcurrency, settings.maxQueue);
  breaker.onStateChange((state) => observer.breakerStateChanged?.(inner.provider, BREAKER_STATES[state]));

  /** One attempt, timed and reported; a failure carries its call's give-up time for the retry policy. */
  const attempt = async <T>(call: Call<T>, account: AccountEntry, number: number, signal: AbortSignal, giveUpAt: number) => {
    const started = performance.now();
    try {
      const result = await call.run(account, signal);
      observer.attempt?.({
        provider: inner.provider,
        endpoint: call.resource,
        accountId: account.accountId,
        attempt: number,
        outcome: 'ok',
        status: '200',
        durationMs: performance.now() - started,
      });
      return result;
    } catch (error) {
      observer.attempt?.({
        provider: inner.provider,
        endpoint: call.resource,
        accountId: account.accountId,
        attempt: number,
        outcome: error instanceof BillingError ? error.code : 'INTERNAL',
        status: error instanceof BillingError ? (error.details.upstreamStatus ?? null) : null,
        durationMs: performance.now() - started,
      });
      if (error instanceof BillingError) giveUpTimes.set(error, giveUpAt);
      throw error;
    }
  };

  const backoff = new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
    // Full jitter: anywhere between 0 and the exponential cap, so retries from many callers spread out.
    const cap = Math.min(settings.retryMaxDelayMs, settings.retryBaseDelayMs * 2 ** Math.max(0, context.attempt - 1));
    const jittered = Math.round(random() * cap);
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = error instanceof BillingError ? (error.retryAfterMs ?? 0) : 0;
    return Math.max(jittered, asked);
  });

  const translate = (error: unknown, account: AccountEntry): unknown => {
    const details = { provider: inner.provider, accountId: account.accountId };
    if (error instanceof TaskCancelledError) {
      return new BillingError(
        ErrorCode.UPSTREAM_TIMEOUT,
        `${name} did not answer within the ${settings.deadlineMs} ms deadline`,
        details,
      );
    }
    if (error instanceof BrokenCircuitError) {
      return new BillingError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `${name} is failing most calls; calls to it are paused for a moment (circuit open)`,
        details,
      );
    }
    if (error instanceof BulkheadRejectedError) {
      return new BillingError(
        ErrorCode.UPSTREAM_OVERLOADED,
        `Too many calls to ${name} are already waiting; try again shortly`,
        details,
      );
    }
    return error;
  };

  // One retry policy per provider (building one per call showed in profiles); the deadline of the
  // call an error belongs to travels with the error. A Retry-After that ends past that deadline is
  // not worth waiting for: fail now, clearly.
  const giveUpTimes = new WeakMap<BillingError, number>();
  const retries = retry(
    handleWhen((error) => {
      if (!isRetryable(error)) return false;
      const giveUpAt = giveUpTimes.get(error as BillingError) ?? 0;
      const asked = (error as BillingError).retryAfterMs ?? 0;
      return Date.now() + asked < giveUpAt;
    }),
    { maxAttempts: settings.maxRetries, backoff },
  );
  retries.onRetry(({ delay }) => observer.retry?.(inner.provider, delay));

  /** One call of any endpoint, under this provider's one deadline policy, retries, breaker and bulkhead. */
  const execute = async <T>(call: Call<T>, account: AccountEntry, signal: AbortSignal | undefined): Promise<T> => {
    const giveUpAt = Date.now() + settings.deadlineMs;
    let attempts = 0;
    try {
      return await deadline.execute(
        ({ signal: callSignal }) =>
          retries.execute(
            ({ signal: attemptSignal }) =>
              breaker.execute(
                // attemptSignal, not the breaker's: a call that waited behind a half-open probe is
                // run again by cockatiel without any signal, and must still be cut by the deadline.
                () =>
                  compartment.execute(
                    ({ signal: slotSignal }) => attempt(call, account, ++attempts, slotSignal, giveUpAt),
                    attemptSignal,
                  ),
                attemptSignal,
              ),
            callSignal,
          ),
        signal,
      );
    } catch (error) {
      throw translate(error, account);
    }
  };

  const snapshot: Call<AccountSnapshot> = { resource: 'snapshot', run: (account, signal) => inner.fetchSnapshot(account, signal) };
  const fetchInvoices = inner.fetchInvoices?.bind(inner);
  const invoices: Call<InvoiceList> | undefined = fetchInvoices && { resource: 'invoices', run: fetchInvoices };

  return {
    provider: inner.provider,
    displayName: inner.displayName,
    fetchSnapshot: (account, signal) => execute(snapshot, account, signal),
    // Only a provider with invoices gets the capability, so callers can tell it is missing.
    ...(invoices ? { fetchInvoices: (account: AccountEntry, signal?: AbortSignal) => execute(invoices, account, signal) } : {}),
    breakerState: () => BREAKER_STATES[breaker.state],
    load: () => ({
      inFlight: settings.maxConcurrency - compartment.executionSlots,
      queued: settings.maxQueue - compartment.queueSlots,
    }),
    close: () => inner.close(),
  };
}
