import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { coinBalance, parseCount } from '../../../src/domain/coins';
import { countryCodeFromName } from '../../../src/domain/country';
import { parseProviderDate, parseProviderTimestamp } from '../../../src/domain/dates';
import { parseInvoiceStatus } from '../../../src/domain/invoice';
import { parseMoney, sumMoney } from '../../../src/domain/money';
import { splitNumberList } from '../../../src/domain/number-list';
import { maskCardNumber, paymentMethod } from '../../../src/domain/payment';
import { parsePhoneNumber } from '../../../src/domain/phone';
import { parseStorageSize } from '../../../src/domain/storage-size';

// Every parser of upstream text, fed what a hostile (or broken) upstream could send: long runs of
// the characters its patterns care about. Each must run in time linear in the input, never throw,
// and never keep a large string alive in a memo. Fixed seeds, bounded runs.

const SEED = 20_250_612;

/** Each parser under test, as a function of one upstream string. */
const PARSERS: ReadonlyArray<readonly [string, (raw: string) => unknown]> = [
  ['parseMoney', parseMoney],
  ['parsePhoneNumber (IN)', (raw) => parsePhoneNumber(raw, 'IN')],
  ['parsePhoneNumber (no country)', (raw) => parsePhoneNumber(raw)],
  ['countryCodeFromName', countryCodeFromName],
  ['splitNumberList', splitNumberList],
  ['parseStorageSize', parseStorageSize],
  ['maskCardNumber', maskCardNumber],
  ['paymentMethod', (raw) => paymentMethod(raw, raw)],
  ['parseProviderDate', parseProviderDate],
  ['parseProviderTimestamp', (raw) => parseProviderTimestamp(raw, 'Asia/Kolkata')],
  ['parseCount', parseCount],
  ['coinBalance', (raw) => coinBalance('SMS', raw, raw)],
  ['parseInvoiceStatus', parseInvoiceStatus],
];

/** Pieces the parsers' patterns care about: digits of several scripts, separators, signs, units, currency. */
const PIECES = [
  '0', '1', '9', '.', ',', ' ', '\t', '\n', '\r', ';', '-', '_', '+', '$', '₹', '€', 'a', 'x', 'X', '*', '•', '#',
  ':', 'T', 'e', 'E', 'G', 'B', 'M', 'GB', 'Rs', 'Rs.', 'US$', 'USD', '(', ')', '/', '%', '１', '१', '٣', 'é',
  '\u0301', '\u00a0', '2024-01-01', ' 00:00:00', 'United States', 'past due', '0091', '411111',
];
const piece = fc.constantFrom(...PIECES);
const run = (maxLength: number) => fc.array(piece, { minLength: 0, maxLength }).map((parts) => parts.join(''));
/** A head, a unit repeated to length, a tail: the shape of every catastrophic-backtracking input. */
const adversarial = fc.record({
  head: run(3),
  unit: fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
  tail: run(3),
});

type Shape = { readonly head: string; readonly unit: string; readonly tail: string };

/** The issue's own examples, always tried first. */
const KNOWN: Shape[] = [
  { head: '1', unit: '.', tail: 'a1' },
  { head: '$1', unit: ',', tail: 'x1' },
  { head: '1', unit: '0', tail: ' x' },
  { head: '', unit: ' ', tail: 'x' },
  { head: '', unit: '1', tail: '' },
  { head: '', unit: '１', tail: '' },
  { head: '1.', unit: '1', tail: 'GB' },
];

const build = (shape: Shape, length: number) => {
  const unitLength = Math.max(1, shape.unit.length);
  return `${shape.head}${shape.unit.repeat(Math.ceil(length / unitLength))}${shape.tail}`;
};

/**
 * The fastest of three runs over distinct inputs of about `length` characters: distinct so that no
 * memo answers, the fastest so that a scheduler stall or a GC pause on a loaded machine does not count.
 */
