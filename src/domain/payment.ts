import type { PaymentMethod } from './account';

/** PCI DSS allows showing at most the first 6 and the last 4 digits of a card number. */
const SHOWN_FIRST = 6;
const SHOWN_LAST = 4;
/** A card number as providers send it: 12–19 characters, digits or mask characters. */
const CARD_SHAPE = /^[\d*xX•#]{12,19}$/;

/** Replaces every digit outside the visible head and tail; mask characters already there stay as sent. */
function hideDigits(value: string, shownFirst: number): string {
  const chars = [...value];
  const shownFrom = chars.length - SHOWN_LAST;
  return chars.map((ch, i) => (/\d/.test(ch) && i >= shownFirst && i < shownFrom ? '*' : ch)).join('');
}

/**
 * Keeps the provider's mask as sent, and masks further whatever shows more than PCI's
 * first 6 + last 4 of a 12–19 digit card; a value that is not card-shaped shows digits only
 * in its last 4 characters, since it cannot be told which of its digits are safe to show.
 */
export function maskCardNumber(raw: string | null | undefined): { maskedCardNumber: string | null; last4: string | null } {
  const compact = (raw ?? '').replace(/[\s-]/g, '');
  if (compact === '') return { maskedCardNumber: null, last4: null };
  const masked = hideDigits(compact, CARD_SHAPE.test(compact) ? SHOWN_FIRST : 0);
  const tail = masked.slice(-SHOWN_LAST);
  return { maskedCardNumber: masked, last4: /^\d{4}$/.test(tail) ? tail : null };
}

/** How the account pays: the provider's method name ("Visa") and its card number, never unmasked. */
export function paymentMethod(type: string | null | undefined, details: string | null | undefined): PaymentMethod {
  const name = type?.trim() ?? '';
  return { type: name === '' ? null : name, ...maskCardNumber(details) };
}
