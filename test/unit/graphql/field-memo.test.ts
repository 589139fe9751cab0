import { oncePerObject } from '../../../src/graphql/field-memo';

describe('oncePerObject', () => {
  test('computes once per object and inputs, however many fields ask', () => {
    let runs = 0;
    const usage = oncePerObject((balance: { available: number }, threshold: number) => {
      runs += 1;
      return { low: balance.available <= threshold };
    });
    const balance = { available: 5 };
    const first = usage(balance, 10);
    expect(usage(balance, 10)).toBe(first);
    expect(usage(balance, 10)).toBe(first);
    expect(runs).toBe(1);
  });

  test('computes again for other inputs or another object, and gives their own answer', () => {
    let runs = 0;
    const insight = oncePerObject((validity: { expiresAt: number }, now: Date) => {
      runs += 1;
      return validity.expiresAt <= now.getTime() ? 'EXPIRED' : 'ACTIVE';
    });
    const validity = { expiresAt: 1_000 };
    expect(insight(validity, new Date(500))).toBe('ACTIVE');
    // Another request: another `now`, even at the same instant, is computed again.
    expect(insight(validity, new Date(2_000))).toBe('EXPIRED');
    expect(insight({ expiresAt: 3_000 }, new Date(2_000))).toBe('ACTIVE');
    expect(runs).toBe(3);
  });
});
