import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Kind, parse, visit } from 'graphql';
import { request } from 'undici';
import { startHarness, type Harness } from '../support/harness';

// Whatever a client sends, the subgraph answers with a GraphQL error or data: never a 5xx,
// never a non-JSON body, never an error without a code, never a hang, never a crash.
// Fixed seed and bounded runs, so the suite is reproducible and fast.

const SEED = 20_250_611;
const RUNS = 150;
/** Longest any one answer may take. */
const ANSWER_WITHIN_MS = 3_000;
const PER_PROPERTY_TIMEOUT_MS = 45_000;

let harness: Harness;
let healthz: string;

beforeAll(async () => {
  harness = await startHarness();
  healthz = harness.url.replace(/\/graphql$/, '/healthz');
});

afterAll(async () => {
  await harness?.close();
});

interface Outcome {
  status: number;
  contentType: string;
  text: string;
  elapsedMs: number;
}

async function postRaw(body: string): Promise<Outcome> {
  const started = performance.now();
  const response = await request(harness.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    headersTimeout: ANSWER_WITHIN_MS,
    bodyTimeout: ANSWER_WITHIN_MS,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    text,
    elapsedMs: performance.now() - started,
  };
}

/** Why an answer is unacceptable, or null when it is a proper GraphQL answer. */
function problemWith(outcome: Outcome): string | null {
  if (outcome.status >= 500) return `HTTP ${outcome.status}: ${outcome.text.slice(0, 300)}`;
  if (outcome.elapsedMs > ANSWER_WITHIN_MS) return `took ${Math.round(outcome.elapsedMs)} ms`;
  if (!/^application\/(graphql-response\+)?json/.test(outcome.contentType)) return `content-type ${outcome.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(outcome.text);
  } catch {
    return `not JSON: ${outcome.text.slice(0, 300)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `not a GraphQL response: ${outcome.text.slice(0, 300)}`;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (data === undefined && errors === undefined) return `neither data nor errors: ${outcome.text.slice(0, 300)}`;
  if (errors !== undefined) {
    if (!Array.isArray(errors) || errors.length === 0) return `errors is not a non-empty list: ${outcome.text.slice(0, 300)}`;
    for (const error of errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>) {
      if (typeof error?.message !== 'string') return `an error without a message: ${JSON.stringify(error).slice(0, 300)}`;
      if (typeof error.extensions?.code !== 'string') return `an error without a code: ${JSON.stringify(error).slice(0, 300)}`;
      if (/\n\s+at .+:\d+:\d+/.test(error.message)) return `a stack trace: ${error.message.slice(0, 300)}`;
    }
  }
  return null;
}

/** Snapshot of Object.prototype: a representation must never add to it (the server runs in this process). */
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const PROTOTYPE = prototypeKeys();

/** Posts a body, asserts a proper answer, then that the process still serves /healthz. */
async function exchange(body: string): Promise<void> {
  const outcome = await postRaw(body);
  const problem = problemWith(outcome);
  if (problem !== null) throw new Error(problem);
  const health = await request(healthz, { headersTimeout: ANSWER_WITHIN_MS, bodyTimeout: ANSWER_WITHIN_MS });
  const healthText = await health.body.text();
  if (health.statusCode !== 200 || healthText !== '{"status":"ok"}') throw new Error(`/healthz answered ${health.statusCode} ${healthText}`);
  if (prototypeKeys() !== PROTOTYPE) throw new Error('Object.prototype was modified');
}

const settings = { seed: SEED, numRuns: RUNS } as const;

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** Names from the subgraph's own SDL, so random documents hit real fields as well as wrong ones. */
const names = (() => {
  const sdl = parse(readFileSync(join(__dirname, '../../schema.graphql'), 'utf8'));
  const fields = new Set<string>(['__typename', '__schema', '__type', '_service', '_entities', 'sdl', 'types', 'name', 'nope']);
  const types = new Set<string>(['Nope', '_Any', '_Entity', '_Service']);
  const args = new Set<string>(['representations', 'if', 'nope']);
  const enums = new Set<string>(['SIMPSY', 'DIGIDONAR', 'NOPE']);
  visit(sdl, {
    FieldDefinition: (node) => void fields.add(node.name.value),
    InputValueDefinition: (node) => void args.add(node.name.value),
    ObjectTypeDefinition: (node) => void types.add(node.name.value),
    InputObjectTypeDefinition: (node) => void types.add(node.name.value),
    EnumTypeDefinition: (node) => void types.add(node.name.value),
    EnumValueDefinition: (node) => void enums.add(node.name.value),
    ScalarTypeDefinition: (node) => void types.add(node.name.value),
  });
  return { fields: [...fields], types: [...types], args: [...args], enums: [...enums] };
})();

const SOUP = [
  '{', '}', '(', ')', '[', ']', ':', '!', '$', '=', '@', '|', '&', '...', ',', '"', '"""', '#', '\\', '\n',
  'query', 'mutation', 'subscription', 'fragment', 'on', 'true', 'false', 'null', '1e400', '-0', '0x10',
  '"acme-voice"', '"1408847"', '$r', '$v', 'Account', '_Any', '[_Any!]!', ...names.fields, ...names.enums,
];
/** Strings that look like GraphQL more often than not. */
const tokenSoup = fc.array(fc.constantFrom(...SOUP), { maxLength: 40 }).map((tokens) => tokens.join(' '));

/** A JSON document as text, so that it can hold what JSON.stringify cannot write: 1e400, duplicate keys, "__proto__". */
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty', 'valueOf'];
const KEYS = ['__typename', 'provider', 'accountId', ...POLLUTING_KEYS];
const NUMBERS = ['0', '-0', '1408847', '1e400', '-1e400', '1e-400', '9007199254740993', '123456789012345678901234567890', '0.1', '-1', '1E2'];
const quoted = (value: string) => JSON.stringify(value);

const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; scalar: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 5 }, tie('scalar'), tie('array'), tie('object')),
  scalar: fc.oneof(
    fc.constantFrom('null', 'true', 'false', ...NUMBERS, '"Account"', '"SIMPSY"', '"DIGIDONAR"', '"acme-voice"', '"1408847"', '""'),
    fc.double().filter(Number.isFinite).map(String),
    fc.integer().map(String),
    fc.string({ unit: 'binary', maxLength: 30 }).map(quoted),
    fc.nat({ max: 100_000 }).map((n) => quoted('x'.repeat(n))),
  ),
  array: fc.array(tie('value'), { maxLength: 6 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 10 })), tie('value')), { maxLength: 6 })
    .map((entries) => `{${entries.map(([key, value]) => `${quoted(key)}:${value}`).join(',')}}`),
})).value;

