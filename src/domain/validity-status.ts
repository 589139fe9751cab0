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

/** An expiry read once: its instant, and its calendar day in its own zone as days since 1970-01-01. */
interface Expiry {
  readonly millis: number;
  readonly day: number;
  readonly zone: string;
}

/** A zoned date-time's calendar day, counted in days since 1970-01-01 (no zone, no DST: plain calendar arithmetic). */
const epochDay = (time: DateTime): number => Date.UTC(time.year, time.month - 1, time.day) / 86_400_000;

/**
 * Each expiry is read once per value: snapshots are shared by every request that serves them,
 * and reading a zoned date-time costs a time-zone lookup (Intl) each time.
 */
const expiries = new WeakMap<ProviderTimestamp, Expiry | null>();

function expiryOf(expiresAt: ProviderTimestamp): Expiry | null {
  let expiry = expiries.get(expiresAt);
  if (expiry === undefined) {
    const instant = expiresAt.instant == null ? null : DateTime.fromISO(expiresAt.instant, { zone: expiresAt.timeZone });
    expiry = instant === null || !instant.isValid ? null : { millis: instant.toMillis(), day: epochDay(instant), zone: instant.zoneName ?? expiresAt.timeZone };
    expiries.set(expiresAt, expiry);
  }
  return expiry;
}

/** One zone's current calendar day: its number and the instants it starts and ends at. */
interface ZoneDay {
  readonly day: number;
  readonly start: number;
  readonly end: number;
}

/** The day last seen per zone; the zones are the providers' (a handful), bounded anyway. */
const zoneDays = new Map<string, ZoneDay>();
const MAX_ZONES = 64;

/** The calendar day of `millis` in `zone`, from the day last computed for that zone while `millis` falls in it. */
function dayIn(zone: string, millis: number): number {
  const known = zoneDays.get(zone);
  if (known && millis >= known.start && millis < known.end) return known.day;
  const start = DateTime.fromMillis(millis, { zone }).startOf('day');
  const zoneDay = { day: epochDay(start), start: start.toMillis(), end: start.plus({ days: 1 }).startOf('day').toMillis() };
  if (zoneDays.size >= MAX_ZONES) zoneDays.clear();
  zoneDays.set(zone, zoneDay);
  return zoneDay.day;
}

/**
 * Days until expiry and the status at `now`. EXPIRED when the expiry instant is at or before
 * `now`; EXPIRING_SOON when it is later but within `expiringSoonDays` calendar days (so
 * "later today" with any window >= 0); ACTIVE beyond; UNKNOWN without a readable expiry.
 * Calendar days are counted between the two dates in the expiry's zone, so DST days count as one.
 */
export function validityInsight(
  expiresAt: ProviderTimestamp | null,
  now: Date,
  expiringSoonDays: number,
): ValidityInsight {
  const expiry = expiresAt === null ? null : expiryOf(expiresAt);
  const nowMillis = now.getTime();
  if (expiry === null || Number.isNaN(nowMillis)) return { daysUntilExpiry: null, status: 'UNKNOWN' };
  const daysUntilExpiry = expiry.day - dayIn(expiry.zone, nowMillis);
  const status: ValidityStatus =
    expiry.millis <= nowMillis ? 'EXPIRED' : daysUntilExpiry <= expiringSoonDays ? 'EXPIRING_SOON' : 'ACTIVE';
  return { daysUntilExpiry: daysUntilExpiry === 0 ? 0 : daysUntilExpiry, status };
}
