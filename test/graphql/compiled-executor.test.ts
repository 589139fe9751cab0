import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, print, visit, type DocumentNode, type FragmentDefinitionNode, type GraphQLError } from 'graphql';
import { request } from 'undici';
import { buildBillingSchema } from '../../src/graphql/schema';
import { CompiledExecutor, type ExecutionPath, type FallbackReason } from '../../src/graphql/compiled-executor';
import { startHarness, type Harness } from '../support/harness';

// The compiled executor (graphql-jit) must answer exactly as graphql-js does. The whole suite runs
// on each path (CI's third leg sets GRAPHQL_EXECUTOR=graphql-js); this file puts the two side by
// side on one corpus, byte for byte, and checks which path each kind of request takes.

const OPERATIONS = join(__dirname, '../operations');
/** The fragments of the client operations the suite uses (every Account field, an invoice page), by name. */
const FRAGMENTS = new Map(
  ['account.graphql', 'invoices.graphql']
    .flatMap((file) => parse(readFileSync(join(OPERATIONS, file), 'utf8')).definitions)
    .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
    .map((definition) => [definition.name.value, definition]),
);

/** An operation with the fragments it spreads, directly or through other fragments. */
function withFragments(operation: string): string {
  const needed = new Map<string, FragmentDefinitionNode>();
  const pending: DocumentNode[] = [parse(operation)];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const fragment = FRAGMENTS.get(node.name.value);
        if (!fragment || needed.has(node.name.value)) return;
        needed.set(node.name.value, fragment);
        pending.push({ kind: Kind.DOCUMENT, definitions: [fragment] });
      },
    });
  }
  return [operation, ...[...needed.values()].map((fragment) => print(fragment))].join('\n');
}

interface Answer {
  status: number;
  cacheControl: string | undefined;
  body: string;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  const cacheControl = response.headers['cache-control'];
  return {
    status: response.statusCode,
    cacheControl: typeof cacheControl === 'string' ? cacheControl : undefined,
    // Two apps fetch at different instants: only these times may differ.
    body: text.replace(/"(fetchedAt|instant)":"[^"]*"/g, '"$1":"<time>"').replace(/"ageSeconds":\d+/g, '"ageSeconds":0'),
  };
}

const ENTITY = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { provider accountId plan { name } coins { kind available } } } }';

