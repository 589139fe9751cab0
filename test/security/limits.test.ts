import { Readable } from 'node:stream';
import { request } from 'undici';
import { loadSecurityConfig } from '../../src/config/security-config';
import { startHarness, type Harness } from '../support/harness';

// Every request limit just under (served) and just over (HTTP 400 with its own code, before
// any upstream call), and the request shapes Apollo refuses: batches, CSRF-able requests,
// introspection in production, schema hints in validation messages.

const LIMITS = {
  MAX_REQUEST_BODY_BYTES: '4096',
  MAX_REPRESENTATIONS: '3',
  MAX_QUERY_DEPTH: '3',
  MAX_ALIASES: '2',
  MAX_TOKENS: '200',
  MAX_DIRECTIVES: '2',
};

interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLError[] };
}

async function send(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string | Readable } = {},
): Promise<Answer> {
  const method = options.method ?? 'POST';
  const response = await request(url, {
    method,
    headers: method === 'GET' ? options.headers : { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, body: JSON.parse(text) };
}

const post = (url: string, query: string, variables?: unknown) => send(url, { body: JSON.stringify({ query, variables }) });

const codes = (answer: Answer) => (answer.body.errors ?? []).map((error) => error.extensions?.code);

/** Served: HTTP 200, no error, data present. */
function expectServed(answer: Answer): void {
  expect({ status: answer.status, errors: answer.body.errors }).toEqual({ status: 200, errors: undefined });
  expect(answer.body.data).toBeTruthy();
}

/** Refused as a whole: HTTP 400, every error carrying `code`, no data. */
function expectRefused(answer: Answer, code: string): void {
  expect({ status: answer.status, codes: [...new Set(codes(answer))] }).toEqual({ status: 400, codes: [code] });
  expect(answer.body.data ?? null).toBeNull();
}

const account = (alias: string, selection = 'accountId') =>
  `${alias}account(provider: SIMPSY, accountId: "acme-voice") { ${selection} }`;
const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { accountId } } }';
const representations = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ __typename: 'Account', provider: i % 2 ? 'DIGIDONAR' : 'SIMPSY', accountId: i % 2 ? '1408847' : 'acme-voice' }));

