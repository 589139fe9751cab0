import { Pool, type Dispatcher } from 'undici';
import { BillingError, ErrorCode, type BillingErrorOptions } from '../domain/billing-error';
import type { Provider } from '../domain/provider';
import type { ProviderIdentity } from './provider-client';

/** How to reach one provider and how long to wait for it. */
export interface UpstreamHttpOptions extends ProviderIdentity {
  /** Base URL, possibly with a path prefix; never with credentials or a query string. */
  readonly baseUrl: string;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxBodyBytes: number;
}

/** One call to a provider. `query` may hold secrets: it is sent and never logged or echoed. */
export interface UpstreamCall {
  readonly accountId: string;
  readonly method: 'GET' | 'POST';
  /** Path below the base URL's own path, e.g. "/billing/details". */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** A response read whole, with its body parsed as JSON when it was JSON. */
export interface UpstreamResponse {
  readonly statusCode: number;
  readonly contentType: string;
  /** Retry-After in milliseconds, when the provider sent one. */
  readonly retryAfterMs: number | undefined;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  readonly json: unknown;
  /** When json is undefined: what was wrong, safe to show ("an HTML page instead of JSON"). */
  readonly notJson: string;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const BAD_RESPONSE_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_HEADERS_OVERFLOW']);
/** Media types a billing body may come as: JSON, or text that PHP back ends label loosely. No type at all is taken too. */
const TEXTUAL = /^$|^text\/|json|javascript/;

/** Reads Retry-After (seconds or an HTTP date) as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * HTTP to one provider over one long-lived undici pool. It turns every transport
 * failure into a BillingError whose message names the provider and account only:
 * undici's own messages and the request path (which can carry a secret) stay out.
 */
export class UpstreamHttp {
  readonly provider: Provider;
  readonly displayName: string;
  readonly #dispatcher: Dispatcher;
  readonly #basePath: string;
  readonly #options: UpstreamHttpOptions;

  constructor(options: UpstreamHttpOptions, dispatcher?: Dispatcher) {
    const url = new URL(options.baseUrl);
    this.provider = options.provider;
    this.displayName = options.displayName;
    this.#options = options;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#dispatcher =
      dispatcher ??
      new Pool(url.origin, {
        connections: options.maxConnections,
        connectTimeout: options.connectTimeoutMs,
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
        maxResponseSize: options.maxBodyBytes,
        // HTTP/1.1 only (undici 8 would negotiate HTTP/2): one call per connection keeps
        // maxConnections the bound on calls in flight to the provider.
        allowH2: false,
      });
  }

  /** Sends one request and reads the whole body, within the configured size and time limits. */
  async request(call: UpstreamCall): Promise<UpstreamResponse> {
    const search = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#dispatcher.request({
        method: call.method,
        path: `${this.#basePath}${call.path}${search}`,
        headers: { accept: 'application/json', ...call.headers },
        body: call.body,
        signal: call.signal,
        headersTimeout: this.#options.headersTimeoutMs,
        bodyTimeout: this.#options.bodyTimeoutMs,
      });
    } catch (error) {
      throw this.#transportError(call.accountId, error, 'request');
    }

