import Big from 'big.js';

import type { Money } from './account';
import { TextMemo } from './text-memo';

/**
 * Currency symbols and words the providers put beside amounts, keyed in upper case.
 * Kept deliberately small: "$" is read as USD because both providers bill in US dollars
 * when they use it, and "¥" as JPY (not CNY). Three-letter ISO codes need no entry here.
 */
const SYMBOLS: ReadonlyMap<string, string> = new Map([
  ['$', 'USD'],
  ['US$', 'USD'],
  ['S$', 'SGD'],
  ['₹', 'INR'],
  ['RS', 'INR'],
  ['RS.', 'INR'],
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['¥', 'JPY'],
]);

let isoCodes: ReadonlySet<string> | undefined;

/** The ISO 4217 codes this runtime knows, computed once because ICU builds a fresh array each call. */
function knownIsoCodes(): ReadonlySet<string> {
  isoCodes ??= new Set(Intl.supportedValuesOf('currency'));
  return isoCodes;
}

/** A token that could be a currency we do not know: letters or currency signs only ("XYZ", "¤"). */
const UNKNOWN_TOKEN = /^[\p{L}\p{Sc}]+$/u;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;
/** Western grouping, 1,234,567.89. */
const WESTERN_GROUPS = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
/** Indian grouping (lakh/crore), 12,34,567.89: the Indian provider may send it. */
const INDIAN_GROUPS = /^\d{1,2}(?:,\d{2})*,\d{3}(?:\.\d+)?$/;

type Token = { readonly ok: true; readonly currency: string | null } | { readonly ok: false };

/** Resolves one currency token; a token that cannot be a currency at all makes the value not money. */
function resolveToken(token: string): Token {
  const upper = token.toUpperCase();
  const symbol = SYMBOLS.get(upper);
  if (symbol !== undefined) return { ok: true, currency: symbol };
  if (/^[A-Z]{3}$/.test(upper) && knownIsoCodes().has(upper)) return { ok: true, currency: upper };
  return UNKNOWN_TOKEN.test(token) ? { ok: true, currency: null } : { ok: false };
}

/** Digits after the decimal point; used to keep an amount's scale as the provider wrote it. */
export function scaleOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot === -1 ? 0 : amount.length - dot - 1;
}

/** Removes thousands separators only when they are grouped unambiguously, so "1,5" is never read as 15. */
function ungroup(number: string): string | null {
  if (PLAIN_NUMBER.test(number)) return number;
  if (WESTERN_GROUPS.test(number) || INDIAN_GROUPS.test(number)) return number.replace(/,/g, '');
  return null;
}

const NOT_MONEY = (raw: string): Money => ({ amount: null, currency: null, raw });

// Providers repeat the same few amounts (plan prices, per-agent prices, DID fees) across accounts
// and refreshes; parsing one exactly is most of the cost of normalizing a body. Results are frozen
// and shared; only short amounts are remembered, so the memo stays small whatever is sent.
const parsed = new TextMemo<Money>(10_000);

/**
 * Reads a provider amount such as "$1,234.50" exactly; when the number is unreadable both
 * amount and currency are null, so a non-null currency always comes with an amount.
 * Linear in the length of `raw` and never throws, whatever it holds.
 */
