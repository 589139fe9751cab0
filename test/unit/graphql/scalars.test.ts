import fc from 'fast-check';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';
import { DateTimeScalar, LocalDateScalar } from '../../../src/graphql/types/scalars';

// The date scalars remember their serialized texts; what they send must stay graphql-scalars' own.

describe('date scalars', () => {
  test('DateTime sends the text JSON would make of graphql-scalars\' value, first time and remembered', () => {
    for (const input of ['2020-08-19T07:54:24Z', '2020-08-19T07:54:24.5+05:30', new Date(0), 86_400_000]) {
      const expected = JSON.parse(JSON.stringify(DateTimeResolver.serialize(input)));
      expect(DateTimeScalar.serialize(input)).toBe(expected);
      expect(DateTimeScalar.serialize(input)).toBe(expected);
    }
  });

  test('equal to graphql-scalars for any date-time text, valid or not', () => {
    fc.assert(
      fc.property(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 30 })), (input) => {
        let expected: unknown;
        try {
          expected = JSON.parse(JSON.stringify(DateTimeResolver.serialize(input)));
        } catch {
          expected = 'throws';
        }
        for (let i = 0; i < 2; i += 1) {
          let actual: unknown;
          try {
            actual = DateTimeScalar.serialize(input);
          } catch {
            actual = 'throws';
          }
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('an invalid value throws every time it is sent, never remembered', () => {
    expect(() => DateTimeScalar.serialize('2024-02-30T00:00:00Z')).toThrow();
    expect(() => DateTimeScalar.serialize('2024-02-30T00:00:00Z')).toThrow();
    expect(() => LocalDateScalar.serialize('2023-02-29')).toThrow();
    expect(() => LocalDateScalar.serialize('2023-02-29')).toThrow();
  });

  test('LocalDate sends what graphql-scalars sends', () => {
    for (const input of ['2024-02-29', '1999-12-31']) {
      expect(LocalDateScalar.serialize(input)).toBe(LocalDateResolver.serialize(input));
      expect(LocalDateScalar.serialize(input)).toBe(LocalDateResolver.serialize(input));
    }
  });
});
