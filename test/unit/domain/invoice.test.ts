import fc from 'fast-check';
import { compareNewestFirst, invoiceLinkPrefix, invoiceUrl, parseInvoiceStatus, type Invoice } from '../../../src/domain/invoice';
import { CANARY_KEY, CANARY_SECRET } from '../../support/canary';

describe('parseInvoiceStatus', () => {
  it.each([
    ['Paid', 'PAID'],
    ['PAID', 'PAID'],
    ['  paid ', 'PAID'],
    ['Unpaid', 'UNPAID'],
    ['due', 'UNPAID'],
    ['Overdue', 'OVERDUE'],
    ['past_due', 'OVERDUE'],
    ['Past-Due', 'OVERDUE'],
    ['PAST  DUE', 'OVERDUE'],
    ['Cancelled', 'CANCELLED'],
    ['canceled', 'CANCELLED'],
    ['VOID', 'CANCELLED'],
  ])('reads %j as %s', (raw, status) => {
    expect(parseInvoiceStatus(raw)).toBe(status);
  });

  it.each([['Refunded'], ['Paid in part'], ['unpaidx'], ['p a i d'], [''], ['200']])('keeps %j as UNKNOWN (no guessing)', (raw) => {
    expect(parseInvoiceStatus(raw)).toBe('UNKNOWN');
  });

  it('is UNKNOWN without a status', () => {
    expect(parseInvoiceStatus(null)).toBe('UNKNOWN');
  });
});

describe('compareNewestFirst', () => {
  const invoice = (id: string, date: string | null): Invoice => ({
    id,
    date: date === null ? null : { date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null, raw: date },
    amount: null,
    status: 'UNKNOWN',
    rawStatus: null,
    url: null,
  });

  it('orders by date, latest first, then by id, highest first (numbers read as numbers), undated last', () => {
    const invoices = [
      invoice('INV-9', '2024-05-15'),
      invoice('B', null),
      invoice('INV-10', '2024-05-15'),
      invoice('INV-1', '2023-12-31'),
      invoice('A', '15/05/2024'),
      invoice('INV-11', '2024-06-01'),
    ];
    expect([...invoices].sort(compareNewestFirst).map((i) => i.id)).toEqual(['INV-11', 'INV-10', 'INV-9', 'INV-1', 'B', 'A']);
  });

  it('is a total order: ids equal to the collator ("01" and "1") still get one place each', () => {
    const a = invoice('01', '2024-01-01');
    const b = invoice('1', '2024-01-01');
    expect(compareNewestFirst(a, b)).toBe(-compareNewestFirst(b, a));
    expect(compareNewestFirst(a, b)).not.toBe(0);
    expect(compareNewestFirst(a, a)).toBe(0);
  });
});