    const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (ok && !TEXTUAL.test(contentType.split(';')[0]?.trim() ?? '')) {
      // A success that is not text (an image, a download) is never a billing body: don't read it.
      abandon(response.body);
      throw this.error(ErrorCode.UPSTREAM_BAD_RESPONSE, call.accountId, 'sent a body that is not text');
    }

    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      // undici discards a connection whose body failed, so a broken socket is never reused.
      abandon(response.body);
      throw this.#transportError(call.accountId, error, 'body');
    }
    return {
      statusCode: response.statusCode,
      contentType,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      ...decodeJson(text, contentType),
    };
  }

  /** Closes the pool, waiting for calls in flight. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  /** Builds a BillingError for this provider with a message that is safe to show. */
  error(
    code: ErrorCode,
    accountId: string,
    message: string,
    upstreamStatus?: string | number,
    options?: BillingErrorOptions,
  ): BillingError {
    const details = {
      provider: this.provider,
      accountId,
      ...(upstreamStatus === undefined ? {} : { upstreamStatus: String(upstreamStatus) }),
    };
    return new BillingError(code, `${this.displayName} ${message}`, details, options);
  }

  /** Maps a non-success HTTP status to the error a client sees; 5xx and 429 may be retried. */
  statusError(accountId: string, response: Pick<UpstreamResponse, 'statusCode' | 'retryAfterMs'>): BillingError {
    const { statusCode } = response;
    const code = httpStatusCode(statusCode);
    const text =
      code === ErrorCode.UPSTREAM_UNAUTHORIZED
        ? 'rejected the credentials of this account'
        : code === ErrorCode.UPSTREAM_RATE_LIMITED
          ? 'is rate-limiting requests'
          : code === ErrorCode.UPSTREAM_UNAVAILABLE
            ? 'is unavailable'
            : code === ErrorCode.UPSTREAM_PAYMENT_REQUIRED
              ? 'reports a failed payment for this account'
              : code === ErrorCode.UPSTREAM_BAD_REQUEST
                ? 'rejected the request as invalid'
                : 'answered with an unexpected status';
    const retryable = statusCode >= 500 || statusCode === 429;
    return this.error(code, accountId, `${text} (HTTP ${statusCode})`, statusCode, {
      retryable,
      ...(retryable && response.retryAfterMs !== undefined ? { retryAfterMs: response.retryAfterMs } : {}),
    });
  }

  #transportError(accountId: string, error: unknown, phase: 'request' | 'body'): BillingError {
    const code = (error as { code?: unknown }).code;
    const name = (error as { name?: unknown }).name;
    let result: BillingError;
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
      result = this.error(ErrorCode.UPSTREAM_TIMEOUT, accountId, 'did not answer in time', undefined, { retryable: true });
    } else if (name === 'AbortError' || name === 'TimeoutError' || code === 'UND_ERR_ABORTED') {
      result = this.error(ErrorCode.UPSTREAM_TIMEOUT, accountId, 'call was cut off by its deadline');
    } else if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      result = this.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, 'sent a response larger than the configured limit');
    } else if (phase === 'body' || (typeof code === 'string' && BAD_RESPONSE_CODES.has(code))) {
      // Headers arrived, then the body broke off: the provider is up but the answer is unusable.
      result = this.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, 'sent a truncated or broken response', undefined, {
        retryable: true,
      });
    } else {
      result = this.error(ErrorCode.UPSTREAM_UNAVAILABLE, accountId, 'could not be reached', undefined, { retryable: true });
    }
    // Keep only the transport's code for operators: undici's message and stack are not needed and may grow.
    Object.defineProperty(result, 'transportCode', { value: typeof code === 'string' ? code : String(name) });
    return result;
  }
}

/** The error code for an HTTP status that is not a success. */
export function httpStatusCode(statusCode: number): ErrorCode {
  if (statusCode === 401 || statusCode === 403) return ErrorCode.UPSTREAM_UNAUTHORIZED;
  if (statusCode === 402) return ErrorCode.UPSTREAM_PAYMENT_REQUIRED;
  if (statusCode === 429) return ErrorCode.UPSTREAM_RATE_LIMITED;
  if (statusCode >= 500) return ErrorCode.UPSTREAM_UNAVAILABLE;
  if (statusCode === 400 || statusCode === 422) return ErrorCode.UPSTREAM_BAD_REQUEST;
  return ErrorCode.UPSTREAM_BAD_RESPONSE;
}

/** Whether JSON.parse hands a reviver the source text of a number (V8 11.4+: Node 22 has it, Node 20 not). */
const NUMBER_SOURCE = (() => {
  let source: unknown;
  JSON.parse('1.50', (_key, value: unknown, context?: { source?: string }) => {
    source = context?.source;
    return value;
  });
  return source === '1.50';
})();

