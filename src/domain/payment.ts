import type { PaymentMethod } from './account';

/** PCI DSS allows showing at most the first 6 and the last 4 digits of a card number. */
const SHOWN_FIRST = 6;
const SHOWN_LAST = 4;
/** A card number as providers send it (after NFKC): 12–19 characters, ASCII digits or mask characters. */
const CARD_SHAPE = /^[0-9*xX•#]{12,19}$/;
/** What a card number is written with between its digits: spaces, dashes and minus signs of any script. */
const SEPARATORS = /[\s\p{Pd}\u2212]/gu;
/** A decimal digit of any script ("٤", "४"); NFKC has already turned full-width and styled digits into ASCII. */
const DIGIT = /^\p{Nd}$/u;
/** Anything that stands for a number: digits of any script, Roman numerals, superscripts, circled numbers. */
const NUMERIC = /^\p{N}$/u;

/**
 * The ASCII digit for a decimal digit of any script, else null. Unicode encodes every script's
 * digits as one run of ten code points from 0 to 9 (adjacent runs possible), so a digit's value
 * is its distance from the start of its run, modulo ten.
 */
function asciiDigit(char: string): string | null {
  if (!DIGIT.test(char)) return null;
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0x7f) return char;
  let start = code;
  // Runs are at most a few sets long; the bound only keeps a malformed table from looping.
  while (start > code - 100 && DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return String((code - start) % 10);
}

/** Replaces every digit outside the visible head and tail; mask characters already there stay as sent. */
function hideDigits(chars: readonly string[], shownFirst: number): string {
  const shownFrom = chars.length - SHOWN_LAST;
  return chars.map((ch, i) => (ch >= '0' && ch <= '9' && i >= shownFirst && i < shownFrom ? '*' : ch)).join('');
}

/**
 * Shows digits only in the last four places, as ASCII, and hides everything numeric elsewhere:
 * for a value whose mask cannot be trusted, which of its digits are safe to show cannot be told.
 */
function lastFourOnly(chars: readonly string[]): string {
  const shownFrom = chars.length - SHOWN_LAST;
  return chars
    .map((ch, i) => {
      if (!NUMERIC.test(ch)) return ch;
      return i >= shownFrom ? (asciiDigit(ch) ?? '*') : '*';
    })
    .join('');
}

/**
 * Keeps the provider's mask as sent, and masks further whatever shows more than PCI's
 * first 6 + last 4 of a 12–19 digit card. The value is read after NFKC, so full-width digits
 * count as digits. A value that is not card-shaped (other characters, digits of another script,
 * another length) shows digits only in its last 4 characters, since it cannot be told which of
 * its digits are safe to show. Linear in the length of `raw`; never throws.
 */
export function maskCardNumber(raw: string | null | undefined): { maskedCardNumber: string | null; last4: string | null } {
  const compact = (raw ?? '').normalize('NFKC').replace(SEPARATORS, '');
  if (compact === '') return { maskedCardNumber: null, last4: null };
  const chars = [...compact];
  const masked = CARD_SHAPE.test(compact) ? hideDigits(chars, SHOWN_FIRST) : lastFourOnly(chars);
  const tail = masked.slice(-SHOWN_LAST);
  return { maskedCardNumber: masked, last4: /^[0-9]{4}$/.test(tail) ? tail : null };
}

/** How the account pays: the provider's method name ("Visa") and its card number, never unmasked. */
export function paymentMethod(type: string | null | undefined, details: string | null | undefined): PaymentMethod {
  const name = type?.trim() ?? '';
  return { type: name === '' ? null : name, ...maskCardNumber(details) };
}