/** Something shaped like an Account representation, with every part possibly wrong. */
const representationText = fc
  .record(
    {
      __typename: fc.oneof(fc.constant('"Account"'), fc.constantFrom('"account"', '"Query"', '"_Service"', '""', '"Account "'), jsonText),
      provider: fc.oneof(fc.constantFrom('"SIMPSY"', '"DIGIDONAR"', '"simpsy"', '"NOPE"'), jsonText),
      accountId: fc.oneof(
        fc.constantFrom('"acme-voice"', '"1408847"', '1408847', '"northwind-calls"', '"nope"', '""', ...NUMBERS),
        fc.nat({ max: 200_000 }).map((n) => quoted('9'.repeat(n))),
        jsonText,
      ),
      extra: fc.array(fc.tuple(fc.constantFrom(...POLLUTING_KEYS, 'x'), jsonText), { maxLength: 2 }),
    },
    { requiredKeys: ['extra'] },
  )
  .map(({ extra, ...known }) => {
    const entries = [...Object.entries(known), ...extra];
    return `{${entries.map(([key, value]) => `${quoted(key)}:${value}`).join(',')}}`;
  });

const representationsText = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: representationText }, { weight: 1, arbitrary: jsonText }), { maxLength: 8 }).map((items) => `[${items.join(',')}]`) },
  { weight: 1, arbitrary: jsonText },
  // Just over the default limit of 500, and deeply nested arrays.
  { weight: 1, arbitrary: fc.constantFrom(501, 502).map((n) => `[${Array.from({ length: n }, () => '{"__typename":"Account","provider":"SIMPSY","accountId":"nope"}').join(',')}]`) },
  { weight: 1, arbitrary: fc.nat({ max: 3_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
);

/** GraphQL values, variables included, valid and not. */
const gqlValue: fc.Arbitrary<string> = fc.letrec<{ value: string; list: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    fc.constantFrom('"acme-voice"', '"1408847"', '1408847', 'true', 'null', '$v', '$b', '$nope', '1e400', '""""""', ...names.enums),
    fc.string({ unit: 'binary', maxLength: 20 }).map(quoted),
    tie('list'),
    tie('object'),
  ),
  list: fc.array(tie('value'), { maxLength: 2 }).map((items) => `[${items.join(' ')}]`),
  object: fc
    .array(fc.tuple(fc.constantFrom(...names.args), tie('value')), { maxLength: 2 })
    .map((entries) => `{ ${entries.map(([key, value]) => `${key}: ${value}`).join(' ')} }`),
})).value;

