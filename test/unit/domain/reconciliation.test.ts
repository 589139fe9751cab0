import type { ChargeLineItem } from '../../../src/domain/account';
import { monthlyCharges } from '../../../src/domain/charges';
import { parseMoney } from '../../../src/domain/money';
import { reconciliationStatus } from '../../../src/domain/reconciliation';

const items = (...raws: string[]): ChargeLineItem[] =>
  raws.map((raw, i) => ({ kind: i === 0 ? 'PLAN' : 'ADDON', description: `line ${i}`, amount: parseMoney(raw) }));

describe('reconciliationStatus', () => {
  test('exact agreement MATCHES, whatever the scale', () => {
    const charges = monthlyCharges(items('$24.90', '$49.00'), parseMoney('$73.9'));
    expect(charges.difference?.amount).toBe('0.00');
    expect(reconciliationStatus(charges)).toBe('MATCHES');
  });

  test('one cent over is a MISMATCH with difference 0.01', () => {
    const charges = monthlyCharges(items('$24.90', '$49.00'), parseMoney('$73.91'));
    expect(charges.difference).toMatchObject({ amount: '0.01', currency: 'USD' });
    expect(reconciliationStatus(charges)).toBe('MISMATCH');
  });

  test('one cent under is a MISMATCH with difference -0.01', () => {
    const charges = monthlyCharges(items('$24.90', '$49.00'), parseMoney('$73.89'));
    expect(charges.difference).toMatchObject({ amount: '-0.01', currency: 'USD' });
    expect(reconciliationStatus(charges)).toBe('MISMATCH');
  });

  test('sums that floats get wrong are exact', () => {
    const charges = monthlyCharges(items('$0.10', '$0.20'), parseMoney('$0.30'));
    expect(reconciliationStatus(charges)).toBe('MATCHES');
  });

  test('different known currencies are a MISMATCH', () => {
    expect(reconciliationStatus(monthlyCharges(items('$10.00'), parseMoney('10.00 EUR')))).toBe('MISMATCH');
  });

  test('unknown amounts, currencies or totals are UNCHECKABLE', () => {
    expect(reconciliationStatus(monthlyCharges(items('$10.00'), null))).toBe('UNCHECKABLE');
    expect(reconciliationStatus(monthlyCharges(items('$10.00', 'n/a'), parseMoney('$10.00')))).toBe('UNCHECKABLE');
    expect(reconciliationStatus(monthlyCharges(items('10.00'), parseMoney('$10.00')))).toBe('UNCHECKABLE');
  });

  test('maps matches directly', () => {
    expect(reconciliationStatus({ matches: true })).toBe('MATCHES');
    expect(reconciliationStatus({ matches: false })).toBe('MISMATCH');
    expect(reconciliationStatus({ matches: null })).toBe('UNCHECKABLE');
  });
});
