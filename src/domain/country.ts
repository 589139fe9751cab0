// The package's default entry registers every locale; its index registers none, so only English is loaded.
import { alpha3ToAlpha2, getNames, isValid, registerLocale } from 'i18n-iso-countries/index';
import english from 'i18n-iso-countries/langs/en.json';

import { TextMemo } from './text-memo';

registerLocale(english);

/** Latin letters that carry no separable accent, spelled as the library's diacritics table spells them. */
const PLAIN_LETTERS: Readonly<Record<string, string>> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Lower case without accents, as the library compares names ("Côte", "cote" and "Cøte" are one name). */
const fold = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[øæœßłđðþı]/g, (letter) => PLAIN_LETTERS[letter] ?? letter);

/**
 * Every English name and alias the library knows, folded, to its code (the library's first match
 * wins, as in its own lookup). The library's own lookup folds all ~280 names on every call: a
 * few hundred µs for a name it does not know, which a body of a thousand unknown names (DIDs)
 * would multiply into a third of a second of blocked event loop.
 */
const CODES_BY_NAME: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string>();
  for (const [code, names] of Object.entries(getNames('en', { select: 'all' }))) {
    for (const name of names) {
      const key = fold(name);
      if (!index.has(key)) index.set(key, code);
    }
  }
  return index;
})();

/** Longer than any name the library knows, even spelled with ligatures and spread out: not a country name. */
const NAME_MAX = 2 * Math.max(...[...CODES_BY_NAME.keys()].map((name) => name.length));

/**
 * Maps the provider's English country name (or an alpha-2/alpha-3 code) to ISO alpha-2,
 * ignoring case, extra whitespace and diacritics; aliases are the library's ("UK", "USA").
 * Never throws; a text longer than any country name is null without a lookup.
 */
export function countryCodeFromName(name: string | null | undefined): string | null {
  if (name == null) return null;
  // Providers repeat a handful of names.
  return memo.recall(name, () => lookup(name));
}

const memo = new TextMemo<string | null>(1_000);

function lookup(name: string): string | null {
  const normalized = name.trim().replace(/\s+/g, ' ');
  if (normalized === '' || normalized.length > NAME_MAX) return null;
  const upper = normalized.toUpperCase();
  // Codes first, but only real ones: "UK" is not an ISO code and falls through to the alias list.
  if (/^[A-Z]{2}$/.test(upper) && isValid(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper)) {
    const alpha2 = alpha3ToAlpha2(upper);
    if (alpha2 !== undefined) return alpha2;
  }
  return CODES_BY_NAME.get(fold(normalized)) ?? null;
}
