import { isValidTimeZone, parseProviderDate, parseProviderTimestamp } from '../../../src/domain/dates';

describe('isValidTimeZone', () => {
  it.each([
    ['Asia/Kolkata', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['local', false],
  ])('%j -> %j', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('parseProviderTimestamp', () => {
  it('reads the documented Digidonar timestamp in Asia/Kolkata (UTC+05:30, no DST)', () => {
    expect(parseProviderTimestamp('2020-08-19 13:24:24', 'Asia/Kolkata')).toEqual({
      instant: '2020-08-19T07:54:24.000Z',
      timeZone: 'Asia/Kolkata',
      raw: '2020-08-19 13:24:24',
    });
  });

  it.each([
    ['2022-01-08 15:49:52', '2022-01-08T10:19:52.000Z'],
    ['2023-12-30 00:00:00', '2023-12-29T18:30:00.000Z'],
    ['2020-08-19T13:24:24', '2020-08-19T07:54:24.000Z'],
    ['2023-12-30', '2023-12-29T18:30:00.000Z'],
    ['  2020-08-19 13:24:24 ', '2020-08-19T07:54:24.000Z'],
    ['2024-02-29 12:00:00', '2024-02-29T06:30:00.000Z'],
  ])('reads %j in Asia/Kolkata as %j', (raw, instant) => {
    expect(parseProviderTimestamp(raw, 'Asia/Kolkata').instant).toBe(instant);
  });

  it.each([
    ['2020-13-45 99:00:00'],
    ['0000-00-00 00:00:00'],
    ['0000-00-00'],
    ['2023-02-29 00:00:00'],
    ['2020-08-19 24:00:00'],
    ['2020-08-19 13:24'],
    ['2020-08-19 13:24:24+05:30'],
    ['19/08/2020'],
    ['20200819'],
    [''],
    ['abc'],
  ])('gives a null instant for %j but keeps the raw value', (raw) => {
    expect(parseProviderTimestamp(raw, 'Asia/Kolkata')).toEqual({ instant: null, timeZone: 'Asia/Kolkata', raw });
  });

  it('throws on a zone luxon does not know, even for an empty value', () => {
    expect(() => parseProviderTimestamp('2020-08-19 13:24:24', 'Asia/Nowhere')).toThrow('Unknown time zone: Asia/Nowhere');
    expect(() => parseProviderTimestamp('', 'Asia/Nowhere')).toThrow(Error);
  });

  describe('in a zone with DST (America/New_York)', () => {
    const at = (raw: string): string | null => parseProviderTimestamp(raw, 'America/New_York').instant;

    it('uses standard time in winter and daylight time in summer', () => {
      expect(at('2021-01-15 12:00:00')).toBe('2021-01-15T17:00:00.000Z');
      expect(at('2021-07-15 12:00:00')).toBe('2021-07-15T16:00:00.000Z');
    });

    it('reads the times either side of the spring-forward gap', () => {
      expect(at('2021-03-14 01:59:59')).toBe('2021-03-14T06:59:59.000Z');
      expect(at('2021-03-14 03:00:00')).toBe('2021-03-14T07:00:00.000Z');
    });

    it('moves a time skipped by spring-forward ahead by the gap', () => {
      // 02:30 does not exist on that day; it is read as 03:30 EDT.
      expect(at('2021-03-14 02:30:00')).toBe('2021-03-14T07:30:00.000Z');
    });

    it('reads a time repeated by fall-back as its first occurrence (EDT)', () => {
      expect(at('2021-11-07 01:30:00')).toBe('2021-11-07T05:30:00.000Z');
      expect(at('2021-11-07 00:59:59')).toBe('2021-11-07T04:59:59.000Z');
      expect(at('2021-11-07 02:00:00')).toBe('2021-11-07T07:00:00.000Z');
    });
  });

  it('handles a half-hour DST shift (Australia/Lord_Howe)', () => {
    // Lord Howe moves from +10:30 to +11:00 on 2021-10-03 at 02:00; 02:15 does not exist and reads as 02:45.
    expect(parseProviderTimestamp('2021-10-03 02:15:00', 'Australia/Lord_Howe').instant).toBe('2021-10-02T15:45:00.000Z');
    expect(parseProviderTimestamp('2021-10-03 01:59:00', 'Australia/Lord_Howe').instant).toBe('2021-10-02T15:29:00.000Z');
  });
});

describe('parseProviderDate', () => {
  it('keeps the documented billing cycle date as a date', () => {
    expect(parseProviderDate('2018-04-08')).toEqual({ date: '2018-04-08', raw: '2018-04-08' });
  });

  it('trims surrounding whitespace', () => {
    expect(parseProviderDate(' 2018-04-08 ')).toEqual({ date: '2018-04-08', raw: ' 2018-04-08 ' });
  });

  it.each([['2024-02-29', '2024-02-29'], ['2018-12-31', '2018-12-31']])('accepts %j', (raw, date) => {
    expect(parseProviderDate(raw).date).toBe(date);
  });

  it.each([['2018-02-30'], ['2023-02-29'], ['2018-13-01'], ['0000-00-00'], ['2018-4-8'], ['2018-04-08 00:00:00'], [''], ['abc']])(
    'gives a null date for %j',
    (raw) => {
      expect(parseProviderDate(raw)).toEqual({ date: null, raw });
    },
  );
});
