import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { request } from 'undici';
import {
  AccountInvoicesDocument,
  AccountsInvoicesDocument,
  AccountsFreshnessDocument,
  EntitiesInvoicesDocument,
  InvoicePagesDocument,
} from '../generated/operations';
import { disguisedCopies } from '../support/canary';
import {
  Gate,
  faultAccount,
  faults,
  findCanaries,
  forbiddenForms,
  simpsyEnvelope,
  startFaultSubgraph,
  startFaultUpstream,
  wireInvoices,
  type FakeUpstream,
  type FaultAccount,
  type FaultSubgraph,
} from '../support/fault-upstream';

// Account.invoices end to end: the subgraph on a real port over fake providers on loopback that
// count every request per endpoint. Every account carries canary credentials.

const A = faultAccount('SIMPSY', 'inv-a');
const B = faultAccount('SIMPSY', 'inv-b');
const C = faultAccount('SIMPSY', 'inv-c');
const D = faultAccount('DIGIDONAR', 'inv-d');
const ACCOUNTS = [A, B, C, D];
const FORBIDDEN = forbiddenForms(ACCOUNTS);
const key = (account: FaultAccount) => ({ provider: account.provider, accountId: account.accountId });
const cursorOf = (id: string) => Buffer.from(id).toString('base64url');
const LINKS = 'https://voice.simpsy.example/invoices/';

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
const open: FaultSubgraph[] = [];
let logs: string[] = [];
/** Every response body of the file, for the canary check at the end. */
const responses: string[] = [];

async function subgraph(env: Record<string, string> = {}): Promise<FaultSubgraph> {
  const started = await startFaultSubgraph({
    digidonar,
    simpsy,
    accounts: ACCOUNTS,
    // The fakes' invoice links (wireInvoices) live under this prefix.
    env: { LOG_LEVEL: 'silent', UPSTREAM_MAX_RETRIES: '0', SIMPSY_INVOICE_LINK_PREFIXES: LINKS, ...env },
    logDestination: { write: (line) => void logs.push(line) },
  });
  open.push(started);
  return started;
}

interface Answer<TData> {
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  cacheControl: string | undefined;
}

