// The package's default entry registers every locale; its index registers none, so only English is loaded.
import { alpha3ToAlpha2, getSimpleAlpha2Code, isValid, registerLocale } from 'i18n-iso-countries/index';
import english from 'i18n-iso-countries/langs/en.json';

registerLocale(english);

/**
 * Maps the provider's English country name (or an alpha-2/alpha-3 code) to ISO alpha-2,
 * ignoring case, extra whitespace and diacritics; aliases are the library's ("UK", "USA").
 */
export function countryCodeFromName(name: string | null | undefined): string | null {
  if (name == null) return null;
  // Providers repeat a handful of names; the library's lookup normalizes every name it knows each time.
  const known = memo.get(name);
  if (known !== undefined) return known;
  const code = lookup(name);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(name, code);
  return code;
}

const MEMO_LIMIT = 1_000;
const memo = new Map<string, string | null>();

function lookup(name: string): string | null {
  const normalized = name?.trim().replace(/\s+/g, ' ') ?? '';
  if (normalized === '') return null;
  const upper = normalized.toUpperCase();
  // Codes first, but only real ones: "UK" is not an ISO code and falls through to the alias list.
  if (/^[A-Z]{2}$/.test(upper) && isValid(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper)) {
    const alpha2 = alpha3ToAlpha2(upper);
    if (alpha2 !== undefined) return alpha2;
  }
  return getSimpleAlpha2Code(normalized, 'en') ?? null;
}
