import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { ProviderTimestamp } from '../../../src/domain/account';
import { parseProviderTimestamp } from '../../../src/domain/dates';
import { validityInsight } from '../../../src/domain/validity-status';

const KOLKATA = 'Asia/Kolkata';
const expiry = (raw: string, zone = KOLKATA): ProviderTimestamp => parseProviderTimestamp(raw, zone);
/** A moment given as Kolkata wall-clock time (UTC+05:30, no DST). */
const kolkata = (wall: string): Date => new Date(`${wall}+05:30`);

describe('validityInsight', () => {
  test('expiry exactly now is EXPIRED, 0 days', () => {
    expect(validityInsight(expiry('2024-03-31 23:59:59'), kolkata('2024-03-31T23:59:59'), 14)).toEqual({
      daysUntilExpiry: 0,
      status: 'EXPIRED',
    });
  });

  test('one millisecond before expiry is not expired', () => {
    expect(validityInsight(expiry('2024-03-31 23:59:59'), kolkata('2024-03-31T23:59:58.999'), 14)).toEqual({
      daysUntilExpiry: 0,
      status: 'EXPIRING_SOON',
    });
  });

  test('expiry later today is 0 days and EXPIRING_SOON, even with a 0-day window', () => {
    const now = kolkata('2024-03-31T09:00:00');
    expect(validityInsight(expiry('2024-03-31 23:59:59'), now, 14)).toEqual({ daysUntilExpiry: 0, status: 'EXPIRING_SOON' });
    expect(validityInsight(expiry('2024-03-31 23:59:59'), now, 0).status).toBe('EXPIRING_SOON');
  });

  test('expiry earlier today is EXPIRED, still 0 days', () => {
    expect(validityInsight(expiry('2024-03-31 08:00:00'), kolkata('2024-03-31T09:00:00'), 14)).toEqual({
      daysUntilExpiry: 0,
      status: 'EXPIRED',
    });
  });

  test('expiry tomorrow is 1 day, even when fewer than 24 hours away', () => {
    expect(validityInsight(expiry('2024-04-01 00:00:01'), kolkata('2024-03-31T23:59:00'), 14)).toEqual({
      daysUntilExpiry: 1,
      status: 'EXPIRING_SOON',
    });
  });

  test('expired yesterday is -1 day', () => {
    expect(validityInsight(expiry('2024-03-30 23:59:59'), kolkata('2024-03-31T00:00:00'), 14)).toEqual({
      daysUntilExpiry: -1,
      status: 'EXPIRED',
    });
  });

  test('days are counted in the provider zone, not UTC', () => {
    // 2024-03-31T20:00Z is already 1 April 01:30 in Kolkata: an expiry on 1 April at 23:59:59 is today.
    expect(validityInsight(expiry('2024-04-01 23:59:59'), new Date('2024-03-31T20:00:00Z'), 14)).toEqual({
      daysUntilExpiry: 0,
      status: 'EXPIRING_SOON',
    });
  });

  test('the expiring-soon window is inclusive of its last day', () => {
    const now = kolkata('2024-03-01T12:00:00');
    expect(validityInsight(expiry('2024-03-15 00:00:00'), now, 14)).toEqual({ daysUntilExpiry: 14, status: 'EXPIRING_SOON' });
    expect(validityInsight(expiry('2024-03-16 00:00:00'), now, 14)).toEqual({ daysUntilExpiry: 15, status: 'ACTIVE' });
    expect(validityInsight(expiry('2024-03-16 00:00:00'), now, 30).status).toBe('EXPIRING_SOON');
  });

  test('far future is ACTIVE with a whole number of days', () => {
    expect(validityInsight(expiry('2031-03-31 23:59:59'), kolkata('2026-04-01T10:00:00'), 14)).toEqual({
      daysUntilExpiry: 1825,
      status: 'ACTIVE',
    });
  });

  test('calendar days across a DST change in a DST zone', () => {
    // Europe/London springs forward on 2024-03-31: the day before has 23 hours but is one day.
    const london = (raw: string) => parseProviderTimestamp(raw, 'Europe/London');
    expect(validityInsight(london('2024-04-01 00:30:00'), new Date('2024-03-30T23:30:00Z'), 14).daysUntilExpiry).toBe(2);
    expect(validityInsight(london('2024-03-31 23:00:00'), new Date('2024-03-31T00:30:00Z'), 14).daysUntilExpiry).toBe(0);
  });

  test('no expiry, or an unreadable one, is UNKNOWN', () => {
    const now = kolkata('2024-03-31T09:00:00');
    expect(validityInsight(null, now, 14)).toEqual({ daysUntilExpiry: null, status: 'UNKNOWN' });
    expect(validityInsight(expiry('0000-00-00 00:00:00'), now, 14)).toEqual({ daysUntilExpiry: null, status: 'UNKNOWN' });
  });
});

describe('validityInsight against a direct luxon reading', () => {
  /** The plain reading the memoized one must equal: both days in the expiry's zone, luxon's calendar-day diff. */
  function reference(expiresAt: ProviderTimestamp, now: Date, window: number) {
    const instant = DateTime.fromISO(expiresAt.instant!, { zone: expiresAt.timeZone });
    const days = Math.round(instant.startOf('day').diff(DateTime.fromJSDate(now, { zone: instant.zone }).startOf('day'), 'days').days);
    const status = instant.toMillis() <= now.getTime() ? 'EXPIRED' : days <= window ? 'EXPIRING_SOON' : 'ACTIVE';
    return { daysUntilExpiry: days === 0 ? 0 : days, status };
  }

  // Zones with DST, half-hour DST (Lord Howe), a skipped day (Apia, 2011-12-30) and a DST change at midnight (Santiago).
  const ZONES = ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Apia', 'America/Santiago', 'UTC'];
  const from = Date.UTC(2011, 0, 1);
  const to = Date.UTC(2027, 0, 1);

  test('equal for any expiry, moment and zone, the same expiry read again at many moments', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: from, max: to }),
        fc.array(fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 30 }),
        (zone, expiryMillis, offsets, window) => {
          const raw = DateTime.fromMillis(expiryMillis, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
          const expiresAt = parseProviderTimestamp(raw, zone);
          for (const offset of offsets) {
            const now = new Date(expiryMillis + offset);
            expect(validityInsight(expiresAt, now, window)).toEqual(reference(expiresAt, now, window));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  test('equal on both sides of every local midnight and DST change of a year', () => {
    for (const zone of ZONES) {
      const expiresAt = parseProviderTimestamp('2024-07-01 12:00:00', zone);
      let moment = DateTime.fromISO('2024-01-01T00:00:00', { zone });
      for (let day = 0; day < 366; day += 1) {
        const midnight = moment.startOf('day').toMillis();
        for (const at of [midnight - 1, midnight, midnight + 1, midnight + 3_600_000 - 1, midnight + 3_600_000]) {
          expect(validityInsight(expiresAt, new Date(at), 14)).toEqual(reference(expiresAt, new Date(at), 14));
        }
        moment = moment.plus({ days: 1 });
      }
    }
  });
});