/** Posts an operation over HTTP; the body and the Cache-Control header. */
async function post<TData, TVariables>(app: FaultSubgraph, document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<Answer<TData>> {
  const response = await request(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const text = await response.body.text();
  responses.push(text);
  const cacheControl = response.headers['cache-control'];
  return { ...(JSON.parse(text) as Omit<Answer<TData>, 'cacheControl'>), cacheControl: typeof cacheControl === 'string' ? cacheControl : undefined };
}

const invoiceCalls = (account: FaultAccount) => simpsy.attempts(account, 'invoices');
const page = (app: FaultSubgraph, account: FaultAccount, first?: number | null, after?: string | null) =>
  post(app, AccountInvoicesDocument, { ...key(account), first, after });
const codes = (answer: Answer<unknown>) => (answer.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  digidonar = await startFaultUpstream('DIGIDONAR', ACCOUNTS);
  simpsy = await startFaultUpstream('SIMPSY', ACCOUNTS);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
  digidonar.reset();
  simpsy.reset();
  logs = [];
});

afterAll(async () => {
  await digidonar.close();
  await simpsy.close();
  // Nothing any response of this file carried holds a credential.
  expect(findCanaries(responses.join('\n'), FORBIDDEN)).toEqual([]);
});

describe('pages', () => {
  const seven = () => simpsy.planInvoices(A, faults.json(200, simpsyEnvelope(wireInvoices(7))));

  test('newest first, page by page with after: endCursor, to the end', async () => {
    const app = await subgraph();
    seven();
    const ids: string[] = [];
    let after: string | null = null;
    const seen: Array<[number, boolean, boolean]> = [];
    for (let guard = 0; guard < 5; guard += 1) {
      const answer = await page(app, A, 3, after);
      expect(answer.errors).toBeUndefined();
      const invoices = answer.data!.account!.invoices!;
      expect(invoices.totalCount).toBe(7);
      expect(invoices.nodes.map((n) => n.id)).toEqual(invoices.edges.map((e) => e.node.id));
      expect(invoices.pageInfo.startCursor).toBe(invoices.edges[0]?.cursor ?? null);
      expect(invoices.pageInfo.endCursor).toBe(invoices.edges.at(-1)?.cursor ?? null);
      ids.push(...invoices.nodes.map((n) => n.id));
      seen.push([invoices.nodes.length, invoices.pageInfo.hasNextPage, invoices.pageInfo.hasPreviousPage]);
      if (!invoices.pageInfo.hasNextPage) break;
      after = invoices.pageInfo.endCursor;
    }
    expect(ids).toEqual(['INV-7', 'INV-6', 'INV-5', 'INV-4', 'INV-3', 'INV-2', 'INV-1']);
    expect(seen).toEqual([
      [3, true, false],
      [3, true, true],
      [1, false, true],
    ]);
  });

  test('an invoice in full: calendar date, exact money with its raw, status with its raw, link; cursors opaque base64url', async () => {
    const app = await subgraph();
    const answer = await page(app, A, 1);
    const edge = answer.data!.account!.invoices!.edges[0]!;
    expect(edge).toEqual({
      cursor: cursorOf('INV-3'),
      node: {
        id: 'INV-3',
        date: { date: '2024-05-15', raw: '2024-05-15' },
        amount: { amount: '3.81', currency: 'USD', raw: '$3.81' },
        status: 'UNPAID',
        rawStatus: 'Unpaid',
        url: 'https://voice.simpsy.example/invoices/INV-3.pdf',
      },
    });
    expect(edge.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('exactly the last page says hasNextPage false; after its last cursor comes an empty page', async () => {
    const app = await subgraph();
    seven();
    const all = (await page(app, A, 7)).data!.account!.invoices!;
    expect(all.nodes).toHaveLength(7);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    const firstFour = (await page(app, A, 4)).data!.account!.invoices!;
    const lastThree = (await page(app, A, 3, firstFour.pageInfo.endCursor)).data!.account!.invoices!;
    expect(lastThree.nodes.map((n) => n.id)).toEqual(['INV-3', 'INV-2', 'INV-1']);
    expect(lastThree.pageInfo.hasNextPage).toBe(false);

    const after = await page(app, A, 3, lastThree.pageInfo.endCursor);
    expect(after.errors).toBeUndefined();
    expect(after.data!.account!.invoices).toMatchObject({
      totalCount: 7,
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  test('first: 0 is an empty page that still says whether invoices follow', async () => {
    const app = await subgraph();
    seven();
    const answer = await page(app, A, 0);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.account!.invoices).toMatchObject({
      totalCount: 7,
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  test('first defaults to 20 (null too); 100 is allowed', async () => {
    const app = await subgraph();
    simpsy.planInvoices(A, faults.json(200, simpsyEnvelope(wireInvoices(120))));
    for (const first of [undefined, null]) {
      const invoices = (await page(app, A, first)).data!.account!.invoices!;
      expect(invoices.nodes).toHaveLength(20);
      expect(invoices.pageInfo.hasNextPage).toBe(true);
    }
    const hundred = await page(app, A, 100);
    expect(hundred.errors).toBeUndefined();
    expect(hundred.data!.account!.invoices!.nodes).toHaveLength(100);
    expect(hundred.data!.account!.invoices!.nodes[99]!.id).toBe('INV-21');
  });

  test.each([[101], [-1], [1_000_000]])('first: %i is BAD_USER_INPUT on the invoices field only, with no invoice call', async (first) => {
    const app = await subgraph();
    const answer = await page(app, A, first);
    expect(answer.data!.account).toMatchObject({ accountId: A.accountId, plan: { name: `Plan ${A.accountId}` }, invoices: null });
    expect(codes(answer)).toEqual([['account.invoices', 'BAD_USER_INPUT']]);
    expect(answer.errors![0]!.message).toBe('first must be between 0 and 100 invoices');
    expect(answer.errors![0]!.extensions).toMatchObject({ provider: 'SIMPSY', accountId: A.accountId });
    expect(invoiceCalls(A)).toBe(0);
    expect(answer.cacheControl).toBe('no-store');
  });

  test.each([
    ['not base64url', '!!!', 0],
    ['empty', '', 0],
    ['padded base64', Buffer.from('INV-3').toString('base64'), 0],
    ['not UTF-8 inside', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url'), 0],
    ['longer than any cursor', 'A'.repeat(600), 0],
    ['well formed, naming no invoice', cursorOf('INV-99'), 1],
  ])('an after cursor %s is INVALID_CURSOR on the invoices field only', async (_what, after, calls) => {
    const app = await subgraph();
    const answer = await page(app, A, 2, after);
    expect(answer.data!.account).toMatchObject({ accountId: A.accountId, plan: { name: `Plan ${A.accountId}` }, invoices: null });
    expect(codes(answer)).toEqual([['account.invoices', 'INVALID_CURSOR']]);
    expect(answer.errors![0]!.extensions).toMatchObject({ provider: 'SIMPSY', accountId: A.accountId });
    expect(invoiceCalls(A)).toBe(calls);
  });

  test('an account without invoices is an empty connection', async () => {
    const app = await subgraph();
    simpsy.planInvoices(A, faults.json(200, simpsyEnvelope([])));
    const answer = await page(app, A, 5);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.account!.invoices).toMatchObject({
      totalCount: 0,
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    // And with a cursor from before, when it had some: that invoice is gone.
    expect(codes(await page(app, A, 5, cursorOf('INV-1')))).toEqual([['account.invoices', 'INVALID_CURSOR']]);
  });
});

describe('loaded only when asked for', () => {
  test('a query without invoices makes no invoice call', async () => {
    const app = await subgraph();
    const answer = await post(app, AccountsFreshnessDocument, { keys: [key(A), key(B), key(D)] });
    expect(answer.errors).toBeUndefined();
    expect(simpsy.requestCount('/billing/invoice')).toBe(0);
    expect(simpsy.attempts(A, 'snapshot') + simpsy.attempts(B, 'snapshot') + digidonar.attempts(D)).toBe(3);
  });

  test('a Digidonar account has invoices null, without an error or any call for them', async () => {
    const app = await subgraph();
    const answer = await post(app, AccountsInvoicesDocument, { keys: [key(D)], first: 5 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.accounts[0]).toMatchObject({ provider: 'DIGIDONAR', accountId: D.accountId, invoices: null });
    expect(digidonar.attempts(D)).toBe(1);
    expect(simpsy.requestCount()).toBe(0);
  });
});

describe('one upstream call per account', () => {
  test('two aliases with other first/after on one account cost one invoice call', async () => {
    const app = await subgraph();
    const firstPage = (await page(app, A, 2)).data!.account!.invoices!;
    simpsy.reset();
    const answer = await post(app, InvoicePagesDocument, { ...key(A), first: 2, after: firstPage.pageInfo.endCursor });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.account!.latest!.nodes.map((n) => n.id)).toEqual(['INV-3', 'INV-2']);
    expect(answer.data!.account!.following!.nodes.map((n) => n.id)).toEqual(['INV-1']);
    expect(invoiceCalls(A)).toBe(1);
    expect(simpsy.attempts(A, 'snapshot')).toBe(1);
  });

  test('several accounts, one repeated: one invoice call each', async () => {
    const app = await subgraph();
    const answer = await post(app, AccountsInvoicesDocument, { keys: [key(A), key(B), key(C), key(A), key(D)], first: 2 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.accounts.map((a) => a?.invoices?.totalCount ?? null)).toEqual([3, 3, 3, 3, null]);
    expect([invoiceCalls(A), invoiceCalls(B), invoiceCalls(C)]).toEqual([1, 1, 1]);
  });

  test('_entities: the router asking for invoices of repeated representations costs one call per account', async () => {
    const app = await subgraph();
    const representations = [A, B, A, D].map((a) => ({ __typename: 'Account', ...key(a) }));
    const answer = await post(app, EntitiesInvoicesDocument, { representations });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities.map((e) => (e && 'invoices' in e ? (e.invoices?.nodes.map((n) => n.id) ?? null) : 'none'))).toEqual([
      ['INV-3', 'INV-2'],
      ['INV-3', 'INV-2'],
      ['INV-3', 'INV-2'],
      null,
    ]);
    expect([invoiceCalls(A), invoiceCalls(B)]).toEqual([1, 1]);
  });

  test('concurrent requests share one invoice call per account (cache off)', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '0' });
    const gate = new Gate();
    simpsy.planInvoices(A, faults.held(gate));
    simpsy.planInvoices(B, faults.held(gate));
    const service = app.app.service;
    const loadInvoicesMany = service.loadInvoicesMany.bind(service);
    let batches = 0;
    service.loadInvoicesMany = (keys) => {
      batches += 1;
      return loadInvoicesMany(keys);
    };
    const requests = Array.from({ length: 10 }, () => post(app, AccountsInvoicesDocument, { keys: [key(A), key(B)], first: 1 }));
    const until = Date.now() + 10_000;
    while (batches < 10 && Date.now() < until) await sleep(10);
    expect(batches).toBe(10);
    gate.open();
    const answers = await Promise.all(requests);
    expect(answers.every((a) => a.errors === undefined && a.data!.accounts.every((x) => x?.invoices?.totalCount === 3))).toBe(true);
    expect([invoiceCalls(A), invoiceCalls(B)]).toEqual([1, 1]);
  });
});

describe('cache', () => {
  test('a second request is served from the cache with its freshness, under a private max-age', async () => {
    // Unset: the providers' own TTLs (Simpsy 300 s).
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '' });
    const first = await page(app, A, 2);
    expect(first.cacheControl).toMatch(/^private, max-age=(300|299)$/);
    await sleep(1_100);
    const second = await page(app, A, 2);
    expect(invoiceCalls(A)).toBe(1);
    const invoices = second.data!.account!.invoices!;
    expect(invoices.freshness).toMatchObject({ maxAgeSeconds: 300, stale: false, refreshError: null });
    expect(invoices.freshness.ageSeconds).toBeGreaterThanOrEqual(1);
    expect(invoices.freshness.fetchedAt).toBe(first.data!.account!.invoices!.freshness.fetchedAt);
    const maxAge = Number(/max-age=(\d+)$/.exec(second.cacheControl ?? '')?.[1]);
    expect(maxAge).toBeLessThanOrEqual(300 - invoices.freshness.ageSeconds);
    // The snapshot cache and the invoice cache are apart: the account was asked once too.
    expect(simpsy.attempts(A, 'snapshot')).toBe(1);
  });

  test('TTL 0 turns the cache off: every request asks', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '0' });
    await page(app, A, 2);
    await page(app, A, 2);
    expect(invoiceCalls(A)).toBe(2);
  });

  test('after the TTL the provider is asked again', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '1' });
    await page(app, A, 2);
    await page(app, A, 2);
    expect(invoiceCalls(A)).toBe(1);
    await sleep(1_200);
    await page(app, A, 2);
    expect(invoiceCalls(A)).toBe(2);
  });

  test('a failed refresh serves the last good list marked stale, no-store, up to the maximum age', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '1', UPSTREAM_STALE_MAX_AGE_SECONDS: '3', });
    const good = await page(app, A, 2);
    simpsy.planInvoices(A, faults.json(503, { error: 'down' }));
    await sleep(1_200);

    const stale = await page(app, A, 2);
    expect(stale.errors).toBeUndefined();
    expect(stale.data!.account!.invoices!.nodes).toEqual(good.data!.account!.invoices!.nodes);
    expect(stale.data!.account!.invoices!.freshness).toMatchObject({
      stale: true,
      refreshError: { code: 'UPSTREAM_UNAVAILABLE', message: expect.stringContaining('Simpsy') },
    });
    expect(stale.cacheControl).toBe('no-store');
    const warning = logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.resource === 'invoices');
    expect(warning).toMatchObject({ msg: 'refresh failed; serving the last good snapshot, marked stale', accountId: A.accountId });

    await sleep(2_100);
    const expired = await page(app, A, 2);
    expect(expired.data!.account).toMatchObject({ accountId: A.accountId, invoices: null });
    expect(codes(expired)).toEqual([['account.invoices', 'UPSTREAM_UNAVAILABLE']]);
    expect(expired.cacheControl).toBe('no-store');
  });

  test('an answer about the account itself (401) is never hidden behind a cached list', async () => {
    const app = await subgraph({ UPSTREAM_CACHE_TTL_SECONDS: '1', UPSTREAM_STALE_MAX_AGE_SECONDS: '60' });
    await page(app, A, 2);
    simpsy.planInvoices(A, faults.json(200, { status: '401', message: 'Invalid API Key & Password' }));
    await sleep(1_200);
    const answer = await page(app, A, 2);
    expect(codes(answer)).toEqual([['account.invoices', 'UPSTREAM_UNAUTHORIZED']]);
  });
});

