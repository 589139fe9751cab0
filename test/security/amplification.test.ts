import { request } from 'undici';
import { startHarness, type Harness } from '../support/harness';

// A response is never more than a small multiple of its request plus the data it legitimately
// returns: errors echo little, an operation asks for a bounded number of accounts whatever its
// aliases, and a response carries a bounded number of errors. Measured in bytes over real HTTP.

interface Answer {
  status: number;
  requestBytes: number;
  responseBytes: number;
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

async function post(url: string, query: string, variables?: unknown): Promise<Answer> {
  const body = JSON.stringify({ query, variables });
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    requestBytes: Buffer.byteLength(body),
    responseBytes: Buffer.byteLength(text),
    text,
    body: JSON.parse(text),
  };
}

const codes = (answer: Answer) => [...new Set((answer.body.errors ?? []).map((error) => error.extensions?.code))];
/** A unique, recognisable id of `length` characters. */
const longId = (i: number, length: number) => `id${String(i).padStart(4, '0')}-${'q'.repeat(length - 7)}`;
const unknownKeys = (n: number, length: number) =>
  Array.from({ length: n }, (_, i) => ({ provider: 'SIMPSY', accountId: longId(i, length) }));
const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
const KEYS_QUERY = (field: string) => `query($k: [AccountKeyInput!]!) { ${field} }`;

describe('amplification through errors (default limits)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  test('50 aliases sharing one list of 100 unknown 1 KB ids: refused before any load, smaller than the request', async () => {
    // The shape of the attack that turned 1.6 MB into 161 MB (there with 16 KB ids).
    const before = harness.upstreamCalls();
    const answer = await post(harness.url, KEYS_QUERY(aliases(50, 'accounts(keys: $k) { accountId }')), { k: unknownKeys(100, 1_024) });
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.responseBytes).toBeLessThan(1_024);
    expect(answer.responseBytes).toBeLessThan(answer.requestBytes);
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('an unknown id is echoed in at most 64 bytes, and its error stays under 512 bytes', async () => {
    const id = longId(1, 256);
    const answer = await post(harness.url, '{ account(provider: SIMPSY, accountId: "' + id + '") { accountId } }');
    expect(codes(answer)).toEqual(['ACCOUNT_NOT_FOUND']);
    const error = answer.body.errors![0]!;
    expect(Buffer.byteLength(JSON.stringify(error))).toBeLessThan(512);
    expect(answer.text).not.toContain(id);
    expect(error.message).toContain(id.slice(0, 40));
    expect(Buffer.byteLength(String(error.extensions?.accountId))).toBeLessThanOrEqual(64);
  });

  test('an accountId over 256 characters is BAD_USER_INPUT, not echoed, and costs no upstream call', async () => {
    const before = harness.upstreamCalls();
    const id = longId(2, 257);
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { accountId } } }';
    const answers = [
      await post(harness.url, '{ account(provider: SIMPSY, accountId: "' + id + '") { accountId } }'),
      await post(harness.url, KEYS_QUERY('accounts(keys: $k) { accountId }'), { k: [{ provider: 'DIGIDONAR', accountId: id }] }),
      await post(harness.url, entities, { r: [{ __typename: 'Account', provider: 'SIMPSY', accountId: id }] }),
    ];
    for (const answer of answers) {
      expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.text).not.toContain(id.slice(0, 16));
      expect(answer.responseBytes).toBeLessThan(512);
    }
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('100 unknown 16 KB ids in one field: each refused in a few bytes, the response far smaller than the request', async () => {
    const answer = await post(harness.url, KEYS_QUERY('accounts(keys: $k) { accountId }'), { k: unknownKeys(100, 16_384) });
    expect(answer.body.errors).toHaveLength(100);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.responseBytes).toBeLessThan(answer.requestBytes / 10);
  });

  test('errors per response are bounded: 100 accounts x 49 invoice aliases with a bad cursor', async () => {
    const keys = Array.from({ length: 100 }, () => ({ provider: 'SIMPSY', accountId: 'acme-voice' }));
    const answer = await post(harness.url, KEYS_QUERY(`accounts(keys: $k) { ${aliases(49, 'invoices(after: "bad") { totalCount }')} }`), { k: keys });
    expect(answer.status).toBe(200);
    const errors = answer.body.errors ?? [];
    expect(errors).toHaveLength(101);
    expect(errors.slice(0, 100).every((error) => error.extensions?.code === 'INVALID_CURSOR')).toBe(true);
    expect(errors[100]).toEqual({
      message: '4800 more errors were left out of this response',
      extensions: { code: 'TOO_MANY_ERRORS', omitted: 4800 },
    });
    // The data (100 accounts, 49 nulls each) plus an error list of bounded size.
    const errorBytes = Buffer.byteLength(JSON.stringify(errors));
    expect(errorBytes).toBeLessThan(101 * 400);
    expect(errorBytes).toBeLessThan(8 * answer.requestBytes);
  });

  test('a huge value in a variable is not echoed back in full', async () => {
    const value = 'A'.repeat(100_000);
    const answer = await post(harness.url, 'query($p: Provider!) { account(provider: $p, accountId: "x") { accountId } }', { p: value });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.responseBytes).toBeLessThan(1_024);
  });

  test('a name (alias) over 128 characters is refused before execution, so no alias is repeated per account', async () => {
    const alias = `x${'y'.repeat(128)}`;
    const answer = await post(harness.url, `{ ${alias}: account(provider: SIMPSY, accountId: "acme-voice") { accountId } }`);
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ['NAME_TOO_LONG'] });
    expect(answer.text).not.toContain(alias);
    const fits = `x${'y'.repeat(127)}`;
    const served = await post(harness.url, `{ ${fits}: account(provider: SIMPSY, accountId: "acme-voice") { accountId } }`);
    expect(served.body).toEqual({ data: { [fits]: { accountId: 'acme-voice' } } });
  });
});