const FRAGMENTS = ['F0', 'F1', 'F2'];
const directive = fc.constantFrom('', '', '', '@include(if: true)', '@skip(if: false)', '@skip(if: $b)', '@include(if: $v)', '@deprecated', '@nope', '@key(fields: "x")');

/** Selection sets from the schema's names: real fields, aliases, arguments, directives, inline fragments, spreads. */
const selectionSet: fc.Arbitrary<string> = fc.letrec<{ set: string; selection: string; field: string; inline: string; spread: string }>((tie) => ({
  set: fc.array(tie('selection'), { minLength: 1, maxLength: 3 }).map((items) => `{ ${items.join(' ')} }`),
  selection: fc.oneof({ depthSize: 'small', maxDepth: 4 }, { weight: 5, arbitrary: tie('field') }, tie('inline'), tie('spread')),
  field: fc
    .record({
      alias: fc.option(fc.constantFrom('a', 'b', 'c', 'accountId', 'provider'), { nil: undefined }),
      name: fc.constantFrom(...names.fields),
      args: fc.array(fc.tuple(fc.constantFrom(...names.args), gqlValue), { maxLength: 2 }),
      directives: directive,
      sub: fc.option(tie('set'), { nil: undefined }),
    })
    .map(({ alias, name, args, directives, sub }) => {
      const argumentList = args.length === 0 ? '' : `(${args.map(([key, value]) => `${key}: ${value}`).join(' ')})`;
      return `${alias === undefined ? '' : `${alias}: `}${name}${argumentList} ${directives} ${sub ?? ''}`;
    }),
  inline: fc
    .tuple(fc.option(fc.constantFrom(...names.types), { nil: undefined }), directive, tie('set'))
    .map(([type, directives, set]) => `... ${type === undefined ? '' : `on ${type}`} ${directives} ${set}`),
  spread: fc.tuple(fc.constantFrom(...FRAGMENTS, 'Missing'), directive).map(([name, directives]) => `...${name} ${directives}`),
})).set;

const ROOT_FIELDS = [
  'account(provider: SIMPSY, accountId: "acme-voice")',
  'account(provider: DIGIDONAR, accountId: "1408847")',
  'account(provider: SIMPSY, accountId: $v)',
  'accounts(keys: [{ provider: SIMPSY, accountId: "acme-voice" }, { provider: DIGIDONAR, accountId: "nope" }])',
  '_entities(representations: [{ __typename: "Account", provider: "SIMPSY", accountId: "acme-voice" }])',
  '_entities(representations: $r)',
  '_service',
];