/** Requests covering what clients send: data, per-item failures, bad input, directives, fragments, introspection. */
const CORPUS: Array<{ name: string; body: Record<string, unknown>; expectation?: 'data' }> = [
  { name: 'one Simpsy account, every field', body: { query: withFragments('query One($id: ID!) { account(provider: SIMPSY, accountId: $id) { ...AccountBilling } }'), variables: { id: 'acme-voice' } }, expectation: 'data' },
  { name: 'one Digidonar account, every field', body: { query: withFragments('query One($id: ID!) { account(provider: DIGIDONAR, accountId: $id) { ...AccountBilling } }'), variables: { id: '1408847' } }, expectation: 'data' },
  {
    name: 'entities failing first, in the middle and last',
    body: {
      query: ENTITY,
      variables: {
        r: [
          { __typename: 'Account', provider: 'DIGIDONAR' },
          { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
          { __typename: 'Account', provider: 'SIMPSY', accountId: 'lapsed-voice' },
          { __typename: 'Account', provider: 'DIGIDONAR', accountId: '1620451' },
          { __typename: 'Account', provider: 'FAX', accountId: '1' },
          { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
          { __typename: 'Account', provider: 'SIMPSY', accountId: 'no-such-account' },
        ],
      },
    },
    expectation: 'data',
  },
  { name: 'an unknown __typename', body: { query: ENTITY, variables: { r: [{ __typename: 'Nope' }] } } },
  {
    name: 'accounts with failures at their own indexes',
    body: {
      query: '{ accounts(keys: [{provider: SIMPSY, accountId: "lapsed-voice"}, {provider: DIGIDONAR, accountId: "1408847"}, {provider: DIGIDONAR, accountId: "nope"}]) { accountId monthlyTotal { amount } validity { status daysUntilExpiry } } }',
    },
    expectation: 'data',
  },
  { name: 'aliases, __typename, skip and include', body: { query: 'query($s: Boolean!) { a: account(provider: SIMPSY, accountId: "acme-voice") { __typename accountId plan @skip(if: $s) { name } addons @include(if: $s) { kind quantity unitPrice { amount } } } b: account(provider: DIGIDONAR, accountId: "1408847") { id: accountId } }', variables: { s: true } }, expectation: 'data' },
  { name: 'invoices, a page and a bad cursor', body: { query: withFragments('{ account(provider: SIMPSY, accountId: "acme-voice") { p: invoices(first: 2) { ...InvoicePage } bad: invoices(after: "zzz") { totalCount } } }') }, expectation: 'data' },
  { name: 'invoices, first out of range', body: { query: '{ account(provider: SIMPSY, accountId: "acme-voice") { invoices(first: 1000) { totalCount } } }' } },
  { name: 'billing overview', body: { query: '{ billingOverview { needingAttention monthlyTotals { amount currency } accountsWithoutMonthlyTotal accounts { provider accountId attention problem { code message } account { plan { name } } } } }' }, expectation: 'data' },
  { name: 'a variable of the wrong type', body: { query: 'query($id: ID!) { account(provider: SIMPSY, accountId: $id) { accountId } }', variables: { id: { no: 1 } } } },
  { name: 'a missing variable', body: { query: 'query($id: ID!) { account(provider: SIMPSY, accountId: $id) { accountId } }' } },
  { name: 'an unknown enum value in variables', body: { query: 'query($p: Provider!) { account(provider: $p, accountId: "x") { accountId } }', variables: { p: 'FAX' } } },
  { name: 'a validation error', body: { query: '{ account(provider: SIMPSY, accountId: "acme-voice") { nope } }' } },
  { name: 'introspection', body: { query: '{ __schema { queryType { name } } __type(name: "Money") { fields { name } } }' } },
  { name: '_service sdl', body: { query: '{ _service { sdl } }' }, expectation: 'data' },
  { name: 'two operations, one named', body: { query: 'query A { _service { sdl } } query B { account(provider: DIGIDONAR, accountId: "1620451") { accountId coins { kind status usedPercent } } }', operationName: 'B' }, expectation: 'data' },
];

describe('compiled executor against graphql-js', () => {
  let compiled: Harness;
  let graphqlJs: Harness;

  beforeAll(async () => {
    [compiled, graphqlJs] = await Promise.all([
      startHarness({ env: { GRAPHQL_EXECUTOR: 'compiled', GRAPHQL_COMPILE_AFTER: '1' } }),
      startHarness({ env: { GRAPHQL_EXECUTOR: 'graphql-js' } }),
    ]);
  });
  afterAll(() => Promise.all([compiled?.close(), graphqlJs?.close()]));

  test.each(CORPUS)('$name: same status, Cache-Control and bytes', async ({ body, expectation }) => {
    // Twice on the compiled side: the second answer comes from the compiled function already cached.
    const reference = await post(graphqlJs.url, body);
    const first = await post(compiled.url, body);
    const second = await post(compiled.url, body);
    expect(first).toEqual(reference);
    if (expectation === 'data') expect(JSON.parse(reference.body).data).toBeTruthy();
    expect(second).toEqual(reference);
  });

  test('the corpus did run compiled, except introspection and operations that did not start', async () => {
    const metrics = await compiled.app.metrics.registry.getSingleMetricAsString('billing_graphql_executions_total');
    expect(metrics).toMatch(/path="compiled",reason="none"} [1-9]/);
    expect(metrics).toMatch(/path="graphql-js",reason="introspection"} 2/);
    expect(metrics).toMatch(/path="graphql-js",reason="operation_error"} 6/);
    expect(metrics).not.toMatch(/reason="(first_sighting|uncompilable|switched_off)"/);
  });
});

describe('which path a request takes', () => {
  let harness: Harness;
  const count = async (path: ExecutionPath, reason: FallbackReason | null) => {
    const metric = await harness.app.metrics.registry.getSingleMetric('billing_graphql_executions_total')!.get();
    return metric.values.find((v) => v.labels.path === path && v.labels.reason === (reason ?? 'none'))?.value ?? 0;
  };
  const query = (text: string, headers: Record<string, string> = {}) => post(harness.url, { query: text }, headers);

  beforeAll(async () => {
    harness = await startHarness({ env: { GRAPHQL_EXECUTOR: 'compiled', GRAPHQL_COMPILE_AFTER: '2' } });
  });
  afterAll(() => harness?.close());

  test('an operation text is compiled when it comes back, not on first sight', async () => {
    const text = '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } } }';
    await query(text);
    expect(await count('graphql-js', 'first_sighting')).toBe(1);
    expect(await count('compiled', null)).toBe(0);
    await query(text);
    await query(text);
    expect(await count('compiled', null)).toBe(2);
  });

  test('a caller sending a new text each time gets nothing compiled', async () => {
    const before = await count('graphql-js', 'first_sighting');
    for (let i = 0; i < 20; i += 1) await query(`{ a${i}: account(provider: DIGIDONAR, accountId: "1408847") { accountId } }`);
    expect((await count('graphql-js', 'first_sighting')) - before).toBe(20);
  });

  test('ftv1 requests take graphql-js and carry their trace; compiled requests after them still run compiled', async () => {
    const text = '{ account(provider: DIGIDONAR, accountId: "1620451") { accountId coins { kind } } }';
    await query(text);
    await query(text);
    const compiledBefore = await count('compiled', null);
    const traced = await query(text, { 'apollo-federation-include-trace': 'ftv1' });
    expect(JSON.parse(traced.body).extensions?.ftv1).toEqual(expect.any(String));
    expect(await count('graphql-js', 'trace')).toBe(1);
    const plain = await query(text);
    expect(JSON.parse(plain.body).extensions).toBeUndefined();
    expect(await count('compiled', null)).toBe(compiledBefore + 1);
    // Apollo wrapped the resolvers of its own schema for the trace, not those compiled against.
    const again = await query(text, { 'apollo-federation-include-trace': 'ftv1' });
    expect(JSON.parse(again.body).extensions?.ftv1).toEqual(expect.any(String));
  });
});