describe('accounts and representations are counted over the whole operation', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { MAX_ACCOUNTS_PER_QUERY: '5', MAX_REPRESENTATIONS: '3' } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const key = (accountId: string) => `{ provider: SIMPSY, accountId: "${accountId}" }`;
  const one = (alias: string) => `${alias}: account(provider: SIMPSY, accountId: "acme-voice") { accountId }`;

  test('5 accounts over fields, aliases, a fragment and an inline fragment: served', async () => {
    const query = `query($k: [AccountKeyInput!]!) {
      a: accounts(keys: [${key('acme-voice')}, ${key('northwind-calls')}]) { accountId }
      b: accounts(keys: $k) { accountId }
      ...Root
      ... on Query { ${one('d')} }
    } fragment Root on Query { ${one('c')} }`;
    const answer = await post(harness.url, query, { k: [{ provider: 'SIMPSY', accountId: 'acme-voice' }] });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.status).toBe(200);
  });

  test.each([
    ['a sixth through another alias', `{ a: accounts(keys: [${key('x1')}, ${key('x2')}, ${key('x3')}]) { accountId } ${one('b')} ${one('c')} ${one('d')} }`, undefined],
    ['a sixth through a fragment', `{ ...F ...G } fragment F on Query { a: accounts(keys: [${key('x1')}, ${key('x2')}, ${key('x3')}]) { accountId } } fragment G on Query { ${one('b')} ${one('c')} ${one('d')} }`, undefined],
    ['two aliases of one 3-key variable', `query($k: [AccountKeyInput!]!) { a: accounts(keys: $k) { accountId } b: accounts(keys: $k) { accountId } }`, { k: [1, 2, 3].map((i) => ({ provider: 'SIMPSY', accountId: `x${i}` })) }],
    ['a 6-key variable default', `query($k: [AccountKeyInput!]! = [${[1, 2, 3, 4, 5, 6].map((i) => key(`x${i}`)).join(', ')}]) { accounts(keys: $k) { accountId } }`, undefined],
  ])('6 accounts (%s): HTTP 400 BAD_USER_INPUT, no upstream call', async (_what, query, variables) => {
    const before = harness.upstreamCalls();
    const answer = await post(harness.url, query, variables);
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(answer.body.errors?.[0]?.message).toBe('This operation asks for 6 accounts; at most 5 are allowed per operation, all fields and aliases together');
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('_entities: 2 aliases of 2 representations are 4, over MAX_REPRESENTATIONS=3: HTTP 400, no upstream call', async () => {
    const before = harness.upstreamCalls();
    const query = 'query($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: $r) { __typename } }';
    const r = [{ __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' }, { __typename: 'Account', provider: 'SIMPSY', accountId: 'x' }];
    const answer = await post(harness.url, query, { r });
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ['TOO_MANY_REPRESENTATIONS'] });
    expect(harness.upstreamCalls()).toBe(before);
    const single = await post(harness.url, 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r });
    expect(single.status).toBe(200);
  });
});
