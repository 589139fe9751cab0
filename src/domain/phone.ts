// The 'max' metadata bundle: with 'min', isValid() only checks a number's length, which
// would let unassigned ranges (e.g. +91 3000 000000) through as E.164. Bundle size does
// not matter on a server.
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

import type { PhoneNumber } from './account';
import { TextMemo } from './text-memo';

/** Providers mask digits with these; a masked number has no E.164 form (and 'x' would read as an extension). */
const MASK = /[xX*]/;

/** The default country in libphonenumber's form, or undefined when it is not a country libphonenumber knows. */
function supportedCountry(country: string | undefined): CountryCode | undefined {
  const upper = country?.trim().toUpperCase();
  return upper !== undefined && isSupportedCountry(upper) ? upper : undefined;
}

/**
 * Derives E.164 only for a valid, unmasked number so that consumers can dial or match it;
 * the country falls back to the (supported) default country. Never throws.
 */
export function parsePhoneNumber(raw: string, defaultCountry?: string): PhoneNumber {
  // An account's numbers come back on every refresh, and full-metadata validation is the
  // costly part of normalizing an account: remember recent answers (results are immutable).
  return memo.recall(`${defaultCountry ?? ''}|${raw}`, (keep) => parse(keep(raw), defaultCountry));
}

const memo = new TextMemo<PhoneNumber>(20_000);

function parse(raw: string, defaultCountry?: string): PhoneNumber {
  const fallback = supportedCountry(defaultCountry);
  const unknown: PhoneNumber = { raw, e164: null, country: fallback ?? null };
  if (MASK.test(raw)) return unknown;
  try {
    // extract: false, so a number must be the whole value, not found somewhere inside text.
    const parsed = parsePhoneNumberFromString(raw, { defaultCountry: fallback, extract: false });
    if (parsed === undefined || !parsed.isValid()) return unknown;
    // A valid non-geographic number (+800, +882 …) has no country; the default would be wrong for it.
    return { raw, e164: parsed.number, country: parsed.country ?? null };
  } catch {
    return unknown;
  }
}
