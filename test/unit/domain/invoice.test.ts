import { compareNewestFirst, invoiceUrl, parseInvoiceStatus, type Invoice } from '../../../src/domain/invoice';
import { Secret } from '../../../src/domain/secret';
import { CANARY_KEY, CANARY_SECRET } from '../../support/canary';

const credentials = { key: new Secret(CANARY_KEY), secret: new Secret(CANARY_SECRET) };

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
  it.each([
    ['https://voice.simpsy.com/billing/invoices/INV-1.pdf', 'https://voice.simpsy.com/billing/invoices/INV-1.pdf'],
    ['http://voice.simpsy.com/invoice?id=7', 'http://voice.simpsy.com/invoice?id=7'],
    ['  HTTPS://Voice.Simpsy.com/a b.pdf  ', 'https://voice.simpsy.com/a%20b.pdf'],
  ])('keeps the http(s) link %j (normalized)', (raw, url) => {
    expect(invoiceUrl(raw, credentials)).toBe(url);
  });

  it.each([
    ['javascript:alert(document.cookie)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['ftp://files.simpsy.com/INV-1.pdf'],
    ['file:///etc/passwd'],
    ['/billing/invoices/INV-1.pdf'],
    ['voice.simpsy.com/invoices/1'],
    ['not a url'],
    [''],
    ['https://admin:hunter2@voice.simpsy.com/invoices/1'],
    ['https://admin@voice.simpsy.com/invoices/1'],
  ])('drops %j: not an absolute http(s) link without user info', (raw) => {
    expect(invoiceUrl(raw, credentials)).toBeNull();
  });

  const percentLower = (value: string) => encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  it.each([
    ['the key in the query', `https://x.example/i?key=${CANARY_KEY}`],
    ['the key in the path', `https://x.example/${CANARY_KEY}/invoice.pdf`],
    ['the secret raw', `https://x.example/i?s=${CANARY_SECRET}`],
    ['the secret percent-encoded', `https://x.example/i?secret=${encodeURIComponent(CANARY_SECRET)}`],
    ['the secret form-encoded', `https://x.example/i?${new URLSearchParams({ secret: CANARY_SECRET }).toString()}`],
    ['the secret with lower-case escapes', `https://x.example/i?secret=${percentLower(CANARY_SECRET)}`],
    ['the secret encoded twice', `https://x.example/i?secret=${encodeURIComponent(encodeURIComponent(CANARY_SECRET))}`],
    ['the secret in the fragment', `https://x.example/i#${encodeURIComponent(CANARY_SECRET)}`],
    ['the secret beside a stray "%"', `https://x.example/i?a=100%&secret=${encodeURIComponent(CANARY_SECRET)}`],
  ])('drops a link carrying %s', (_what, raw) => {
    expect(invoiceUrl(raw, credentials)).toBeNull();
  });

  it('keeps a link that only looks like a credential', () => {
    const url = 'https://x.example/i?key=canary-key-7f3b&secret=other';
    expect(invoiceUrl(url, credentials)).toBe(url);
    expect(url).not.toContain(CANARY_KEY);
  });

  it('is null without a link', () => {
    expect(invoiceUrl(null, credentials)).toBeNull();
  });
});