describe('request limits, just under and just over', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: LIMITS });
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** Runs `refused` and checks it made no upstream call. */
  async function withoutUpstream(refused: () => Promise<void>): Promise<void> {
    const before = harness.upstreamCalls();
    await refused();
    expect(harness.upstreamCalls()).toBe(before);
  }

  test('the documented defaults', () => {
    expect(loadSecurityConfig({}).limits).toEqual({
      maxBodyBytes: 2 * 1024 * 1024,
      maxRepresentations: 500,
      maxDepth: 12,
      maxAliases: 50,
      maxTokens: 5_000,
      maxDirectives: 50,
    });
  });

  describe('request body (MAX_REQUEST_BODY_BYTES=4096)', () => {
    /** A JSON body of exactly `bytes` bytes; the padding is GraphQL whitespace inside the query. */
    const bodyOf = (bytes: number) => {
      const bare = JSON.stringify({ query: `{ ${account('')} }` });
      const body = JSON.stringify({ query: `{ ${account('')} }${' '.repeat(bytes - Buffer.byteLength(bare))}` });
      expect(Buffer.byteLength(body)).toBe(bytes);
      return body;
    };

    test('4096 bytes: served', async () => {
      expectServed(await send(harness.url, { body: bodyOf(4096) }));
    });

    test('4097 bytes: HTTP 400 REQUEST_TOO_LARGE, no upstream call', async () => {
      await withoutUpstream(async () => expectRefused(await send(harness.url, { body: bodyOf(4097) }), 'REQUEST_TOO_LARGE'));
    });

    test('4097 bytes sent chunked, without a Content-Length: HTTP 400 REQUEST_TOO_LARGE', async () => {
      const body = bodyOf(4097);
      await withoutUpstream(async () =>
        expectRefused(await send(harness.url, { body: Readable.from([body.slice(0, 2000), body.slice(2000)]) }), 'REQUEST_TOO_LARGE'),
      );
    });
  });

  describe('_entities representations (MAX_REPRESENTATIONS=3)', () => {
    test('3: served', async () => {
      const answer = await post(harness.url, ENTITIES, { r: representations(3) });
      expectServed(answer);
      expect(answer.body.data).toEqual({ _entities: [{ accountId: 'acme-voice' }, { accountId: '1408847' }, { accountId: 'acme-voice' }] });
    });

    test('4: HTTP 400 TOO_MANY_REPRESENTATIONS, no upstream call', async () => {
      await withoutUpstream(async () => expectRefused(await post(harness.url, ENTITIES, { r: representations(4) }), 'TOO_MANY_REPRESENTATIONS'));
    });
  });

  describe('query depth (MAX_QUERY_DEPTH=3)', () => {
    test('depth 3: served', async () => {
      expectServed(await post(harness.url, `{ ${account('', 'plan { name }')} }`));
      expectServed(await post(harness.url, `{ ${account('', 'monthlyTotal { amount }')} }`));
    });

    test('depth 4: HTTP 400 QUERY_TOO_DEEP, no upstream call', async () => {
      await withoutUpstream(async () =>
        expectRefused(await post(harness.url, `{ ${account('', 'plan { price { amount } }')} }`), 'QUERY_TOO_DEEP'),
      );
    });

    test('depth 4 through a named fragment: HTTP 400 QUERY_TOO_DEEP', async () => {
      const query = `{ ${account('', '...Deep')} } fragment Deep on Account { plan { price { amount } } }`;
      await withoutUpstream(async () => expectRefused(await post(harness.url, query), 'QUERY_TOO_DEEP'));
    });
  });

  describe('aliases (MAX_ALIASES=2)', () => {
    test('2 aliases: served', async () => {
      expectServed(await post(harness.url, `{ ${account('a: ')} ${account('b: ')} }`));
    });

    test('3 aliases: HTTP 400 TOO_MANY_ALIASES, no upstream call', async () => {
      await withoutUpstream(async () =>
        expectRefused(await post(harness.url, `{ ${account('a: ')} ${account('b: ')} ${account('c: ')} }`), 'TOO_MANY_ALIASES'),
      );
    });
  });

  describe('tokens (MAX_TOKENS=200)', () => {
    // `{`, n fields, `}`: n + 2 tokens.
    const fields = (n: number, selection: string) => `{ ${account('', Array.from({ length: n }, () => selection).join(' '))} }`;
    const tokensOf = (n: number) => fields(n, 'accountId');

    test('200 tokens: served', async () => {
      // account ( provider : SIMPSY accountId : "acme-voice" ) { ...n fields } } and the outer braces: 13 + n tokens.
      expectServed(await post(harness.url, tokensOf(187)));
    });

    test('201 tokens: HTTP 400 TOO_MANY_TOKENS, no upstream call', async () => {
      await withoutUpstream(async () => expectRefused(await post(harness.url, tokensOf(188)), 'TOO_MANY_TOKENS'));
    });
  });

  describe('directives (MAX_DIRECTIVES=2)', () => {
    test('2 directives: served', async () => {
      expectServed(await post(harness.url, `{ ${account('', 'accountId @include(if: true) plan @skip(if: false) { name }')} }`));
    });

    test('3 directives: HTTP 400 TOO_MANY_DIRECTIVES, no upstream call', async () => {
      const query = `{ ${account('', 'accountId @include(if: true) plan @skip(if: false) { name @include(if: true) }')} }`;
      await withoutUpstream(async () => expectRefused(await post(harness.url, query), 'TOO_MANY_DIRECTIVES'));
    });
  });

  test('a GraphQL syntax error is HTTP 400 GRAPHQL_PARSE_FAILED, not a server error', async () => {
    for (const query of ['{ account(', '{', 'query {', '}', 'not graphql at all', '{ a: }']) {
      expectRefused(await post(harness.url, query), 'GRAPHQL_PARSE_FAILED');
    }
  });
});

