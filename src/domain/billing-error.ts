import { echoAccountId } from './client-text';
import type { AccountKey, Provider } from './provider';

/**
 * Every code a client can see in `extensions.code`, and the only place one is spelled: the
 * README's errors table is checked against this list (test/unit/domain/error-code.test.ts).
 */
export const ErrorCode = {
  // One account failed (a BillingError): that account, or its field, is null with this code.
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
  /** Anything unexpected: a generic message for the client, the details for the log. */
  INTERNAL: 'INTERNAL',

  // Who is asking: no or bad token, no router secret (UNAUTHENTICATED); a missing scope (FORBIDDEN).
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',

  // Request limits, refused with HTTP 400 before any account loads (request-limits.ts, schema.ts, server/).
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  TOO_MANY_REPRESENTATIONS: 'TOO_MANY_REPRESENTATIONS',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  NAME_TOO_LONG: 'NAME_TOO_LONG',
  /** The last error of a response cut at its error budget; `extensions.omitted` counts the rest. */
  TOO_MANY_ERRORS: 'TOO_MANY_ERRORS',

  // Apollo Server's request errors (the same strings as its ApolloServerErrorCode), and one it raises without a code.
  BAD_REQUEST: 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
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
