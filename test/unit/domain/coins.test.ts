import { coinBalance, parseCount } from '../../../src/domain/coins';

describe('parseCount', () => {
  it.each([
    ['10500', 10500],
    [' 42 ', 42],
    ['-3', -3],
    ['0', 0],
    ['-0', 0],
    ['007', 7],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
    [String(Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER],
  ])('reads %j as %j', (raw, count) => {
    expect(parseCount(raw)).toBe(count);
  });

  it('reads "-0" as a plain zero', () => {
    expect(Object.is(parseCount('-0'), 0)).toBe(true);
  });

  it.each([[null], [undefined], [''], ['  '], ['abc'], ['1.5'], ['1e3'], ['+5'], ['1,000'], ['0x10'], ['9007199254740992'], ['-9007199254740992']])(
    'gives null for %j',
    (raw) => {
      expect(parseCount(raw)).toBeNull();
    },
  );
});

describe('coinBalance', () => {
  it('derives used coins from the documented Digidonar sample', () => {
    expect(coinBalance('CALL', '10500', '10212')).toEqual({ kind: 'CALL', purchased: 10500, available: 10212, used: 288 });
    expect(coinBalance('SMS', '5500', '4950')).toEqual({ kind: 'SMS', purchased: 5500, available: 4950, used: 550 });
    expect(coinBalance('OBD', '10500', '6443')).toEqual({ kind: 'OBD', purchased: 10500, available: 6443, used: 4057 });
    expect(coinBalance('VOIP', '1000', '1000')).toEqual({ kind: 'VOIP', purchased: 1000, available: 1000, used: 0 });
  });

  it('reports more available than purchased as negative use, not clamped', () => {
    expect(coinBalance('CLICK_TO_CALL', '500', '600')).toEqual({ kind: 'CLICK_TO_CALL', purchased: 500, available: 600, used: -100 });
  });

  it('leaves used unknown when either count is unknown', () => {
    expect(coinBalance('SMS', null, '4950')).toEqual({ kind: 'SMS', purchased: null, available: 4950, used: null });
    expect(coinBalance('SMS', '5500', 'n/a')).toEqual({ kind: 'SMS', purchased: 5500, available: null, used: null });
    expect(coinBalance('SMS', undefined, undefined)).toEqual({ kind: 'SMS', purchased: null, available: null, used: null });
  });

  it('leaves used unknown when the difference is not a safe integer', () => {
    const max = String(Number.MAX_SAFE_INTEGER);
    expect(coinBalance('CALL', max, `-${max}`).used).toBeNull();
  });
});