describe('request shapes Apollo refuses', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  test('a batch (JSON array body) is HTTP 400, with no data and no upstream call', async () => {
    const before = harness.upstreamCalls();
    const one = { query: `{ ${account('')} }` };
    const answer = await send(harness.url, { body: JSON.stringify([one, one]) });
    expectRefused(answer, 'BAD_REQUEST');
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('CSRF: a GET query without a preflight header is HTTP 400; with one it is served', async () => {
    const url = `${harness.url}?query=${encodeURIComponent('{ __typename }')}`;
    expectRefused(await send(url, { method: 'GET' }), 'BAD_REQUEST');
    expectServed(await send(url, { method: 'GET', headers: { 'apollo-require-preflight': 'true' } }));
  });

  test.each([
    ['text/plain', JSON.stringify({ query: '{ __typename }' })],
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent('{ __typename }')}`],
    ['multipart/form-data; boundary=x', `--x\r\ncontent-disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--x--\r\n`],
  ])('CSRF: a POST with content-type %s is HTTP 400', async (contentType, body) => {
    expectRefused(await send(harness.url, { headers: { 'content-type': contentType }, body }), 'BAD_REQUEST');
  });

  test('no "did you mean" in any validation error', async () => {
    const misspelt = [
      '{ acount(provider: SIMPSY, accountId: "acme-voice") { accountId } }',
      '{ account(provider: SIMPSY, accountId: "acme-voice") { acountId } }',
      '{ account(provider: SIMPSY, acountId: "acme-voice") { accountId } }',
      '{ account(provider: SIMPSYY, accountId: "acme-voice") { accountId } }',
      '{ account(provider: SIMPSY, accountId: "acme-voice") { ... on Acount { accountId } } }',
      '{ accounts(keys: [{ provider: SIMPSY, acountId: "x" }]) { accountId } }',
    ];
    for (const query of misspelt) {
      const answer = await post(harness.url, query);
      expect(answer.status).toBe(400);
      expect(codes(answer)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(answer.text).not.toMatch(/did you mean/i);
    }
    // Variables go through coercion, not validation: their messages must not hint either.
    const coerced = await post(harness.url, 'query($p: Provider!) { account(provider: $p, accountId: "x") { accountId } }', { p: 'SIMPSYY' });
    expect(coerced.status).toBe(400);
    expect(coerced.text).not.toMatch(/did you mean/i);
  });
});

describe('production (NODE_ENV=production, TRUST_NETWORK_WITHOUT_ROUTER_SECRET=true)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { NODE_ENV: 'production', TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true' } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  test('introspection is refused', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Account") { fields { name } } }']) {
      const answer = await post(harness.url, query);
      expect(answer.status).toBe(400);
      expect(answer.body.data ?? null).toBeNull();
      expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(answer.text).not.toContain('"Account"');
    }
  });

  test('INTROSPECTION=true turns it back on; off is the production default', () => {
    const env = { NODE_ENV: 'production', TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true' };
    expect(loadSecurityConfig(env).introspection).toBe(false);
    expect(loadSecurityConfig({ ...env, INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadSecurityConfig({}).introspection).toBe(true);
  });

  test('_service { sdl } works: the router composes from it', async () => {
    const answer = await post(harness.url, '{ _service { sdl } }');
    expectServed(answer);
    expect((answer.body.data as { _service: { sdl: string } })._service.sdl).toContain('type Account');
  });

  test('no stack trace in any error, whatever fails', async () => {
    const answers = [
      await post(harness.url, '{ account(provider: SIMPSY, accountId: "nope") { accountId } }'),
      await post(harness.url, '{ account(provider: SIMPSY, accountId: "lapsed-voice") { accountId } }'),
      await post(harness.url, '{ account(provider: SIMPSY) { accountId } }'),
      await post(harness.url, '{ account('),
      await post(harness.url, '{ __schema { types { name } } }'),
      await post(harness.url, 'query($p: Provider!) { account(provider: $p, accountId: "x") { accountId } }', { p: 42 }),
      await post(harness.url, ENTITIES, { r: [{ __typename: 'Nope' }] }),
      await post(harness.url, ENTITIES, { r: [null, { __typename: 'Account', provider: 7 }] }),
      await send(harness.url, { body: '{"query": ' }),
      await send(harness.url, { body: JSON.stringify([{ query: '{ __typename }' }]) }),
    ];
    for (const answer of answers) {
      expect(answer.body.errors?.length).toBeGreaterThan(0);
      for (const error of answer.body.errors ?? []) {
        expect(typeof error.extensions?.code).toBe('string');
        expect(error.extensions).not.toHaveProperty('stacktrace');
        expect(error.extensions).not.toHaveProperty('exception');
      }
      expect(answer.text).not.toMatch(/\bat .+:\d+:\d+/);
      expect(answer.text).not.toMatch(/node_modules|\/src\/|\.ts\b/);
    }
  });

  test('no "did you mean" in production either', async () => {
    for (const query of [
      '{ account(provider: SIMPSY, accountId: "acme-voice") { acountId } }',
      '{ account(provider: SIMPSYY, accountId: "acme-voice") { accountId } }',
    ]) {
      const answer = await post(harness.url, query);
      expect(answer.status).toBe(400);
      expect(answer.text).not.toMatch(/did you mean/i);
    }
  });
});

describe('automatic persisted queries: client mistakes are client errors', () => {
  let harness: Harness;
  const logs: string[] = [];

  beforeAll(async () => {
    harness = await startHarness({ logDestination: { write: (line) => void logs.push(line) } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const persisted = (sha256Hash: string, version = 1) =>
    send(harness.url, {
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version, sha256Hash } } }),
    });
  /** Log lines at warn level or above since `from`. */
  const loud = (from: number) => logs.slice(from).map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level >= 40);

  test('a sha256Hash that does not match the query is HTTP 400 PERSISTED_QUERY_HASH_MISMATCH, logged at most at debug', async () => {
    const from = logs.length;
    for (let i = 0; i < 3; i += 1) expectRefused(await persisted('0'.repeat(64)), 'PERSISTED_QUERY_HASH_MISMATCH');
    expect(loud(from)).toEqual([]);
  });

  test('an unsupported persisted query version is HTTP 400 BAD_REQUEST, not INTERNAL', async () => {
    const from = logs.length;
    expectRefused(await persisted('0'.repeat(64), 2), 'BAD_REQUEST');
    expect(loud(from)).toEqual([]);
  });

  test('the matching hash is served', async () => {
    const { createHash } = await import('node:crypto');
    expectServed(await persisted(createHash('sha256').update('{ __typename }').digest('hex')));
  });
});