/** Replaces every JSON number by the text it was sent as: "12345678901234567.89" and "24.90" stay exactly that. */
const numbersAsSent = (_key: string, value: unknown, context?: { source?: string }): unknown =>
  typeof value === 'number' && context?.source !== undefined ? context.source : value;

/** Whether a parsed JSON value holds a number anywhere; iterative, so no nesting depth can overflow the stack. */
function holdsNumber(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'number') return true;
    if (typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) if (typeof child === 'number' || typeof child === 'object') pending.push(child);
    }
  }
  return false;
}

/** Replaces, in place, every number of a freshly parsed JSON value by String(number). */
function stringifyNumbers(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (typeof child === 'number') record[key] = String(child);
      else if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Whether every number in a JSON text is written as String() writes its value back: an integer
 * of at most 15 digits, without fraction, exponent or "-0". Then a plain parse loses nothing.
 * One pass; outside strings only numbers hold digits.
 */
function numbersWrittenPlainly(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      // Skip the string, escapes included.
      for (i += 1; i < text.length && text.charCodeAt(i) !== 34; i += 1) if (text.charCodeAt(i) === 92 /* \ */) i += 1;
    } else if (code === 45 /* - */ || isDigit(code)) {
      const start = code === 45 ? i + 1 : i;
      let end = start;
      while (isDigit(text.charCodeAt(end))) end += 1;
      const next = text.charCodeAt(end);
      if (next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */ || end - start > 15) return false;
      if (code === 45 && end - start === 1 && text.charCodeAt(start) === 48) return false;
      i = end - 1;
    }
  }
  return true;
}

/**
 * Parses a JSON body, numbers kept as the text the provider sent (a float cannot hold
 * 12345678901234567.89, nor the scale of 24.90). The providers document strings only: a body
 * without numbers is parsed once and walked once; a body whose numbers are all short integers
 * ("status": 200) is scanned once and its numbers turned into strings, since String() gives
 * their text back. Only a body with other numbers is parsed again with a reviver (3-7x the cost
 * of a plain parse). Either way every number comes out as a string.
 */
export function parseUpstreamJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!holdsNumber(value)) return value;
  if (numbersWrittenPlainly(text)) {
    stringifyNumbers(value);
    return value;
  }
  // Without the source text (an older runtime) numbers stay numbers: amounts refuse them.
  return NUMBER_SOURCE ? JSON.parse(text, numbersAsSent as (key: string, value: unknown) => unknown) : value;
}

function decodeJson(text: string, contentType: string): { json: unknown; notJson: string } {
  const trimmed = text.trimStart();
  if (trimmed === '') return { json: undefined, notJson: 'an empty body' };
  // Some PHP back ends send JSON as text/html, so the body decides, not the header.
  if (trimmed[0] === '{' || trimmed[0] === '[') {
    try {
      return { json: parseUpstreamJson(text), notJson: '' };
    } catch (error) {
      // A reviver recurses: JSON nested deeper than the stack fails there, not as a syntax error.
      return { json: undefined, notJson: error instanceof RangeError ? 'JSON nested too deeply' : 'malformed JSON' };
    }
  }
  if (trimmed[0] === '<') return { json: undefined, notJson: 'an HTML page instead of JSON' };
  // The media type is echoed in a client-facing message, so only a plain token passes.
  const type = contentType.split(';')[0]?.trim() ?? '';
  if (type.includes('json')) return { json: undefined, notJson: 'JSON that is not an object' };
  const shown = /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,60}$/.test(type) ? `a ${type} body` : 'a body of unknown type';
  return { json: undefined, notJson: `${shown} instead of JSON` };
}

/**
 * Destroys a body nobody will read. undici then emits an abort error on it; with no listener
 * that error would crash the process, and the call has already failed with a clear code.
 */
function abandon(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}
