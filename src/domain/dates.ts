import { DateTime, IANAZone } from 'luxon';

import type { ProviderDate, ProviderTimestamp } from './account';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** "YYYY-MM-DD", then optionally " HH:mm:ss" or "THH:mm:ss"; nothing looser, so garbage never becomes a date. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether luxon knows this IANA zone name; lets callers reject a bad configured zone at start-up. */
export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Wall-clock fields as milliseconds if they were UTC, or null when they name no real calendar time. */
function wallClockMillis(fields: readonly (string | undefined)[]): number | null {
  const [year, month, day, hour = 0, minute = 0, second = 0] = fields.map((f) => Number(f ?? 0));
  const wall = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: 'utc' });
  // Luxon accepts hour 24 as the next midnight; a provider sending it is sending garbage.
  const exact = wall.isValid && wall.hour === hour && wall.day === day;
  return exact ? wall.toMillis() : null;
}

/**
 * The instant of a wall-clock time in a zone, resolving DST like Temporal's "compatible"
 * (and java.time): a repeated time takes its first occurrence, a skipped time moves forward
 * by the gap. Luxon alone would pick the later occurrence of a repeated time.
 */
function instantOf(wallMillis: number, zone: IANAZone): number {
  const before = zone.offset(wallMillis - DAY_MS);
  const after = zone.offset(wallMillis + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMillis - offset * MINUTE_MS)
    .filter((instant) => zone.offset(instant) * MINUTE_MS === wallMillis - instant);
  return candidates.length > 0 ? Math.min(...candidates) : wallMillis - before * MINUTE_MS;
}

/**
 * Reads a zone-less provider timestamp ("2020-08-19 13:24:24", "…T…", or a date meaning
 * midnight) in the provider's zone; unreadable values, PHP's "0000-00-00 00:00:00"
 * included, give a null instant. Throws on an unknown zone, which is a configuration bug.
 */
export function parseProviderTimestamp(raw: string, timeZone: string): ProviderTimestamp {
  if (!isValidTimeZone(timeZone)) throw new Error(`Unknown time zone: ${timeZone}`);
  const match = TIMESTAMP.exec(raw.trim());
  const wall = match === null ? null : wallClockMillis(match.slice(1));
  const instant =
    wall === null ? null : DateTime.fromMillis(instantOf(wall, IANAZone.create(timeZone)), { zone: 'utc' }).toISO();
  return { instant, timeZone, raw };
}

/** Keeps a date-only value as a calendar date (no zone, no instant); impossible dates such as 2018-02-30 give null. */
export function parseProviderDate(raw: string): ProviderDate {
  const trimmed = raw.trim();
  const match = DATE.exec(trimmed);
  const valid = match !== null && wallClockMillis(match.slice(1)) !== null;
  return { date: valid ? trimmed : null, raw };
}
