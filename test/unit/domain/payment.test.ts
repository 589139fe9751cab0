import { maskCardNumber, paymentMethod } from '../../../src/domain/payment';

describe('maskCardNumber', () => {
  it('keeps the documented provider mask exactly', () => {
    expect(maskCardNumber('411111******1111')).toEqual({ maskedCardNumber: '411111******1111', last4: '1111' });
  });

  it.each([
    ['************1111', '************1111'],
    ['XXXXXXXXXXXX4242', 'XXXXXXXXXXXX4242'],
    ['4111xxxxxxxx1111', '4111xxxxxxxx1111'],
    ['••••••••••••4242', '••••••••••••4242'],
  ])('keeps a stricter provider mask %j as sent', (raw, masked) => {
    expect(maskCardNumber(raw).maskedCardNumber).toBe(masked);
  });

  it.each([
    ['4111111111111111', '411111******1111'],
    ['41111111****1111', '411111******1111'],
    ['4111 1111 1111 1111', '411111******1111'],
    ['4111-1111-1111-1111', '411111******1111'],
    ['378282246310005', '378282*****0005'],
    ['411111111111', '411111**1111'],
    ['4111111111111111111', '411111*********1111'],
    ['411111******11111', '411111*******1111'],
  ])('masks %j down to 6 + 4 digits, keeping the length', (raw, masked) => {
    const result = maskCardNumber(raw);
    expect(result.maskedCardNumber).toBe(masked);
    expect(result.last4).toBe(masked.slice(-4));
  });

  it.each([
    ['12345678901', '*******8901'],
    ['41111111111111111111', '****************1111'],
    ['Visa 4111111111111111', 'Visa************1111'],
    ['****1111', '****1111'],
  ])('shows only trailing digits of a value that is not card-shaped (%j)', (raw, masked) => {
    expect(maskCardNumber(raw).maskedCardNumber).toBe(masked);
  });

  it('has no last4 when the last four characters are not all digits', () => {
    expect(maskCardNumber('411111******111X')).toEqual({ maskedCardNumber: '411111******111X', last4: null });
    expect(maskCardNumber('123')).toEqual({ maskedCardNumber: '123', last4: null });
  });

  it.each([[null], [undefined], [''], ['  '], [' - ']])('gives nothing for %j', (raw) => {
    expect(maskCardNumber(raw)).toEqual({ maskedCardNumber: null, last4: null });
  });
});

describe('paymentMethod', () => {
  it('combines the documented Simpsy payment fields', () => {
    expect(paymentMethod('Visa', '411111******1111')).toEqual({ type: 'Visa', maskedCardNumber: '411111******1111', last4: '1111' });
  });

  it('never passes an unmasked card through', () => {
    expect(paymentMethod(' Visa ', '4111111111111111')).toEqual({ type: 'Visa', maskedCardNumber: '411111******1111', last4: '1111' });
  });

  it('gives nulls for missing fields', () => {
    expect(paymentMethod(null, undefined)).toEqual({ type: null, maskedCardNumber: null, last4: null });
    expect(paymentMethod('  ', '')).toEqual({ type: null, maskedCardNumber: null, last4: null });
  });
});
