import { IANAZone } from 'luxon';

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

// Zones are few (one per provider) and validating one builds an Intl formatter: keep them.
const zones = new Map<string, IANAZone | null>();

function zoneNamed(name: string): IANAZone | null {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = isValidTimeZone(name) ? IANAZone.create(name) : null;
    zones.set(name, zone);
  }
  return zone;
}

/** Wall-clock fields as milliseconds if they were UTC, or null when they name no real calendar time. */
function wallClockMillis(fields: readonly (string | undefined)[]): number | null {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields.map((f) => Number(f ?? 0));
  // Hour 24 would roll over to the next midnight; a provider sending it is sending garbage.
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2018-02-30 over to March: a day that moved is a day that does not exist.
  const date = new Date(millis);
  const exact = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return exact ? millis : null;
}

// Reading an offset formats a date through Intl, the dominant cost of mapping a body. Offsets
// change at most a few times a year, so one is kept per zone and UTC day once both ends of the
// day agree (a day with a transition is computed every time). Bounded: a full map starts over.
const OFFSET_DAYS_KEPT = 50_000;
const offsetsByDay = new Map<IANAZone, Map<number, number>>();

/** The zone's UTC offset in minutes at an instant, as luxon gives it. */
function offsetAt(zone: IANAZone, instant: number): number {
  let days = offsetsByDay.get(zone);
  if (days === undefined) {
    days = new Map();
    offsetsByDay.set(zone, days);
  }
  const day = Math.floor(instant / DAY_MS);
  const known = days.get(day);
  if (known !== undefined) return known;
  const first = zone.offset(day * DAY_MS);
  if (first !== zone.offset((day + 1) * DAY_MS - 1)) return zone.offset(instant);
  if (days.size >= OFFSET_DAYS_KEPT) days.clear();
  days.set(day, first);
  return first;
}

/**
 * The instant of a wall-clock time in a zone, resolving DST like Temporal's "compatible"
 * (and java.time): a repeated time takes its first occurrence, a skipped time moves forward
 * by the gap. Luxon alone would pick the later occurrence of a repeated time.
 */
function instantOf(wallMillis: number, zone: IANAZone): number {
  const before = offsetAt(zone, wallMillis - DAY_MS);
  const after = offsetAt(zone, wallMillis + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMillis - offset * MINUTE_MS)
    .filter((instant) => offsetAt(zone, instant) * MINUTE_MS === wallMillis - instant);
  return candidates.length > 0 ? Math.min(...candidates) : wallMillis - before * MINUTE_MS;
}

/**
 * Reads a zone-less provider timestamp ("2020-08-19 13:24:24", "…T…", or a date meaning
 * midnight) in the provider's zone; unreadable values, PHP's "0000-00-00 00:00:00"
 * included, give a null instant. Throws on an unknown zone, which is a configuration bug.
 */
export function parseProviderTimestamp(raw: string, timeZone: string): ProviderTimestamp {
  const zone = zoneNamed(timeZone);
  if (zone === null) throw new Error(`Unknown time zone: ${timeZone}`);
  const match = TIMESTAMP.exec(raw.trim());
  const wall = match === null ? null : wallClockMillis(match.slice(1));
  const instant = wall === null ? null : new Date(instantOf(wall, zone)).toISOString();
  return { instant, timeZone, raw };
}

/** Keeps a date-only value as a calendar date (no zone, no instant); impossible dates such as 2018-02-30 give null. */
export function parseProviderDate(raw: string): ProviderDate {
  const trimmed = raw.trim();
  const match = DATE.exec(trimmed);
  const valid = match !== null && wallClockMillis(match.slice(1)) !== null;
  return { date: valid ? trimmed : null, raw };
}
