import { parsePhoneNumber } from '../../../src/domain/phone';

describe('parsePhoneNumber', () => {
  it('reads an Indian national number with the default country', () => {
    expect(parsePhoneNumber('01206851234', 'IN')).toEqual({ raw: '01206851234', e164: '+911206851234', country: 'IN' });
  });

  it('reads an international "00" prefix', () => {
    expect(parsePhoneNumber('00911206851234', 'IN')).toEqual({ raw: '00911206851234', e164: '+911206851234', country: 'IN' });
  });

  it('reads a "+" number without a default country, and lets it override the default', () => {
    expect(parsePhoneNumber('+65 6123 4567')).toEqual({ raw: '+65 6123 4567', e164: '+6561234567', country: 'SG' });
    expect(parsePhoneNumber('+65 6123 4567', 'US')).toEqual({ raw: '+65 6123 4567', e164: '+6561234567', country: 'SG' });
  });

  it('accepts punctuation inside a number', () => {
    expect(parsePhoneNumber('(0120) 685-1234', 'IN').e164).toBe('+911206851234');
    expect(parsePhoneNumber('+1 (212) 555-0123').e164).toBe('+12125550123');
  });

  it('accepts a lower-case default country', () => {
    expect(parsePhoneNumber('01206851234', 'in')).toEqual({ raw: '01206851234', e164: '+911206851234', country: 'IN' });
  });

  it.each([['80691xxx5'], ['00911206xx5'], ['0120685xxxx'], ['00911206xxx9'], ['7289xxxx83'], ['+91 120 685 ****'], ['0120685XXXX']])(
    'gives no E.164 for the masked number %j',
    (raw) => {
      expect(parsePhoneNumber(raw, 'IN')).toEqual({ raw, e164: null, country: 'IN' });
    },
  );

  it('gives no E.164 for a short number that libphonenumber finds invalid', () => {
    expect(parsePhoneNumber('806912345', 'IN')).toEqual({ raw: '806912345', e164: null, country: 'IN' });
  });

  it('gives no E.164 for the documented Simpsy DIDs, which lack digits', () => {
    expect(parsePhoneNumber('1234567', 'US')).toEqual({ raw: '1234567', e164: null, country: 'US' });
    expect(parsePhoneNumber('651234567', 'SG')).toEqual({ raw: '651234567', e164: null, country: 'SG' });
  });

  it('validates with the full metadata, not only by length', () => {
    // +91 3… has a valid length but no assigned range; the 'min' bundle would accept it.
    expect(parsePhoneNumber('+913000000000').e164).toBeNull();
  });

  it('gives a valid non-geographic number no country, even with a default', () => {
    expect(parsePhoneNumber('+80012345678', 'IN')).toEqual({ raw: '+80012345678', e164: '+80012345678', country: null });
  });

  it('has no country without a default or a valid number', () => {
    expect(parsePhoneNumber('806912345')).toEqual({ raw: '806912345', e164: null, country: null });
  });

  it('ignores a default country libphonenumber does not know', () => {
    expect(parsePhoneNumber('01206851234', 'ZZ')).toEqual({ raw: '01206851234', e164: null, country: null });
  });

  it('does not look for a number inside text', () => {
    expect(parsePhoneNumber('call 01206851234 now', 'IN').e164).toBeNull();
  });

  it.each([[''], ['   '], ['abc'], ['+'], ['0'.repeat(300)], ['+91'.repeat(200)]])('never throws, e.g. for %j', (raw) => {
    expect(parsePhoneNumber(raw, 'IN')).toEqual({ raw, e164: null, country: 'IN' });
  });
});
