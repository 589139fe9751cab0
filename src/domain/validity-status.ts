import { DateTime } from 'luxon';

import type { ProviderTimestamp } from './account';
import type { ValidityStatus } from './vocabulary';

/** The default window, in calendar days, within which an expiry counts as soon. */
export const DEFAULT_VALIDITY_EXPIRING_SOON_DAYS = 14;

/** How far an expiry is from a moment. */
export interface ValidityInsight {
  /**
   * Calendar days from `now`'s date to the expiry's date, both in the expiry's zone: 0 when
   * it expires today (earlier or later in the day), 1 tomorrow, -1 yesterday; null when
   * there is no readable expiry.
   */
  readonly daysUntilExpiry: number | null;
  readonly status: ValidityStatus;
}

/**
 * Days until expiry and the status at `now`. EXPIRED when the expiry instant is at or before
 * `now`; EXPIRING_SOON when it is later but within `expiringSoonDays` calendar days (so
 * "later today" with any window >= 0); ACTIVE beyond; UNKNOWN without a readable expiry.
 */
export function validityInsight(
  expiresAt: ProviderTimestamp | null,
  now: Date,
  expiringSoonDays: number,
): ValidityInsight {
  const instant = expiresAt?.instant == null ? null : DateTime.fromISO(expiresAt.instant, { zone: expiresAt.timeZone });
  if (instant === null || !instant.isValid || Number.isNaN(now.getTime())) {
    return { daysUntilExpiry: null, status: 'UNKNOWN' };
  }
  const today = DateTime.fromJSDate(now, { zone: instant.zone }).startOf('day');
  const expiryDay = instant.startOf('day');
  // Calendar-day difference: luxon's 'days' unit counts calendar days across DST changes.
  const daysUntilExpiry = Math.round(expiryDay.diff(today, 'days').days);
  const status: ValidityStatus =
    instant.toMillis() <= now.getTime() ? 'EXPIRED' : daysUntilExpiry <= expiringSoonDays ? 'EXPIRING_SOON' : 'ACTIVE';
  return { daysUntilExpiry: daysUntilExpiry === 0 ? 0 : daysUntilExpiry, status };
}
