import type { ChargeLineItem, Money } from '../../../src/domain/account';
import { monthlyCharges } from '../../../src/domain/charges';
import { parseMoney } from '../../../src/domain/money';

const item = (kind: ChargeLineItem['kind'], description: string, raw: string): ChargeLineItem => ({
  kind,
  description,
  amount: parseMoney(raw),
});

/** The line items of the documented Simpsy sample. */
const simpsy: readonly ChargeLineItem[] = [
  item('PLAN', 'Small-Medium Enterprise', '$24.90'),
  item('ADDON', '10 agents', '$49.00'),
  item('ADDON', '7GB storage', '$56.00'),
  item('ADDON', '1 CRM', '$10.00'),
  item('DID', '1234567', '$15.90'),
  item('DID', '651234567', '$21.90'),
];

describe('monthlyCharges', () => {
  it('matches the documented Simpsy total', () => {
    const stated = parseMoney('$177.70');
    expect(monthlyCharges(simpsy, stated)).toEqual({
      lineItems: simpsy,
      computedTotal: { amount: '177.70', currency: 'USD', raw: '177.70 USD' },
      statedTotal: stated,
      difference: { amount: '0.00', currency: 'USD', raw: '0.00 USD' },
      matches: true,
    });
  });

  it('flags a one-cent mismatch', () => {
    const charges = monthlyCharges(simpsy, parseMoney('$177.71'));
    expect(charges.matches).toBe(false);
    expect(charges.difference).toEqual({ amount: '0.01', currency: 'USD', raw: '0.01 USD' });
  });

  it('signs the difference as stated minus computed', () => {
    expect(monthlyCharges(simpsy, parseMoney('$177.69')).difference?.amount).toBe('-0.01');
  });

  it('matches a stated total written at another scale', () => {
    const charges = monthlyCharges([item('PLAN', 'plan', '$49')], parseMoney('$49.00'));
    expect(charges.matches).toBe(true);
    expect(charges.difference?.amount).toBe('0.00');
  });

  it('sums an empty bill to zero in the stated currency and scale', () => {
    expect(monthlyCharges([], parseMoney('$0.00'))).toEqual({
      lineItems: [],
      computedTotal: { amount: '0.00', currency: 'USD', raw: '0.00 USD' },
      statedTotal: parseMoney('$0.00'),
      difference: { amount: '0.00', currency: 'USD', raw: '0.00 USD' },
      matches: true,
    });
    const charged = monthlyCharges([], parseMoney('$5.00'));
    expect(charged.matches).toBe(false);
    expect(charged.difference?.amount).toBe('5.00');
  });

  it('cannot check an empty bill without a stated amount', () => {
    expect(monthlyCharges([], null)).toEqual({
      lineItems: [],
      computedTotal: null,
      statedTotal: null,
      difference: null,
      matches: null,
    });
    expect(monthlyCharges([], parseMoney('N/A')).computedTotal).toBeNull();
  });

  it('computes without a stated total but cannot check', () => {
    const charges = monthlyCharges(simpsy, null);
    expect(charges.computedTotal?.amount).toBe('177.70');
    expect(charges.difference).toBeNull();
    expect(charges.matches).toBeNull();
  });

  it('cannot check when a line item amount is unknown', () => {
    const charges = monthlyCharges([...simpsy, item('ADDON', 'broken', 'N/A')], parseMoney('$177.70'));
    expect(charges.computedTotal).toBeNull();
    expect(charges.difference).toBeNull();
    expect(charges.matches).toBeNull();
  });

  it('cannot check when the stated total is unreadable', () => {
    const charges = monthlyCharges(simpsy, parseMoney('N/A'));
    expect(charges.computedTotal?.amount).toBe('177.70');
    expect(charges.difference).toBeNull();
    expect(charges.matches).toBeNull();
  });

  it('cannot sum line items in different currencies', () => {
    const charges = monthlyCharges([item('PLAN', 'plan', '$10'), item('DID', 'did', '₹10')], parseMoney('$20'));
    expect(charges.computedTotal).toBeNull();
    expect(charges.matches).toBeNull();
  });

  it('reports known but different currencies as not matching', () => {
    const charges = monthlyCharges([item('PLAN', 'plan', '$10.00')], parseMoney('€10.00'));
    expect(charges.difference).toBeNull();
    expect(charges.matches).toBe(false);
  });

  it('cannot check when only one side has a currency', () => {
    const stated: Money = parseMoney('177.70');
    const charges = monthlyCharges(simpsy, stated);
    expect(charges.difference).toBeNull();
    expect(charges.matches).toBeNull();
  });

  it('checks totals that both lack a currency', () => {
    const charges = monthlyCharges([item('PLAN', 'plan', '10.00'), item('DID', 'did', '5')], parseMoney('15'));
    expect(charges.computedTotal).toEqual({ amount: '15.00', currency: null, raw: '15.00' });
    expect(charges.matches).toBe(true);
  });
});
