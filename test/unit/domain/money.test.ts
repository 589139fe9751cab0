import type { Money } from '../../../src/domain/account';
import { moneyEquals, parseMoney, scaleOf, subtractMoney, sumMoney } from '../../../src/domain/money';

const usd = (amount: string): Money => ({ amount, currency: 'USD', raw: `$${amount}` });

describe('parseMoney', () => {
  it.each([
    ['$139.90', '139.90', 'USD'],
    ['$1,234.50', '1234.50', 'USD'],
    ['$1,234,567.89', '1234567.89', 'USD'],
    ['₹1,23,456.00', '123456.00', 'INR'],
    ['  $24.90  ', '24.90', 'USD'],
    ['$49', '49', 'USD'],
    ['$4.90', '4.90', 'USD'],
    ['$0', '0', 'USD'],
    ['$0.81', '0.81', 'USD'],
    ['-$5.00', '-5.00', 'USD'],
    ['$-5.00', '-5.00', 'USD'],
    ['- $5.00', '-5.00', 'USD'],
    ['-5.00 USD', '-5.00', 'USD'],
    ['USD -5.00', '-5.00', 'USD'],
    ['-$0.00', '0.00', 'USD'],
    ['USD 12.00', '12.00', 'USD'],
    ['USD12.00', '12.00', 'USD'],
    ['12.00 INR', '12.00', 'INR'],
    ['12 eur', '12', 'EUR'],
    ['12.00 usd', '12.00', 'USD'],
    ['US$7.00', '7.00', 'USD'],
    ['S$7.00', '7.00', 'SGD'],
    ['₹500', '500', 'INR'],
    ['Rs 500', '500', 'INR'],
    ['Rs.500', '500', 'INR'],
    ['rs. 500.50', '500.50', 'INR'],
    ['500 INR', '500', 'INR'],
    ['€9.99', '9.99', 'EUR'],
    ['9.99 €', '9.99', 'EUR'],
    ['£3', '3', 'GBP'],
    ['¥1000', '1000', 'JPY'],
    ['$5.00 USD', '5.00', 'USD'],
    ['007.50', '7.50', null],
    ['12345678901234567890123.45', '12345678901234567890123.45', null],
  ])('reads %j as %j %j', (raw, amount, currency) => {
    expect(parseMoney(raw)).toEqual({ amount, currency, raw });
  });

  it('keeps a missing symbol as an unknown currency', () => {
    expect(parseMoney('139.90')).toEqual({ amount: '139.90', currency: null, raw: '139.90' });
  });

  it('reads "0" as a zero amount', () => {
    expect(parseMoney('0')).toEqual({ amount: '0', currency: null, raw: '0' });
  });

  it.each([['XYZ 5'], ['¤5'], ['5 ABC'], ['$5 SGD']])('keeps the amount of %j but not an unknown or conflicting currency', (raw) => {
    expect(parseMoney(raw)).toEqual({ amount: '5', currency: null, raw });
  });

  it.each([
    [''],
    ['   '],
    ['N/A'],
    ['$'],
    ['1.2.3'],
    ['1,5'],
    ['1234,50'],
    ['1,2,3'],
    ['.50'],
    ['$.50'],
    ['5.'],
    ['5.00-'],
    ['--5'],
    ['-$-5'],
    ['1 234.50'],
    ['$5/mo'],
    ['1e5'],
    ['0x10'],
    ['null'],
  ])('does not read %j as a number', (raw) => {
    expect(parseMoney(raw)).toEqual({ amount: null, currency: null, raw });
  });

  it('never produces exponent notation', () => {
    expect(parseMoney('$0.0000001').amount).toBe('0.0000001');
    expect(parseMoney('$100000000000000000000000').amount).toBe('100000000000000000000000');
  });
});

describe('scaleOf', () => {
  it('counts digits after the point', () => {
    expect([scaleOf('49'), scaleOf('4.90'), scaleOf('-0.125')]).toEqual([0, 2, 3]);
  });
});

