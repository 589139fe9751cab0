import { z } from 'zod';
import { BillingError, ErrorCode } from '../domain/billing-error';
import { splitNumberList } from '../domain/number-list';
import type { ProviderIdentity } from './provider-client';

// Every upstream field has a length no real value comes near; a longer one is refused with the
// whole body (UPSTREAM_BAD_RESPONSE for that account) before any parser reads it. The parsers are
// linear anyway; the caps keep each one's work, and what a snapshot holds, small.

/** Longest amount, date, count, card number, storage size, status, phone number, country name or id. */
export const SHORT_VALUE_MAX = 256;
/** Longest free text: names, addresses, e-mail addresses, links. */
export const TEXT_VALUE_MAX = 4096;
/** Most numbers in one phone list (Digidonar's desk_phone and did_no, Simpsy's DIDs): each is validated against full metadata. */
export const NUMBER_LIST_MAX_ITEMS = 1000;
/** Longest phone list as text: the most numbers, each with room to spare. */
export const NUMBER_LIST_TEXT_MAX = 64 * 1024;
/** Most invoices in one list: centuries of monthly invoices; each is parsed, sorted and paged per request. */
export const INVOICE_LIST_MAX_ITEMS = 5000;

const TOO_LONG = 'too long';

interface ScalarRules {
  readonly maxLength: number;
  /** Whether a JSON number is taken (as its text), or refused because its text may be lost. */
  readonly numbers: boolean;
  /** For a list of phone numbers: the most numbers it may hold. */
  readonly maxItems?: number;
}

/**
 * A string or null (missing is null), checked by one function: measured about half the cost
 * of a zod union piped into a length check, and this runs for every field of every body.
 */
function scalar({ maxLength, numbers, maxItems }: ScalarRules) {
  // optional() so that a missing key reaches the transform (as null) instead of failing.
  return z
    .unknown()
    .optional()
    .transform((value, context): string | null => {
      if (typeof value === 'string') {
        const fits = value.length <= maxLength && (maxItems === undefined || splitNumberList(value).length <= maxItems);
        if (fits) return value;
        context.addIssue({ code: 'custom', message: TOO_LONG });
        return z.NEVER;
      }
      if (value === null || value === undefined) return null;
      // A JSON number from decodeJson is already the text it was sent as; a number here was parsed by someone else.
      if (numbers && typeof value === 'number') return String(value);
      context.addIssue({ code: 'custom', message: 'expected a string' });
      return z.NEVER;
    });
}

/**
 * A scalar as these providers send it: documented as a string or null, but a number is taken
 * too, as the text it was sent as. Free text, up to TEXT_VALUE_MAX characters.
 */
export const wireString = scalar({ maxLength: TEXT_VALUE_MAX, numbers: true });

/** A short scalar (a date, count, card number, size, status, phone number, country name), up to SHORT_VALUE_MAX characters. */
export const wireShort = scalar({ maxLength: SHORT_VALUE_MAX, numbers: true });

/**
 * An amount of money: a string, up to SHORT_VALUE_MAX characters. A JSON number reaches here
 * as the text it was sent as (decodeJson keeps it); a number whose text is lost (JSON parsed
 * elsewhere, or on a runtime whose JSON.parse does not give the text) is refused, since its
 * digits or its scale may be gone.
 */
export const wireAmount = scalar({ maxLength: SHORT_VALUE_MAX, numbers: false });

/** A list of phone numbers in one string ("a, b; c"): at most NUMBER_LIST_MAX_ITEMS numbers. */
export const wireNumberList = scalar({ maxLength: NUMBER_LIST_TEXT_MAX, numbers: true, maxItems: NUMBER_LIST_MAX_ITEMS });

/** An array of at most `maxItems` elements (NUMBER_LIST_MAX_ITEMS: Simpsy's DIDs); a longer one is "too long". */
export function wireNumberArray<T extends z.ZodType>(element: T, maxItems = NUMBER_LIST_MAX_ITEMS) {
  return z.array(element).max(maxItems, TOO_LONG);
}

/**
 * Summarizes a zod error by paths only: values from the body never reach a message.
 * Reads as the rest of "sent a body …".
 */
export function describeIssues(error: z.ZodError, prefix: readonly string[] = []): string {
  const paths = error.issues.slice(0, 3).map((issue) => [...prefix, ...issue.path.map(String)].join('.') || '(root)');
  const more = error.issues.length > 3 ? ` and ${error.issues.length - 3} more` : '';
  const tooLong = error.issues.every((issue) => issue.message === TOO_LONG);
  return `${tooLong ? 'with a value too long' : 'of unexpected shape'} at ${paths.join(', ')}${more}`;
}

/**
 * Runs a mapper over a decoded body. The domain's parsers never throw on any text; should a
 * mapper throw all the same, the account fails as UPSTREAM_BAD_RESPONSE (the cause kept for the
 * operator) rather than as an internal error.
 */
export function mapBody<T>({ provider, displayName }: ProviderIdentity, accountId: string, map: () => T): T {
  try {
    return map();
  } catch (cause) {
    throw new BillingError(
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      `${displayName} sent a body that could not be normalized`,
      { provider, accountId },
      { cause },
    );
  }
}