/** What Apollo hands its gateway for an operation text, as far as the executor reads it (the text is its own hash). */
function validatedRequest(text: string): Parameters<CompiledExecutor['execute']>[0] {
  return {
    request: { query: text },
    queryHash: text,
    source: text,
    document: parse(text),
    operationName: null,
    context: {},
  } as unknown as Parameters<CompiledExecutor['execute']>[0];
}

describe('the compiled-operation cache', () => {
  const options = async () => {
    const schema = await buildBillingSchema();
    return { mode: 'compiled' as const, schema, compileSchema: await buildBillingSchema() };
  };
  const run = (executor: CompiledExecutor, text: string) => executor.execute(validatedRequest(text));

  test('holds at most maxOperations compiled operations', async () => {
    const executor = new CompiledExecutor({ ...(await options()), compileAfter: 1, maxOperations: 3 });
    for (let i = 0; i < 10; i += 1) await run(executor, `{ s${i}: _service { sdl } }`);
    expect(executor.compilations).toBe(10);
    expect(executor.size).toBe(3);
  });

  test('holds at most maxSourceBytes of operation text', async () => {
    const executor = new CompiledExecutor({ ...(await options()), compileAfter: 1, maxSourceBytes: 100 });
    for (let i = 0; i < 10; i += 1) await run(executor, `{ s${i}: _service { sdl } }`);
    // Each text is 24 bytes: four fit in 100.
    expect(executor.size).toBe(4);
  });

  test('refuses to compile against the schema Apollo instruments', async () => {
    const { schema } = await options();
    expect(() => new CompiledExecutor({ mode: 'compiled', schema, compileSchema: schema })).toThrow('its own instance');
  });
});

describe('the compiled path on a schema of its own, against graphql-js', () => {
  // A schema whose list items fail in every way a resolver can: rejected with an Error or with a
  // non-Error, thrown synchronously, null where null is not allowed; first, middle and last.
  const sdl = `
    type Item { id: ID! name: String! note: String }
    type Query { items(fail: [Int!]!, how: String!): [Item]! strict(fail: [Int!]!): [Item!] }
  `;
  const build = () => {
    const schema = buildSchema(sdl);
    // Good items answer a little later than failing ones, so items settle out of order.
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 2));
    const item = (i: number, fail: number[], how: string): unknown => {
      if (!fail.includes(i)) return later({ id: String(i), name: `item ${i}`, note: i % 2 ? null : 'even' });
      if (how === 'error') return Promise.reject(new Error(`item ${i} failed`));
      if (how === 'string') return Promise.reject(`item ${i} failed`);
      if (how === 'null-name') return Promise.resolve({ id: String(i), name: null });
      return Promise.resolve(null);
    };
    const fields = schema.getQueryType()!.getFields();
    fields.items!.resolve = (_s, { fail, how }: { fail: number[]; how: string }) => [0, 1, 2, 3, 4].map((i) => item(i, fail, how));
    fields.strict!.resolve = (_s, { fail }: { fail: number[] }) => [0, 1, 2].map((i) => item(i, fail, 'null'));
    return schema;
  };
  const run = async (text: string, mode: 'compiled' | 'graphql-js') => {
    const schema = build();
    const executor = new CompiledExecutor({ mode, schema, compileSchema: mode === 'compiled' ? build() : schema, compileAfter: 1 });
    const result = await executor.execute(validatedRequest(text));
    // As Apollo sends them (errors in their JSON form), and what the error formatter unwraps.
    const errors = result.errors?.map((e) => ({ ...(e as GraphQLError).toJSON(), original: (e as GraphQLError).originalError?.message }));
    return JSON.stringify({ errors, data: result.data });
  };

  test.each([
    ['rejections with Errors, first, middle and last', '{ items(fail: [0, 2, 4], how: "error") { id name note } }'],
    ['rejections with a non-Error', '{ items(fail: [1, 3], how: "string") { id } }'],
    ['a null in a non-null field of an item', '{ items(fail: [2], how: "null-name") { id name } }'],
    ['null items in a list of non-null items', '{ strict(fail: [1]) { id } }'],
    ['aliases and fragments', '{ a: items(fail: [4], how: "error") { ...F } b: items(fail: [], how: "none") { ...F } } fragment F on Item { id note }'],
  ])('%s', async (_name, text) => {
    expect(await run(text, 'compiled')).toBe(await run(text, 'graphql-js'));
  });
});
