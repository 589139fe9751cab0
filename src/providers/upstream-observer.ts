import type { AccountResource } from '../domain/account-resource';
import type { Provider } from '../domain/provider';

/** One attempt at one upstream call, as operators count it. Never carries credentials or URLs. */
export interface UpstreamAttempt {
  readonly provider: Provider;
  /** The resource the call fetched; `endpoint` in logs and metric labels. */
  readonly endpoint: AccountResource;
  readonly accountId: string;
  /** 1 for the first attempt of a call. */
  readonly attempt: number;
  /** "ok", or the error code the attempt failed with. */
  readonly outcome: string;
  /** The HTTP or body status the provider answered with, when it answered. */
  readonly status: string | null;
  readonly durationMs: number;
}

/** Receives what the resilience layer does, for logs and metrics. Every method is optional. */
export interface UpstreamObserver {
  attempt?(attempt: UpstreamAttempt): void;
  retry?(provider: Provider, delayMs: number): void;
  breakerStateChanged?(provider: Provider, state: string): void;
}
