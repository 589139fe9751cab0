import { BillingError, ErrorCode } from '../../src/domain/billing-error';
import { parseUpstreamJson } from '../../src/providers/upstream-http';
import { DIGIDONAR } from '../../src/providers/digidonar/digidonar.client';
import { SIMPSY } from '../../src/providers/simpsy/simpsy.client';
import { mapBody } from '../../src/providers/wire';

describe('parseUpstreamJson', () => {
  it('keeps every JSON number as the text that was sent', () => {
    const text = '{"a": 12345678901234567.89, "b": [24.90, -0, 1E400, 7], "c": {"d": 0.1e-5}, "s": "$1.00", "n": null, "t": true}';
    expect(parseUpstreamJson(text)).toEqual({
      a: '12345678901234567.89',
      b: ['24.90', '-0', '1E400', '7'],
      c: { d: '0.1e-5' },
      s: '$1.00',
      n: null,
      t: true,
    });
  });

  it('turns short integers into their strings, escapes and digits inside strings notwithstanding', () => {
    const text = '{"status": 200, "counts": [0, -5, 123456789012345], "s": "a \\" 1.5e3 \\\\", "t": "-0"}';
    expect(parseUpstreamJson(text)).toEqual({ status: '200', counts: ['0', '-5', '123456789012345'], s: 'a " 1.5e3 \\', t: '-0' });
  });

  it.each([
    ['a fraction', '{"a": 1, "b": 2.50}', { a: '1', b: '2.50' }],
    ['an exponent', '{"a": 1, "b": 1e2}', { a: '1', b: '1e2' }],
    ['minus zero', '[1, -0]', ['1', '-0']],
    ['an integer of 16 digits', '[1234567890123456]', ['1234567890123456']],
    ['an integer beyond 2^53', '[12345678901234567891]', ['12345678901234567891']],
  ])('keeps %s as sent', (_name, text, expected) => {
    expect(parseUpstreamJson(text)).toEqual(expected);
  });

  it('gives a body without numbers exactly as JSON.parse does', () => {
    const text = '{"status": "200", "result": [{"total_monthly": "$177.70", "did": [], "plan": null}]}';
    expect(parseUpstreamJson(text)).toEqual(JSON.parse(text));
  });

  it('looks for numbers under any depth of nesting without overflowing the stack', () => {
    const depth = 200_000;
    expect(() => parseUpstreamJson(`${'['.repeat(depth)}"x"${']'.repeat(depth)}`)).not.toThrow();
  });
});

describe('mapBody', () => {
  it('turns a mapper that throws into a BAD_RESPONSE for that account, with the cause kept for the operator only', () => {
    const cause = new RangeError('[big.js] Invalid decimal places 1000001');
    let thrown: unknown;
    try {
      mapBody(SIMPSY, 'acme-voice', () => {
        throw cause;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BillingError);
    const error = thrown as BillingError;
    expect(error.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
    expect(error.message).toBe('Simpsy sent a body that could not be normalized');
    expect(error.details).toEqual({ provider: 'SIMPSY', accountId: 'acme-voice' });
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
  });

  it('returns what the mapper returns', () => {
    expect(mapBody(DIGIDONAR, '1', () => 42)).toBe(42);
  });
});
