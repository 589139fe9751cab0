import type { CoinBalance } from './account';
import type { CoinKind } from './vocabulary';

const INTEGER = /^-?\d+$/;

/** Reads the provider's string counts ("10500") as safe integers; anything else is unknown rather than guessed. */
export function parseCount(raw: string | null | undefined): number | null {
  const trimmed = raw?.trim() ?? '';
  if (!INTEGER.test(trimmed)) return null;
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) return null;
  return value === 0 ? 0 : value; // "-0" would otherwise be -0
}

/** Purchased, available and used coins of one kind, from the provider's two raw counts. */
export function coinBalance(
  kind: CoinKind,
  purchasedRaw: string | null | undefined,
  availableRaw: string | null | undefined,
): CoinBalance {
  const purchased = parseCount(purchasedRaw);
  const available = parseCount(availableRaw);
  // Not clamped at 0: more available than purchased (bonus or refunded coins, or counts
  // read at different moments) is an upstream fact worth seeing, not something to hide.
  const difference = purchased === null || available === null ? null : purchased - available;
  const used = difference !== null && Number.isSafeInteger(difference) ? difference : null;
  return { kind, purchased, available, used };
}
