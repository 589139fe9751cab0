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

  // Digits of other forms and scripts are digits: a card must never pass through because its
  // digits are not ASCII. Full-width ones are the same characters after NFKC.
  const fullWidth = (ascii: string) => ascii.replace(/[0-9*]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
  const inScript = (ascii: string, zero: number) => ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));

  it.each([
    [fullWidth('4111111111111111'), '411111******1111', '1111'],
    [fullWidth('4111 1111 1111 4242'), '411111******4242', '4242'],
    [fullWidth('411111******1111'), '411111******1111', '1111'],
    ['\u{1d7d2}' + '\u{1d7cf}'.repeat(15), '411111******1111', '1111'],
    ['4111\u20131111\u20141111\u22121111', '411111******1111', '1111'],
  ])('reads %j after NFKC, masked down to 6 + 4', (raw, masked, last4) => {
    expect(maskCardNumber(raw)).toEqual({ maskedCardNumber: masked, last4 });
  });

  it.each([
    ['Arabic-Indic digits', inScript('4111111111111111', 0x660), '1111'],
    ['Extended Arabic-Indic digits', inScript('4111111111114242', 0x6f0), '4242'],
    ['Devanagari digits', inScript('4111111111111234', 0x966), '1234'],
    ['Bengali digits', inScript('378282246310005', 0x9e6), '0005'],
    ['mixed scripts', `4111${inScript('11111111', 0x966)}5678`, '5678'],
    ['ASCII with a Devanagari end', `4111111111112${inScript('987', 0x966)}`, '2987'],
    ['Arabic-Indic digits under a provider mask', `${inScript('411111', 0x660)}******${inScript('1111', 0x660)}`, '1111'],
  ])('shows only the last four digits, as ASCII, of a card written in %s', (_script, raw, last4) => {
    expect(maskCardNumber(raw)).toEqual({ maskedCardNumber: '*'.repeat([...raw].length - 4) + last4, last4 });
  });

  it('hides digits of any script, and other numerals, outside the last four of a value that is not card-shaped', () => {
    const raw = `Visa ${inScript('41111111', 0x966)}\u1369\u136a${inScript('1111', 0x660)}`;
    expect(maskCardNumber(raw)).toEqual({ maskedCardNumber: 'Visa**********1111', last4: '1111' });
  });

  it('never shows more digits than the provider did', () => {
    expect(maskCardNumber(inScript('************1111', 0x966))).toEqual({ maskedCardNumber: '************1111', last4: '1111' });
    expect(maskCardNumber(fullWidth('************4242'))).toEqual({ maskedCardNumber: '************4242', last4: '4242' });
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