function fastestMs(parse: (raw: string) => unknown, shape: Shape, length: number): number {
  const base = build(shape, length);
  let best = Number.POSITIVE_INFINITY;
  for (let variant = 0; variant < 3; variant += 1) {
    // Trailing spaces change the memo key and nothing else the parsers look at.
    const input = base + ' '.repeat(variant + 1);
    const started = performance.now();
    parse(input);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const SHORT = 8_192;
const LONG = 4 * SHORT;
/**
 * Linear time quadruples when the input does; quadratic multiplies by 16. The bound sits well
 * between (8x), plus a slack for timer noise on a loaded machine, plus a generous absolute
 * ceiling per character (a linear parser spends well under 0.1 µs per character here).
 */
const MAX_GROWTH = 8;
const SLACK_MS = 30;
const MAX_MS_PER_CHAR = 0.01;

describe.each(PARSERS)('%s on hostile input', (_name, parse) => {
  it('runs in linear time', () => {
    const check = (shape: Shape) => {
      const short = fastestMs(parse, shape, SHORT);
      const long = fastestMs(parse, shape, LONG);
      const detail = `${JSON.stringify(shape)}: ${short.toFixed(2)} ms for ${SHORT} chars, ${long.toFixed(2)} ms for ${LONG}`;
      if (long > MAX_GROWTH * short + SLACK_MS) throw new Error(`superlinear: ${detail}`);
      if (long > LONG * MAX_MS_PER_CHAR + SLACK_MS) throw new Error(`too slow per character: ${detail}`);
    };
    for (const shape of KNOWN) check(shape);
    fc.assert(fc.property(adversarial, check), { seed: SEED, numRuns: 25 });
  });

  it('never throws, whatever the text', () => {
    const long = adversarial.map((shape) => build(shape, 2_000));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), run(20), long), (raw) => {
        parse(raw);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('numbers with more decimals than big.js will format', () => {
  const decimals = '1.' + '1'.repeat(1_000_001);

  it('parseMoney keeps the exact amount, and a sum of it is unknown rather than a crash', () => {
    const money = parseMoney(`$${decimals}`);
    expect(money.amount).toBe(decimals);
    expect(money.currency).toBe('USD');
    expect(() => sumMoney([money, money])).not.toThrow();
  });

  it('parseStorageSize does not throw', () => {
    expect(() => parseStorageSize(`${decimals}GB`)).not.toThrow();
  });
});

describe('parser memos', () => {
  /** The collector, reachable from a test: collect before measuring so only what is still held counts. */
  const gc = (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

  const heapAfterGc = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  /**
   * Feeds `count` values of `size` characters or more, then `count` short values each cut from a
   * large flat string (as V8 slices do: the slice keeps the whole string alive while anything
   * holds it). Inside a function, so that nothing of the loop outlives it.
   */
  function feed(count: number, size: number, make: (i: number) => string, parse: (raw: string) => unknown): void {
    for (let i = 0; i < count; i += 1) parse(`${make(i)}${' '.repeat(size)}`);
    for (let i = 0; i < count; i += 1) {
      const parent = Buffer.from(`${'~'.repeat(size)}${make(i)}`, 'latin1').toString('latin1');
      parse(parent.slice(size));
    }
  }

  it.each([
    // Values of 13 characters or more: V8 copies shorter slices instead of pointing into the parent.
    ['parseMoney', (i: number) => `$1,${100 + (i % 900)},${String(i % 1000).padStart(3, '0')}.50 USD`, (raw: string) => parseMoney(raw)],
    ['parsePhoneNumber', (i: number) => `+91 120 ${6850000 + i}`, (raw: string) => parsePhoneNumber(raw, 'IN')],
    ['countryCodeFromName', (i: number) => `Country Number ${i}`, (raw: string) => countryCodeFromName(raw)],
  ])('%s keeps neither long values nor the strings its keys were cut from', (_name, make, parse) => {
    const COUNT = 150;
    const SIZE = 200_000;
    // Loads what the parser loads on first use (phone metadata, the country index) before measuring.
    parse(make(COUNT));
    const before = heapAfterGc();
    feed(COUNT, SIZE, make, parse);
    const held = heapAfterGc() - before;
    // Either way the old memos held over 2 x COUNT x SIZE = 60 MB; what is kept now is a few hundred short entries.
    expect(held).toBeLessThan(8 * 1024 * 1024);
  });
});
