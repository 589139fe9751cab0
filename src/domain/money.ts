import Big from 'big.js';

import type { Money } from './account';

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

/** One run of digits, commas and dots: the number part; everything around it is sign and currency. */
const MONEY_SHAPE = /^([^\d]*?)(\d[\d,.]*)([^\d]*)$/u;
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
// and shared. Bounded: a full memo starts over.
const MEMO_LIMIT = 10_000;
const parsed = new Map<string, Money>();

/**
 * Reads a provider amount such as "$1,234.50" exactly; when the number is unreadable both
 * amount and currency are null, so a non-null currency always comes with an amount.
 */
export function parseMoney(raw: string): Money {
  let money = parsed.get(raw);
  if (money === undefined) {
    money = Object.freeze(parseMoneyOnce(raw));
    if (parsed.size >= MEMO_LIMIT) parsed.clear();
    parsed.set(raw, money);
  }
  return money;
}

function parseMoneyOnce(raw: string): Money {
  const match = MONEY_SHAPE.exec(raw.trim());
  if (match === null) return NOT_MONEY(raw);
  let prefix = (match[1] ?? '').trim();
  const suffix = (match[3] ?? '').trim();
  let negative = false;
  if (prefix.startsWith('-')) {
    negative = true;
    prefix = prefix.slice(1).trim();
  } else if (prefix.endsWith('-')) {
    negative = true;
    prefix = prefix.slice(0, -1).trim();
  }
  const number = ungroup(match[2] ?? '');
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

  const value = new Big(number);
  return { amount: canonical(negative ? value.neg() : value, scaleOf(number)), currency, raw };
}

/** A Money built elsewhere may carry a malformed amount; treat it as unknown rather than throw. */
function decimal(amount: string | null): { readonly value: Big; readonly scale: number } | null {
  if (amount === null || !/^-?\d+(?:\.\d+)?$/.test(amount)) return null;
  return { value: new Big(amount), scale: scaleOf(amount) };
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
