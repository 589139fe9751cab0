import { startHarness, type Harness } from '../support/harness';

// The invoice queries of the README, as a frontend team would write them, against the sandbox.

// README: "A billing page: the first page of invoices, then the next".
const BILLING_PAGE = `query BillingPageInvoices($accountId: ID!, $after: String) {
  account(provider: SIMPSY, accountId: $accountId) {
    accountId
    plan { name }
    invoices(first: 2, after: $after) {
      totalCount
      edges {
        cursor
        node { id date { date } amount { amount currency } status rawStatus url }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

// README: "Unpaid invoices across accounts, for a dashboard".
const DASHBOARD = `{
  accounts(keys: [
    { provider: SIMPSY, accountId: "acme-voice" }
    { provider: SIMPSY, accountId: "northwind-calls" }
    { provider: DIGIDONAR, accountId: "1408847" }
  ]) {
    provider accountId
    invoices(first: 5) { totalCount nodes { id date { date } amount { amount currency } status } }
  }
}`;

interface Page {
  account: {
    accountId: string;
    plan: { name: string } | null;
    invoices: {
      totalCount: number;
      edges: Array<{ cursor: string; node: { id: string; date: { date: string } | null; amount: { amount: string; currency: string } | null; status: string; rawStatus: string | null; url: string | null } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    } | null;
  } | null;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

const invoiceCalls = () => harness.sandbox.requestCount('SIMPSY', '/billing/invoice');

test('a billing page: the first page, then the next with after: endCursor', async () => {
  const first = await harness.query<Page, Record<string, unknown>>(BILLING_PAGE, { accountId: 'acme-voice' });
  expect(first.errors).toBeUndefined();
  const invoices = first.data!.account!.invoices!;
  expect(invoices.totalCount).toBe(4);
  expect(invoices.edges.map((e) => e.node)).toEqual([
    {
      id: 'INV-2018-0408',
      date: { date: '2018-04-08' },
      amount: { amount: '177.70', currency: 'USD' },
      status: 'UNPAID',
      rawStatus: 'Unpaid',
      url: 'https://voice.simpsy.com/billing/invoices/INV-2018-0408.pdf',
    },
    {
      id: 'INV-2018-0308',
      date: { date: '2018-03-08' },
      amount: { amount: '177.70', currency: 'USD' },
      status: 'PAID',
      rawStatus: 'Paid',
      url: 'https://voice.simpsy.com/billing/invoices/INV-2018-0308.pdf',
    },
  ]);
  expect(invoices.pageInfo.hasNextPage).toBe(true);

  const next = await harness.query<Page, Record<string, unknown>>(BILLING_PAGE, { accountId: 'acme-voice', after: invoices.pageInfo.endCursor });
  expect(next.errors).toBeUndefined();
  const rest = next.data!.account!.invoices!;
  expect(rest.edges.map((e) => [e.node.id, e.node.amount?.amount, e.node.status])).toEqual([
    ['INV-2018-0208', '167.70', 'PAID'],
    ['INV-2018-0115', '0.81', 'CANCELLED'],
  ]);
  expect(rest.pageInfo.hasNextPage).toBe(false);
});

test('a dashboard across accounts: newest first, a link signed with the API key withheld, Digidonar null', async () => {
  const before = invoiceCalls();
  const answer = await harness.query<{ accounts: Array<{ accountId: string; invoices: { totalCount: number; nodes: Array<{ id: string; status: string }> } | null }> }, never>(DASHBOARD);
  expect(answer.errors).toBeUndefined();
  const [acme, northwind, lavi] = answer.data!.accounts;
  expect(acme!.invoices!.totalCount).toBe(4);
  // Two invoices of one date: the higher id first.
  expect(northwind!.invoices!.nodes.map((n) => [n.id, n.status])).toEqual([
    ['1044', 'UNPAID'],
    ['1043', 'OVERDUE'],
    ['1042', 'PAID'],
    ['1041', 'PAID'],
    ['1040', 'UNKNOWN'],
  ]);
  expect(lavi!.invoices).toBeNull();
  expect(invoiceCalls() - before).toBe(2);

  const links = await harness.query<Page, Record<string, unknown>>(BILLING_PAGE, { accountId: 'northwind-calls', after: Buffer.from('1042').toString('base64url') });
  expect(links.data!.account!.invoices!.edges.map((e) => [e.node.id, e.node.url])).toEqual([
    // The key in 1041's query string is dropped; 1040's path carries part of it, so that link is withheld.
    ['1041', 'https://voice.simpsy.com/billing/invoices/1041'],
    ['1040', null],
  ]);
  // Nor the base64url piece of northwind's key in 1040's withheld link.
  expect(links.text).not.toContain('ZGVtby1zaW1wc3ktbm9ydGh3aW5k');
  for (const account of harness.sandbox.accounts) {
    expect(answer.text + links.text).not.toContain(account.key);
    expect(answer.text + links.text).not.toContain(account.secret);
  }
});

test('the failed-payment account is null with UPSTREAM_PAYMENT_REQUIRED; its invoices are never asked for', async () => {
  const before = invoiceCalls();
  const answer = await harness.query<Page, Record<string, unknown>>(BILLING_PAGE, { accountId: 'lapsed-voice' });
  expect(answer.data).toEqual({ account: null });
  expect(answer.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['account', 'UPSTREAM_PAYMENT_REQUIRED']]);
  expect(invoiceCalls()).toBe(before);
});