describe('failures stay on the invoices field', () => {
  test.each([
    ['body status 401', faults.json(200, { status: '401', message: 'Invalid API Key & Password' }), 'UPSTREAM_UNAUTHORIZED', '401'],
    ['body status 300', faults.json(200, { status: '300', message: 'Failed payment' }), 'UPSTREAM_PAYMENT_REQUIRED', '300'],
    ['HTTP 503', faults.json(503, { error: 'down' }), 'UPSTREAM_UNAVAILABLE', '503'],
    ['an HTML page', faults.text(200, 'text/html', '<html>oops</html>'), 'UPSTREAM_BAD_RESPONSE', undefined],
  ])('%s: that account keeps its other fields, the others their invoices', async (_what, fault, code, upstreamStatus) => {
    const app = await subgraph();
    simpsy.planInvoices(A, fault);
    const answer = await post(app, AccountsInvoicesDocument, { keys: [key(A), key(B), key(D)], first: 1 });
    expect(answer.data!.accounts[0]).toMatchObject({ accountId: A.accountId, plan: { name: `Plan ${A.accountId}` }, invoices: null });
    expect(answer.data!.accounts[1]).toMatchObject({ accountId: B.accountId, invoices: { totalCount: 3 } });
    expect(answer.data!.accounts[2]).toMatchObject({ accountId: D.accountId, invoices: null });
    expect(codes(answer)).toEqual([['accounts.0.invoices', code]]);
    expect(answer.errors![0]!.extensions).toEqual({
      code,
      provider: 'SIMPSY',
      accountId: A.accountId,
      ...(upstreamStatus ? { upstreamStatus } : {}),
    });
    expect(answer.cacheControl).toBe('no-store');
  });

  test('a provider that hangs on invoices: UPSTREAM_TIMEOUT on the field, within the deadline', async () => {
    const app = await subgraph({ SIMPSY_DEADLINE_MS: '400', UPSTREAM_HEADERS_TIMEOUT_MS: '5000' });
    simpsy.planInvoices(A, faults.hang());
    const started = performance.now();
    const answer = await post(app, AccountsInvoicesDocument, { keys: [key(A), key(B)], first: 1 });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(codes(answer)).toEqual([['accounts.0.invoices', 'UPSTREAM_TIMEOUT']]);
    expect(answer.data!.accounts[0]?.plan?.name).toBe(`Plan ${A.accountId}`);
    expect(answer.data!.accounts[1]?.invoices?.totalCount).toBe(3);
    simpsy.abortInFlight();
  });
});