export function parseMoney(raw: string): Money {
  return parsed.recall(raw, (keep) => Object.freeze(parseMoneyOnce(keep(raw))));
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const COMMA = 44;
const DOT = 46;

/**
 * One run of digits, commas and dots is the number; everything around it is sign and currency.
 * Scanned by hand rather than by a pattern with a lazy prefix and an optional suffix, which
 * backtracks: "1" + "." x 150000 + "a1" took seconds.
 */
function parseMoneyOnce(raw: string): Money {
  const text = raw.trim();
  let start = 0;
  while (start < text.length && !isDigit(text.charCodeAt(start))) start += 1;
  if (start === text.length) return NOT_MONEY(raw);
  let end = start;
  for (let code = text.charCodeAt(end); isDigit(code) || code === COMMA || code === DOT; code = text.charCodeAt(end)) end += 1;
  for (let i = end; i < text.length; i += 1) if (isDigit(text.charCodeAt(i))) return NOT_MONEY(raw);

  let prefix = text.slice(0, start).trim();
  const suffix = text.slice(end).trim();
  let negative = false;
  if (prefix.startsWith('-')) {
    negative = true;
    prefix = prefix.slice(1).trim();
  } else if (prefix.endsWith('-')) {
    negative = true;
    prefix = prefix.slice(0, -1).trim();
  }
  const number = ungroup(text.slice(start, end));
  if (number === null) return NOT_MONEY(raw);

  const currencies: (string | null)[] = [];
  for (const token of [prefix, suffix]) {
    if (token === '') continue;
    const resolved = resolveToken(token);
    if (!resolved.ok) return NOT_MONEY(raw);
    currencies.push(resolved.currency);
  }
  // "$5.00 USD" names the currency twice; disagreeing names ("$5 SGD") leave it unknown.
  const [first, second] = currencies;
  const currency = first === undefined ? null : second === undefined || second === first ? first : null;

  return { amount: canonicalDecimal(number, negative), currency, raw };
}

/**
 * The canonical form of a plain decimal ("007.50" -> "7.50", "-0.00" -> "0.00"), keeping its
 * scale. Done on the text: exact, linear, and free of big.js's limit of a million decimals.
 */
export function canonicalDecimal(number: string, negative = false): string {
  const dot = number.indexOf('.');
  const whole = dot === -1 ? number : number.slice(0, dot);
  let lead = 0;
  while (lead < whole.length - 1 && whole.charCodeAt(lead) === 48) lead += 1;
  const digits = whole.slice(lead) + (dot === -1 ? '' : number.slice(dot));
  return negative && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** big.js formats at most this many decimals (its MAX_DP); beyond it toFixed throws. */
const MAX_SCALE = 1_000_000;

/** A Money built elsewhere may carry a malformed amount, or more decimals than big.js formats: unknown rather than a throw. */
function decimal(amount: string | null): { readonly value: Big; readonly scale: number } | null {
  if (amount === null || !/^-?\d+(?:\.\d+)?$/.test(amount)) return null;
  const scale = scaleOf(amount);
  return scale > MAX_SCALE ? null : { value: new Big(amount), scale };
}

/** Formats without exponent notation and without a "-0". */
function canonical(value: Big, scale: number): string {
  return value.eq(0) ? new Big(0).toFixed(scale) : value.toFixed(scale);
}

/** The canonical raw form of a computed amount: "177.70 USD", or just "177.70" when the currency is unknown. */
function computed(amount: string, currency: string | null): Money {
  return { amount, currency, raw: currency === null ? amount : `${amount} ${currency}` };
}

/**
 * Exact sum; null when any amount is unknown, the currencies differ (an unknown currency
 * counts as one currency of its own) or the list is empty. Its raw is "177.70 USD".
 */
export function sumMoney(values: readonly Money[]): Money | null {
  const [head] = values;
  if (head === undefined) return null;
  let total = new Big(0);
  let scale = 0;
  for (const money of values) {
    const d = decimal(money.amount);
    if (d === null || money.currency !== head.currency) return null;
    total = total.plus(d.value);
    scale = Math.max(scale, d.scale);
  }
  return computed(canonical(total, scale), head.currency);
}

/** Exact a - b under the same rules as sumMoney (null for unknown amounts or differing currencies). */
export function subtractMoney(a: Money, b: Money): Money | null {
  const x = decimal(a.amount);
  const y = decimal(b.amount);
  if (x === null || y === null || a.currency !== b.currency) return null;
  return computed(canonical(x.value.minus(y.value), Math.max(x.scale, y.scale)), a.currency);
}

/** Numeric equality ("49" equals "49.00") in the same currency; an unknown amount equals nothing. */
export function moneyEquals(a: Money, b: Money): boolean {
  const x = decimal(a.amount);
  const y = decimal(b.amount);
  return x !== null && y !== null && a.currency === b.currency && x.value.eq(y.value);
}