describe('invoiceUrl', () => {
  const PREFIX = 'https://voice.simpsy.com/billing/invoices/';
  const PREFIXES = [PREFIX, 'https://files.simpsy.example/v2/pdf/'];

  it.each([
    [`${PREFIX}INV-1.pdf`, 'INV-1', `${PREFIX}INV-1.pdf`],
    [`${PREFIX}1042`, '1042', `${PREFIX}1042`],
    ['https://files.simpsy.example/v2/pdf/7', '7', 'https://files.simpsy.example/v2/pdf/7'],
    ['  HTTPS://Voice.Simpsy.COM/billing/invoices/INV-1.pdf  ', 'INV-1', `${PREFIX}INV-1.pdf`],
    [`${PREFIX}INV%201`, 'INV 1', `${PREFIX}INV%201`],
    [`${PREFIX}a%2Fb`, 'a/b', `${PREFIX}a%2Fb`],
    [`https://voice.simpsy.com:443/billing/invoices/9`, '9', `${PREFIX}9`],
  ])('keeps %j (invoice %j) as %j', (raw, id, url) => {
    expect(invoiceUrl(raw, id, PREFIXES)).toBe(url);
  });

  it.each([
    [`${PREFIX}INV-1.pdf?key=${CANARY_KEY}`, `${PREFIX}INV-1.pdf`],
    [`${PREFIX}INV-1#${encodeURIComponent(CANARY_SECRET)}`, `${PREFIX}INV-1`],
    [`${PREFIX}INV-1?sig=${Buffer.from(CANARY_SECRET).toString('base64')}&x=1#y`, `${PREFIX}INV-1`],
  ])('drops the query string and fragment of %j', (raw, url) => {
    expect(invoiceUrl(raw, 'INV-1', PREFIXES)).toBe(url);
  });

  it.each([
    ['http, even on the right host', 'http://voice.simpsy.com/billing/invoices/INV-1'],
    ['another host', 'https://evil.example/billing/invoices/INV-1'],
    ['a host that only starts like the allowed one', 'https://voice.simpsy.com.evil.example/billing/invoices/INV-1'],
    ['another port', 'https://voice.simpsy.com:8443/billing/invoices/INV-1'],
    ['user info', 'https://admin:hunter2@voice.simpsy.com/billing/invoices/INV-1'],
    ['a user name', `https://${CANARY_KEY}@voice.simpsy.com/billing/invoices/INV-1`],
    ['another path', 'https://voice.simpsy.com/billing/invoice/view/INV-1'],
    ['an extra segment before the id', `https://voice.simpsy.com/billing/invoices/${CANARY_KEY}/INV-1`],
    ['an extra segment after the id', 'https://voice.simpsy.com/billing/invoices/INV-1/download'],
    ['dot segments out of the prefix', 'https://voice.simpsy.com/billing/invoices/../secret/INV-1'],
    ['another invoice id', 'https://voice.simpsy.com/billing/invoices/INV-2'],
    ['the id with something appended', `https://voice.simpsy.com/billing/invoices/INV-1${Buffer.from(CANARY_SECRET).toString('hex')}`],
    ['an ending other than .pdf', 'https://voice.simpsy.com/billing/invoices/INV-1.html'],
    ['the prefix alone', PREFIX],
    ['a malformed escape', 'https://voice.simpsy.com/billing/invoices/INV-1%E0%A4%A'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative link', '/billing/invoices/INV-1'],
    ['no scheme', 'voice.simpsy.com/billing/invoices/INV-1'],
    ['not a URL', 'not a url'],
    ['nothing', ''],
  ])('withholds %s', (_what, raw) => {
    expect(invoiceUrl(raw, 'INV-1', PREFIXES)).toBeNull();
  });

  it('is null without a link, without an id, or without an allowed prefix', () => {
    expect(invoiceUrl(null, 'INV-1', PREFIXES)).toBeNull();
    expect(invoiceUrl(PREFIX, '', PREFIXES)).toBeNull();
    expect(invoiceUrl(`${PREFIX}INV-1`, 'INV-1', [])).toBeNull();
  });

  it('only ever gives an allowed prefix, the id and an ending: no other text of the link survives (property)', () => {
    const secrets = fc.string({ minLength: 1, maxLength: 40 });
    const disguise = fc.constantFrom(
      (s: string) => s,
      (s: string) => s.toUpperCase(),
      (s: string) => Buffer.from(s).toString('base64'),
      (s: string) => Buffer.from(s).toString('hex'),
      (s: string) => encodeURIComponent(s),
      (s: string) => s.slice(0, Math.ceil(s.length / 2)),
    );
    const piece = fc.oneof(fc.constantFrom('', '/', '?', '#', '&', '=', '.pdf', '%2F', '..', 'INV-1', '@', ':'), fc.webSegment());
    fc.assert(
      fc.property(secrets, disguise, fc.array(piece, { maxLength: 6 }), fc.constantFrom(...PREFIXES, 'https://x.example/'), fc.nat(6), (secret, hide, pieces, base, at) => {
        const parts = [...pieces];
        parts.splice(Math.min(at, parts.length), 0, hide(secret));
        const url = invoiceUrl(`${base}${parts.join('')}`, 'INV-1', PREFIXES);
        expect(url === null || PREFIXES.some((prefix) => url === `${prefix}INV-1` || url === `${prefix}INV-1.pdf`)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('invoiceLinkPrefix', () => {
  it('normalizes an https prefix ending in "/"', () => {
    expect(invoiceLinkPrefix(' HTTPS://Voice.Simpsy.com/billing/invoices/ ')).toBe('https://voice.simpsy.com/billing/invoices/');
    expect(invoiceLinkPrefix('https://files.example:8443/')).toBe('https://files.example:8443/');
  });

  it.each([
    ['http://voice.simpsy.com/billing/invoices/', /https/],
    ['https://voice.simpsy.com/billing/invoices', /end with/],
    ['https://voice.simpsy.com/billing/?key=x/', /query/],
    ['https://voice.simpsy.com/billing/#/', /fragment/],
    ['https://u:p@voice.simpsy.com/billing/', /user info/],
    ['voice.simpsy.com/billing/', /https/],
  ])('refuses %j', (entry, message) => {
    expect(() => invoiceLinkPrefix(entry)).toThrow(message);
  });
});
