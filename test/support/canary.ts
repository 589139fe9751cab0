import { inspect } from 'node:util';
import type { AccountEntry } from '../../src/domain/account-entry';
import { BillingError, type ErrorCode } from '../../src/domain/billing-error';
import type { Provider } from '../../src/domain/provider';
import { Secret } from '../../src/domain/secret';

// Canary credentials: recognisable, and the secret needs URL encoding.
export const CANARY_KEY = 'canary-key-7f3a';
export const CANARY_SECRET = 'canary-secret-9b1e s3cr&t=+/';
export const CANARY_BASIC = Buffer.from(`${CANARY_KEY}:${CANARY_SECRET}`).toString('base64');

/** Every form in which the canary credentials could leak: raw, URL-encoded, as a query string, as Basic auth. */
export const FORBIDDEN = [
  CANARY_KEY,
  CANARY_SECRET,
  encodeURIComponent(CANARY_KEY),
  encodeURIComponent(CANARY_SECRET),
  new URLSearchParams({ s: CANARY_SECRET }).toString().slice(2),
  CANARY_BASIC,
  'canary-key',
  'canary-secret',
  's3cr&t',
];

/** An account entry carrying the canary credentials. */
export function canaryAccount(provider: Provider, accountId: string): AccountEntry {
  return { provider, accountId, key: new Secret(CANARY_KEY), secret: new Secret(CANARY_SECRET), description: 'canary account' };
}

/** Everything about an error that a caller or a log can see. */
function surfaces(error: BillingError): Record<string, string> {
  return {
    message: error.message,
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: 10 }),
    inspectHidden: inspect(error, { depth: 10, showHidden: true }),
    cause: String(error.cause),
    stack: String(error.stack),
  };
}

/** The places where a canary form shows up, as "where: form". */
export function leaks(error: BillingError): string[] {
  return Object.entries(surfaces(error)).flatMap(([where, text]) =>
    FORBIDDEN.filter((canary) => text.includes(canary)).map((canary) => `${where}: ${canary}`),
  );
}

/** What a failing call must reject with. */
export interface ExpectedFailure {
  readonly code: ErrorCode | readonly ErrorCode[];
  readonly message?: string;
  readonly upstreamStatus?: string;
}

/**
 * Returns a checker that awaits a rejection and asserts a BillingError with this code, these
 * details, a message naming the provider, and no credential anywhere.
 */
export function failureChecker(provider: Provider, accountId: string, displayName: string) {
  return async (promise: Promise<unknown>, expected: ExpectedFailure): Promise<BillingError> => {
    const outcome = await promise.then(
      () => new Error('expected the call to fail, but it succeeded'),
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(BillingError);
    const error = outcome as BillingError;
    if (typeof expected.code === 'string') expect(error.code).toBe(expected.code);
    else expect(expected.code).toContain(error.code);
    expect(error.details).toEqual({
      provider,
      accountId,
      ...(expected.upstreamStatus === undefined ? {} : { upstreamStatus: expected.upstreamStatus }),
    });
    if (expected.message !== undefined) expect(error.message).toBe(expected.message);
    expect(error.message.startsWith(`${displayName} `)).toBe(true);
    expect(leaks(error)).toEqual([]);
    return error;
  };
}

/**
 * Disguised copies of a credential, as a provider might put one in a link: re-cased, base64,
 * base64url, hex, URL-encoded once or twice, whole, in halves, or a ten-character piece.
 */
export function disguisedCopies(value: string): string[] {
  const half = Math.ceil(value.length / 2);
  const parts = [value, value.slice(0, half), value.slice(half), value.slice(2, 12)];
  const forms = parts.flatMap((part) => {
    const bytes = Buffer.from(part);
    return [
      part,
      part.toUpperCase(),
      part.toLowerCase(),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      encodeURIComponent(part),
      encodeURIComponent(encodeURIComponent(part)),
    ];
  });
  return [...new Set(forms)];
}
