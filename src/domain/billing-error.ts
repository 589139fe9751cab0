import { echoAccountId } from './client-text';
import type { AccountKey, Provider } from './provider';

/** The fixed set of error codes a client can see in `extensions.code`. */
export const ErrorCode = {
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  UPSTREAM_UNAUTHORIZED: 'UPSTREAM_UNAUTHORIZED',
  UPSTREAM_PAYMENT_REQUIRED: 'UPSTREAM_PAYMENT_REQUIRED',
  UPSTREAM_BAD_REQUEST: 'UPSTREAM_BAD_REQUEST',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_OVERLOADED: 'UPSTREAM_OVERLOADED',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  UPSTREAM_ACCOUNT_MISMATCH: 'UPSTREAM_ACCOUNT_MISMATCH',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A pagination cursor that is malformed or names nothing in the list. */
  INVALID_CURSOR: 'INVALID_CURSOR',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where a BillingError happened; never carries credentials, URLs or bodies. */
export interface BillingErrorDetails {
  readonly provider?: Provider;
  readonly accountId?: string;
  /** The upstream HTTP status or body status, when it is what failed (not set for a bad body after a 200). */
  readonly upstreamStatus?: string;
}

/** How a failure may be handled; internal, never shown to a client. */
export interface BillingErrorOptions {
  readonly cause?: unknown;
  /** A transport failure, 5xx or 429: the same read may succeed if tried again. */
  readonly retryable?: boolean;
  /** How long the provider asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
}

/**
 * An expected failure with a stable code. Its message is safe to show a client:
 * it is written by this code base and never embeds upstream text, URLs or secrets.
 */
export class BillingError extends Error {
  override readonly name = 'BillingError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: BillingErrorDetails = {},
    options: BillingErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The one answer for an account this caller cannot have: not configured, or configured for
 * another tenant. Both must read the same, code and message alike, or a caller could probe
 * which ids exist elsewhere. The id is echoed bounded (client-text.ts).
 */
export function accountNotFound(key: AccountKey): BillingError {
  const accountId = echoAccountId(key.accountId);
  return new BillingError(ErrorCode.ACCOUNT_NOT_FOUND, `No ${key.provider} account "${accountId}" is configured`, {
    provider: key.provider,
    accountId,
  });
}