describe('secrets', () => {
  test('links carrying the credentials are null; no response or log line (logged at trace) holds a credential', async () => {
    const app = await subgraph();
    const withLinks = [
      { invoice_id: '3', date: '2024-05-01', amount: '$1.00', status: 'Paid', invoice_url: `https://s.example/i?key=${encodeURIComponent(A.key)}` },
      { invoice_id: '2', date: '2024-04-01', amount: '$1.00', status: 'Paid', invoice_url: `https://s.example/i?${new URLSearchParams({ s: A.secret })}` },
      { invoice_id: '1', date: '2024-03-01', amount: '$1.00', status: 'Paid', invoice_url: `${LINKS}1` },
    ];
    simpsy.planInvoices(A, faults.json(200, simpsyEnvelope(withLinks)));
    // A 401 that echoes the credentials, as careless APIs do.
    simpsy.planInvoices(B, faults.json(401, { status: '401', message: `bad key ${B.key} / ${B.secret}` }));
    const answer = await post(app, AccountsInvoicesDocument, { keys: [key(A), key(B)], first: 5 });
    expect(answer.data!.accounts[0]!.invoices!.nodes.map((n) => n.id)).toEqual(['3', '2', '1']);
    const urls = (await page(app, A, 5)).data!.account!.invoices!.edges.map((e) => e.node.url);
    expect(urls).toEqual([null, null, `${LINKS}1`]);
    expect(codes(answer)).toEqual([['accounts.1.invoices', 'UPSTREAM_UNAUTHORIZED']]);
    const everything = [...responses, ...logs].join('\n');
    expect(logs.some((line) => line.includes('"endpoint":"invoices"'))).toBe(true);
    expect(findCanaries(everything, FORBIDDEN)).toEqual([]);
    expect(everything).not.toContain('/billing/invoice');
  });

  test('no disguised copy of a credential (re-cased, base64, hex, split, partial) reaches a response through a link', async () => {
    const app = await subgraph();
    const copies = [...disguisedCopies(A.secret), ...disguisedCopies(A.key)];
    let n = 0;
    const placements = (copy: string): Array<[id: string, url: string]> => {
      const id = () => `INV-${(n += 1)}`;
      const ids = [id(), id(), id(), id(), id(), id(), id()];
      return [
        [ids[0]!, `${LINKS}${copy}/${ids[0]}`],
        [ids[1]!, `${LINKS}${ids[1]}?sig=${copy}`],
        [ids[2]!, `${LINKS}${ids[2]}#${copy}`],
        [ids[3]!, `${LINKS}${copy}`],
        [ids[4]!, `https://${Buffer.from(copy).toString('hex').slice(0, 60)}.voice.simpsy.example/invoices/${ids[4]}`],
        [ids[5]!, `https://u:${copy}@voice.simpsy.example/invoices/${ids[5]}`],
        [ids[6]!, `https://voice.simpsy.example/${copy}/invoices/${ids[6]}`],
      ];
    };
    const links = copies.flatMap(placements);
    simpsy.planInvoices(A, faults.json(200, simpsyEnvelope(links.map(([id, url]) => ({ invoice_id: id, date: '2024-05-01', amount: '$1.00', status: 'Paid', invoice_url: url })))));
    const seen: Array<[string, string | null]> = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard += 1) {
      const answer = await page(app, A, 100, after);
      expect(answer.errors).toBeUndefined();
      const invoices = answer.data!.account!.invoices!;
      seen.push(...invoices.edges.map((e): [string, string | null] => [e.node.id, e.node.url]));
      if (!invoices.pageInfo.hasNextPage) break;
      after = invoices.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(links.length);
    // Every link is withheld, or is exactly the allowed prefix and the invoice's own id: nothing else rides along.
    for (const [id, url] of seen) expect([null, `${LINKS}${id}`]).toContain(url);
    // Query strings and fragments are dropped, not the links: those links still serve.
    const served = new Map(seen);
    expect(links.filter(([, url]) => url.includes('?sig=') || url.includes('#')).every(([id]) => served.get(id) === `${LINKS}${id}`)).toBe(true);
    const everything = [...responses, ...logs].join('\n');
    expect(copies.filter((copy) => everything.includes(copy))).toEqual([]);
  });
});