describe('sumMoney', () => {
  it('adds the documented Simpsy sample exactly', () => {
    const parts = ['$24.90', '$49.00', '$56.00', '$10.00', '$15.90', '$21.90'].map(parseMoney);
    expect(sumMoney(parts)).toEqual({ amount: '177.70', currency: 'USD', raw: '177.70 USD' });
  });

  it('has no floating-point drift', () => {
    expect(sumMoney([usd('0.1'), usd('0.2')])).toEqual({ amount: '0.3', currency: 'USD', raw: '0.3 USD' });
  });

  it('uses the largest scale of its inputs', () => {
    expect(sumMoney([usd('49'), usd('4.9'), usd('0.125')])?.amount).toBe('54.025');
    expect(sumMoney([usd('49'), usd('1.50')])?.amount).toBe('50.50');
  });

  it('sums a single value and zeros', () => {
    expect(sumMoney([usd('0')])).toEqual({ amount: '0', currency: 'USD', raw: '0 USD' });
    expect(sumMoney([usd('5.00'), usd('-5.00')])).toEqual({ amount: '0.00', currency: 'USD', raw: '0.00 USD' });
  });

  it('returns null for an empty list', () => {
    expect(sumMoney([])).toBeNull();
  });

  it('returns null when an amount is unknown', () => {
    expect(sumMoney([usd('1.00'), parseMoney('N/A')])).toBeNull();
  });

  it('returns null for mixed currencies, an unknown currency counting as its own', () => {
    expect(sumMoney([usd('1.00'), parseMoney('€1.00')])).toBeNull();
    expect(sumMoney([usd('1.00'), parseMoney('1.00')])).toBeNull();
    expect(sumMoney([parseMoney('1.00'), usd('1.00')])).toBeNull();
  });

  it('sums values that all have no currency', () => {
    expect(sumMoney([parseMoney('1.25'), parseMoney('2')])).toEqual({ amount: '3.25', currency: null, raw: '3.25' });
  });

  it('treats a malformed amount built elsewhere as unknown instead of throwing', () => {
    expect(sumMoney([{ amount: 'abc', currency: 'USD', raw: 'abc' }])).toBeNull();
  });
});

describe('subtractMoney', () => {
  it('subtracts exactly', () => {
    expect(subtractMoney(usd('177.71'), usd('177.70'))).toEqual({ amount: '0.01', currency: 'USD', raw: '0.01 USD' });
    expect(subtractMoney(usd('177.70'), usd('177.71'))).toEqual({ amount: '-0.01', currency: 'USD', raw: '-0.01 USD' });
  });

  it('gives an unsigned zero at the larger scale', () => {
    expect(subtractMoney(usd('49'), usd('49.00'))).toEqual({ amount: '0.00', currency: 'USD', raw: '0.00 USD' });
  });

  it('returns null for unknown amounts or different currencies', () => {
    expect(subtractMoney(usd('1'), parseMoney('$'))).toBeNull();
    expect(subtractMoney(parseMoney('N/A'), usd('1'))).toBeNull();
    expect(subtractMoney(usd('1'), parseMoney('£1'))).toBeNull();
    expect(subtractMoney(usd('1'), parseMoney('1'))).toBeNull();
  });
});

describe('moneyEquals', () => {
  it('compares numerically', () => {
    expect(moneyEquals(parseMoney('$49'), parseMoney('$49.00'))).toBe(true);
    expect(moneyEquals(parseMoney('$49'), parseMoney('49.00 USD'))).toBe(true);
    expect(moneyEquals(parseMoney('$49.00'), parseMoney('$49.01'))).toBe(false);
    expect(moneyEquals(parseMoney('-$0'), parseMoney('$0.00'))).toBe(true);
  });

  it('requires the same currency', () => {
    expect(moneyEquals(parseMoney('$49'), parseMoney('S$49'))).toBe(false);
    expect(moneyEquals(parseMoney('$49'), parseMoney('49'))).toBe(false);
    expect(moneyEquals(parseMoney('49'), parseMoney('49.0'))).toBe(true);
  });

  it('never equates unknown amounts', () => {
    expect(moneyEquals(parseMoney('N/A'), parseMoney('N/A'))).toBe(false);
  });
});