/** Whole documents: an operation of random selections under real root fields, and fragments that may refer to each other. */
const documentText = fc
  .record({
    header: fc.constantFrom('', 'query ', 'query Q($v: ID, $b: Boolean = true, $r: [_Any!]!) ', 'query Q($v: String!) ', 'mutation ', 'subscription ', 'query Q '),
    roots: fc.array(fc.tuple(fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }), fc.constantFrom(...ROOT_FIELDS, ...names.fields), selectionSet), {
      minLength: 1,
      maxLength: 2,
    }),
    fragments: fc.array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...names.types), selectionSet), { maxLength: 2 }),
    variables: fc.option(fc.record({ v: fc.jsonValue({ maxDepth: 2 }), b: fc.jsonValue({ maxDepth: 1 }), r: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }), { nil: undefined }),
  })
  .map(({ header, roots, fragments, variables }) => {
    const operation = `${header}{ ${roots.map(([alias, root, set]) => `${alias === undefined ? '' : `${alias}: `}${root} ${set}`).join(' ')} }`;
    const definitions = fragments.map(([name, type, set]) => `fragment ${name} on ${type} ${set}`);
    return { query: [operation, ...definitions].join('\n'), variables };
  });

const VARIABLES_QUERY = `query Q($p: Provider!, $id: ID!, $keys: [AccountKeyInput!]!, $r: [_Any!]!) {
  account(provider: $p, accountId: $id) { accountId plan { name } }
  accounts(keys: $keys) { accountId }
  _entities(representations: $r) { ... on Account { accountId } }
}`;

const ENTITIES_QUERY = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Account { provider accountId fetchedAt plan { name } coins { kind available } } } }';

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe(`fuzzing /graphql (fast-check seed ${SEED}, ${RUNS} runs per property)`, () => {
  test(
    `arbitrary strings as the query (seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), tokenSoup), async (query) => {
          await exchange(JSON.stringify({ query }));
        }),
        settings,
      );
    },
    PER_PROPERTY_TIMEOUT_MS,
  );

  test(
    `arbitrary JSON as the query, and as the whole body (seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), jsonText, async (value, text) => {
          await exchange(JSON.stringify({ query: value }));
          await exchange(text);
        }),
        settings,
      );
    },
    PER_PROPERTY_TIMEOUT_MS,
  );

  test(
    `arbitrary JSON as variables (seed ${SEED})`,
    async () => {
      const variable = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('SIMPSY', 'DIGIDONAR', 'acme-voice', '1408847'));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ p: variable, id: variable, keys: variable, r: variable }, { requiredKeys: [] })),
          jsonText,
          async (variables, text) => {
            await exchange(JSON.stringify({ query: VARIABLES_QUERY, variables }));
            await exchange(`{"query":${quoted(VARIABLES_QUERY)},"variables":${text}}`);
          },
        ),
        settings,
      );
    },
    PER_PROPERTY_TIMEOUT_MS,
  );

  test(
    `arbitrary JSON values as _entities representations (seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(representationsText, async (representations) => {
          await exchange(`{"query":${quoted(ENTITIES_QUERY)},"variables":{"r":${representations}}}`);
        }),
        settings,
      );
    },
    PER_PROPERTY_TIMEOUT_MS,
  );

  test(
    `random documents from the schema's names: nesting, aliases, arguments, directives, fragments (seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(documentText, async (document) => {
          await exchange(JSON.stringify(document));
        }),
        settings,
      );
    },
    PER_PROPERTY_TIMEOUT_MS,
  );

  test('the generators produce what they claim to (guards against a fuzzer that tests nothing)', () => {
    const documents = fc.sample(documentText, { seed: SEED, numRuns: 200 });
    const parsed = documents.flatMap((document) => {
      try {
        return [parse(document.query)];
      } catch {
        return [];
      }
    });
    // Most documents parse; some have fragments and aliases.
    expect(parsed.length).toBeGreaterThan(100);
    expect(parsed.some((document) => document.definitions.some((definition) => definition.kind === Kind.FRAGMENT_DEFINITION))).toBe(true);
    expect(documents.some((document) => /\b[abc]: /.test(document.query))).toBe(true);

    const representations = fc.sample(representationsText, { seed: SEED, numRuns: 200 });
    expect(representations.some((text) => text.includes('"__proto__"'))).toBe(true);
    expect(representations.some((text) => text.includes('"constructor"'))).toBe(true);
    expect(representations.some((text) => text.includes('1e400'))).toBe(true);
    expect(representations.some((text) => text.includes('"Account"') && text.includes('"acme-voice"'))).toBe(true);
  });
});
