import { ErrorCode } from '../../src/domain/billing-error';
import { AccountsDocument, type AccountsQuery } from '../generated/operations';
import {
  Gate,
  faultAccount,
  faults,
  findCanaries,
  forbiddenForms,
  startFaultSubgraph,
  startFaultUpstream,
  successBody,
  type FakeUpstream,
  type Fault,
  type FaultAccount,
  type FaultSubgraph,
  type TimedResponse,
} from '../support/fault-upstream';

// Fault injection, end to end: real node:http fakes for both providers that answer per account,
// and the subgraph over them on a real port. In each request, healthy accounts of BOTH providers
// sit beside the faulty ones and must resolve. Every account carries canary credentials, and
// after every case neither the responses nor any log line (level trace) may hold one.

const DEADLINE_MS = 1500;
/** The deadline plus a generous margin: undici's headers/body timers fire up to ~1 s late. */
const SLOW_BOUND_MS = 4000;
/** A fault answered at once: the response must not have waited for any deadline. */
const FAST_BOUND_MS = DEADLINE_MS;
/** Long beside the few ms between the request that opens the breaker and the one that must fail fast. */
const HALF_OPEN_AFTER_MS = 1500;

const BASE_ENV = {
  UPSTREAM_DEADLINE_MS: String(DEADLINE_MS),
  UPSTREAM_CONNECT_TIMEOUT_MS: '400',
  UPSTREAM_HEADERS_TIMEOUT_MS: '400',
  UPSTREAM_BODY_TIMEOUT_MS: '400',
  UPSTREAM_MAX_RETRIES: '2',
  UPSTREAM_RETRY_BASE_DELAY_MS: '20',
  UPSTREAM_RETRY_MAX_DELAY_MS: '100',
  UPSTREAM_MAX_BODY_BYTES: '65536',
  // Never trips by accident during the per-fault cases.
  UPSTREAM_BREAKER_MIN_CALLS: '1000',
};

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

type Expected =
  | { resolves: true; attempts: number }
  | {
      code: ErrorCode;
      /** Upstream requests for the faulty account: exact, or [min, max]. */
      attempts: number | readonly [number, number];
      upstreamStatus?: string;
      message?: RegExp;
    };

interface FaultCase {
  name: string;
  tag: string;
  /** The faults in order, per request (the last repeats); a provider without one is not in the case. */
  digidonar?: Fault[];
  simpsy?: Fault[];
  expected: Expected;
  maxMs: number;
  minMs?: number;
  /** Least time between two attempts of a faulty account (a Retry-After honoured). */
  minGapMs?: number;
}

const GOOD_D = faultAccount('DIGIDONAR', 'good');
const GOOD_S = faultAccount('SIMPSY', 'good');

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><hr>nginx</body></html>';
const unavailable = (retryAfter: string) =>
  faults.json(503, { status: '503', type: 'error', message: 'Service Unavailable' }, { 'retry-after': retryAfter });
const tooMany = () => faults.json(429, { status: '429', type: 'error', message: 'Too Many Requests' });
const both = (...sequence: Fault[]) => ({ digidonar: sequence, simpsy: sequence });

const CASES: FaultCase[] = [
  {
    name: 'hang (accepted, never answered): retried on the headers timeout until the deadline',
    tag: 'hang',
    ...both(faults.hang()),
    expected: { code: ErrorCode.UPSTREAM_TIMEOUT, attempts: [1, 3] },
    maxMs: SLOW_BOUND_MS,
  },
  {
    name: 'connection closed before any byte: retried',
    tag: 'closed',
    ...both(faults.closeBeforeHeaders()),
    expected: { code: ErrorCode.UPSTREAM_UNAVAILABLE, attempts: 3 },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'connection destroyed mid-body (chunked): retried',
    tag: 'reset-mid-body',
    ...both(faults.resetMidBody()),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 3 },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'truncated body (Content-Length larger than sent): retried',
    tag: 'truncated',
    ...both(faults.truncated()),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 3 },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'slow drip (a byte every 100 ms, forever): cut by the overall deadline, not retried',
    tag: 'drip',
    ...both(faults.drip(100)),
    expected: { code: ErrorCode.UPSTREAM_TIMEOUT, attempts: 1, message: /within the 1500 ms deadline$/ },
    minMs: DEADLINE_MS - 100,
    maxMs: SLOW_BOUND_MS,
  },
  {
    name: '503 with Retry-After: 0, then healthy: retried and resolves',
    tag: '503-then-ok',
    ...both(unavailable('0'), faults.ok()),
    expected: { resolves: true, attempts: 2 },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: '503 with Retry-After: 0 every time: retried, then UNAVAILABLE',
    tag: '503',
    ...both(unavailable('0')),
    expected: { code: ErrorCode.UPSTREAM_UNAVAILABLE, attempts: 3, upstreamStatus: '503' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: '503 with Retry-After: 3600: not worth waiting past the deadline, fails at once',
    tag: '503-retry-after-hour',
    ...both(unavailable('3600')),
    expected: { code: ErrorCode.UPSTREAM_UNAVAILABLE, attempts: 1, upstreamStatus: '503', message: /unavailable \(HTTP 503\)$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: '503 with Retry-After: 1: waits the second asked for, then gives up as another wait would pass the deadline',
    tag: '503-retry-after-1',
    ...both(unavailable('1')),
    expected: { code: ErrorCode.UPSTREAM_UNAVAILABLE, attempts: 2, upstreamStatus: '503' },
    minGapMs: 950,
    minMs: 950,
    maxMs: SLOW_BOUND_MS,
  },
  {
    name: '429 every time: retried, then RATE_LIMITED',
    tag: '429',
    ...both(tooMany()),
    expected: { code: ErrorCode.UPSTREAM_RATE_LIMITED, attempts: 3, upstreamStatus: '429' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: '429, then healthy: retried and resolves',
    tag: '429-then-ok',
    ...both(tooMany(), faults.ok()),
    expected: { resolves: true, attempts: 2 },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: '429 with Retry-After as an HTTP date an hour ahead: fails at once',
    tag: '429-retry-after-date',
    ...both(faults.json(429, { status: '429' }, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() })),
    expected: { code: ErrorCode.UPSTREAM_RATE_LIMITED, attempts: 1, upstreamStatus: '429' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'Simpsy 200 with body status "401": never retried',
    tag: 'body-401',
    simpsy: [faults.json(200, { status: '401', message: 'Invalid API Key & Password' })],
    expected: { code: ErrorCode.UPSTREAM_UNAUTHORIZED, attempts: 1, upstreamStatus: '401' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'Simpsy 200 with body status "300" (failed payment): never retried',
    tag: 'body-300',
    simpsy: [faults.json(200, { status: '300', message: 'Failed payment, please login and update payment method' })],
    expected: { code: ErrorCode.UPSTREAM_PAYMENT_REQUIRED, attempts: 1, upstreamStatus: '300' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'Simpsy 200 with body status "400": never retried',
    tag: 'body-400',
    simpsy: [faults.json(200, { status: '400', message: 'Missing or invalid properties' })],
    expected: { code: ErrorCode.UPSTREAM_BAD_REQUEST, attempts: 1, upstreamStatus: '400' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: "Digidonar 200 with another account's account_id: never retried",
    tag: 'mismatch',
    digidonar: [faults.json(200, successBody('DIGIDONAR', GOOD_D.accountId))],
    expected: { code: ErrorCode.UPSTREAM_ACCOUNT_MISMATCH, attempts: 1 },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'HTTP 401: never retried',
    tag: 'http-401',
    ...both(faults.json(401, { status: '401', type: 'error', message: 'Invalid credentials' }, { 'www-authenticate': 'Basic' })),
    expected: { code: ErrorCode.UPSTREAM_UNAUTHORIZED, attempts: 1, upstreamStatus: '401' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'HTTP 400: never retried',
    tag: 'http-400',
    ...both(faults.json(400, { status: '400', type: 'error', message: 'Bad request' })),
    expected: { code: ErrorCode.UPSTREAM_BAD_REQUEST, attempts: 1, upstreamStatus: '400' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'malformed JSON with 200: a decode failure, never retried',
    tag: 'malformed',
    ...both(faults.text(200, 'application/json', '{"login_account": {"account_id": "14088', {})),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /malformed JSON$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'HTML error page with 200: never retried',
    tag: 'html-200',
    ...both(faults.text(200, 'text/html; charset=utf-8', HTML_PAGE)),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /an HTML page instead of JSON$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'HTML error page with 502: retried, then UNAVAILABLE',
    tag: 'html-502',
    ...both(faults.text(502, 'text/html', HTML_PAGE)),
    expected: { code: ErrorCode.UPSTREAM_UNAVAILABLE, attempts: 3, upstreamStatus: '502' },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'JSON of the wrong shape with 200: never retried',
    tag: 'wrong-shape',
    ...both(faults.json(200, { status: '200', type: 'success', result: [], login_account: null })),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /unexpected shape at/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'an amount shaped to make a backtracking parser quadratic ("1", 60,000 dots, "a1"): refused at once, never retried',
    tag: 'hostile-amount',
    simpsy: [faults.patched({ 'result.0.total_monthly': `1${'.'.repeat(60_000)}a1` })],
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /with a value too long at result\.0\.total_monthly$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'a phone list of more numbers than any account has: refused at once, never retried',
    tag: 'hostile-list',
    digidonar: [faults.patched({ desk_phone: Array.from({ length: 1_001 }, (_, i) => `0120${6850000 + i}`).join(', ') })],
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /with a value too long at desk_phone$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'a 200 that is not text (application/octet-stream): never read, never retried',
    tag: 'not-text',
    ...both(faults.text(200, 'application/octet-stream', '\u0000\u0001binary')),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /a body that is not text$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'body over the size limit, with a Content-Length: never retried',
    tag: 'oversized',
    ...both(faults.oversized(70_000)),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /larger than the configured limit$/ },
    maxMs: FAST_BOUND_MS,
  },
  {
    name: 'body over the size limit, chunked: never retried',
    tag: 'oversized-chunked',
    ...both(faults.oversized(70_000, true)),
    expected: { code: ErrorCode.UPSTREAM_BAD_RESPONSE, attempts: 1, message: /larger than the configured limit$/ },
    maxMs: FAST_BOUND_MS,
  },
];

// The accounts of the breaker and bulkhead instances.
const BRK = {
  digidonar: faultAccount('DIGIDONAR', 'brk-good'),
  digidonar2: faultAccount('DIGIDONAR', 'brk-good-2'),
  good: faultAccount('SIMPSY', 'brk-good'),
  unauthorized: faultAccount('SIMPSY', 'brk-401'),
  down1: faultAccount('SIMPSY', 'brk-down-1'),
  down2: faultAccount('SIMPSY', 'brk-down-2'),
};
const BH = {
  digidonar1: faultAccount('DIGIDONAR', 'bh-good-1'),
  digidonar2: faultAccount('DIGIDONAR', 'bh-good-2'),
  slow: [1, 2, 3, 4, 5, 6].map((n) => faultAccount('SIMPSY', `bh-slow-${n}`)),
  late: faultAccount('SIMPSY', 'bh-late'),
};

const LOG_CODES = { digidonar: faultAccount('DIGIDONAR', 'log-codes'), simpsy: faultAccount('SIMPSY', 'log-codes') };

const caseAccounts = (c: FaultCase) => ({
  digidonar: c.digidonar ? faultAccount('DIGIDONAR', c.tag) : undefined,
  simpsy: c.simpsy ? faultAccount('SIMPSY', c.tag) : undefined,
});

const ALL_ACCOUNTS: FaultAccount[] = [
  GOOD_D,
  GOOD_S,
  ...CASES.flatMap((c) => Object.values(caseAccounts(c)).filter((a): a is FaultAccount => a !== undefined)),
  ...Object.values(LOG_CODES),
  ...Object.values(BRK),
  BH.digidonar1,
  BH.digidonar2,
  ...BH.slow,
  BH.late,
];
const FORMS = forbiddenForms(ALL_ACCOUNTS);

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const keysOf = (...accounts: FaultAccount[]) =>
  accounts.map(({ provider, accountId }) => ({ provider, accountId }));

/** The one error at an index of `accounts`. */
function errorAt(response: TimedResponse<AccountsQuery>, index: number) {
  const found = (response.errors ?? []).filter((e) => e.path?.[0] === 'accounts' && e.path?.[1] === index);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Asserts that an account resolved, with its own data, at its index. */
function expectResolved(response: TimedResponse<AccountsQuery>, index: number, account: FaultAccount): void {
  expect((response.errors ?? []).filter((e) => e.path?.[1] === index)).toEqual([]);
  const entry = response.data?.accounts[index];
  expect(entry).toEqual({
    provider: account.provider,
    accountId: account.accountId,
    profile: account.provider === 'DIGIDONAR' ? { companyName: `Company ${account.accountId}` } : null,
    plan: account.provider === 'SIMPSY' ? { name: `Plan ${account.accountId}` } : null,
  });
}

/** Asserts that an account is null at its index, with exactly one error of this code about it. */
function expectFailed(
  response: TimedResponse<AccountsQuery>,
  index: number,
  account: FaultAccount,
  code: ErrorCode,
  more: { upstreamStatus?: string; message?: RegExp } = {},
) {
  expect(response.data?.accounts[index]).toBeNull();
  const error = errorAt(response, index);
  expect(error.extensions).toEqual({
    code,
    provider: account.provider,
    accountId: account.accountId,
    ...(more.upstreamStatus === undefined ? {} : { upstreamStatus: more.upstreamStatus }),
  });
  expect(error.message).toContain(account.provider === 'DIGIDONAR' ? 'Digidonar' : 'Simpsy');
  if (more.message) expect(error.message).toMatch(more.message);
  return error;
}

// ---------------------------------------------------------------------------------------------
// The fakes, the canary check after every case.
// ---------------------------------------------------------------------------------------------

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
const logs: string[] = [];
const logDestination = { write: (line: string) => void logs.push(line) };
/** Every response text of the current test. */
let texts: string[] = [];
/** Log lines before this index were checked already. */
let checkedLogs = 0;

/** The canary forms in log lines not checked yet, then marks them checked. */
function unseenLogLeaks(): string[] {
  const hits = logs
    .slice(checkedLogs)
    .flatMap((line, i) => findCanaries(line, FORMS).map((form) => `log line ${checkedLogs + i}: ${form}`));
  checkedLogs = logs.length;
  return hits;
}
/** Gates of the current test, all opened after it so that nothing stays held even when it fails. */
const gates: Gate[] = [];
const newGate = () => {
  const gate = new Gate();
  gates.push(gate);
  return gate;
};

async function start(env: Record<string, string>): Promise<FaultSubgraph> {
  const subgraph = await startFaultSubgraph({ digidonar, simpsy, accounts: ALL_ACCOUNTS, env, logDestination });
  const query = subgraph.query.bind(subgraph);
  // Record every response for the canary check.
  return {
    ...subgraph,
    query: async (document, variables) => {
      const response = await query(document, variables);
      texts.push(response.text);
      return response;
    },
  };
}

beforeAll(async () => {
  digidonar = await startFaultUpstream('DIGIDONAR', ALL_ACCOUNTS);
  simpsy = await startFaultUpstream('SIMPSY', ALL_ACCOUNTS);
});

afterAll(async () => {
  await digidonar?.close();
  await simpsy?.close();
  // The lines written while the subgraphs closed.
  expect(unseenLogLeaks()).toEqual([]);
});

test('the canary check catches any fault account, in every form its credentials travel', () => {
  // An account the check was not built from: the shared forms and prefixes must still catch it.
  const account = faultAccount('SIMPSY', 'unlisted');
  const forms = forbiddenForms([]);
  const query = new URLSearchParams({ key: account.key, secret: account.secret }).toString();
  const basic = Buffer.from(`${account.key}:${account.secret}`).toString('base64');
  expect(findCanaries(`GET /api/v1/billing/details?${query}`, forms)).not.toEqual([]);
  expect(findCanaries(`authorization: Basic ${basic}`, forms)).not.toEqual([]);
  expect(findCanaries(`secret=${encodeURIComponent(account.secret)}`, forms)).not.toEqual([]);
  // And an account it was built from is caught by each of its own forms exactly.
  expect(forbiddenForms([account])).toEqual(expect.arrayContaining([account.key, account.secret, basic]));
});

describe('fault injection', () => {
  beforeEach(() => {
    digidonar.reset();
    simpsy.reset();
    texts = [];
  });

  afterEach(() => {
    for (const gate of gates.splice(0)) gate.open();
    // Nothing a case left hanging may hold a connection (and with it the subgraph's close).
    digidonar.abortInFlight();
    simpsy.abortInFlight();
    // The check knows every form the credentials took on the wire in this test...
    const wire = [...digidonar.wireForms, ...simpsy.wireForms];
    expect(wire.length).toBeGreaterThan(0);
    expect(wire.filter((form) => !FORMS.includes(form))).toEqual([]);
    // ...and none of them came back: not in a response (data, messages, extensions), not in a log line.
    expect(texts.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    // Every log line is checked once: the lines of this case, and any written since the last one.
    const hits = [
      ...texts.flatMap((text, i) => findCanaries(text, FORMS).map((form) => `response ${i}: ${form}`)),
      ...unseenLogLeaks(),
    ];
    expect(hits).toEqual([]);
  });

  // ---------------------------------------------------------------------------------------------
  // 1-10: one fault per case, on the per-fault instance (the breaker never trips here).
  // ---------------------------------------------------------------------------------------------

  describe('each fault fails only its own account', () => {
    let subgraph: FaultSubgraph;

    beforeAll(async () => {
      subgraph = await start(BASE_ENV);
    });

    afterAll(async () => {
      await subgraph?.close();
    });

    test.each(CASES)('$name', async (c) => {
      const faulty = caseAccounts(c);
      if (faulty.digidonar) digidonar.plan(faulty.digidonar, ...c.digidonar!);
      if (faulty.simpsy) simpsy.plan(faulty.simpsy, ...c.simpsy!);
      const order = [GOOD_D, faulty.digidonar, GOOD_S, faulty.simpsy].filter((a): a is FaultAccount => a !== undefined);

      const response = await subgraph.query(AccountsDocument, { keys: keysOf(...order) });

      expect(response.status).toBe(200);
      expect(response.data?.accounts).toHaveLength(order.length);
      const { expected } = c;
      order.forEach((account, index) => {
        const fake = account.provider === 'DIGIDONAR' ? digidonar : simpsy;
        const attempts = fake.attempts(account);
        if (account === GOOD_D || account === GOOD_S || 'resolves' in expected) {
          expectResolved(response, index, account);
          expect(attempts).toBe(account === GOOD_D || account === GOOD_S ? 1 : (expected as { attempts: number }).attempts);
          return;
        }
        expectFailed(response, index, account, expected.code, expected);
        if (typeof expected.attempts === 'number') {
          expect(attempts).toBe(expected.attempts);
        } else {
          expect(attempts).toBeGreaterThanOrEqual(expected.attempts[0]);
          expect(attempts).toBeLessThanOrEqual(expected.attempts[1]);
        }
        if (c.minGapMs !== undefined) {
          const arrivals = fake.arrivals(account);
          for (let i = 1; i < arrivals.length; i += 1) {
            expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(c.minGapMs);
          }
        }
      });
      const failures = 'resolves' in expected ? 0 : order.length - 2;
      expect(response.errors ?? []).toHaveLength(failures);
      expect(response.elapsedMs).toBeLessThan(c.maxMs);
      if (c.minMs !== undefined) expect(response.elapsedMs).toBeGreaterThanOrEqual(c.minMs);
    });

    test('the request log line names the error codes the client saw', async () => {
      digidonar.plan(LOG_CODES.digidonar, faults.text(200, 'application/json', '{"login_account": '));
      simpsy.plan(LOG_CODES.simpsy, faults.json(200, { status: '401', message: 'Invalid API Key & Password' }));
      const from = logs.length;

      const response = await subgraph.query(AccountsDocument, {
        keys: keysOf(GOOD_D, LOG_CODES.digidonar, GOOD_S, LOG_CODES.simpsy),
      });

      expectFailed(response, 1, LOG_CODES.digidonar, ErrorCode.UPSTREAM_BAD_RESPONSE);
      expectFailed(response, 3, LOG_CODES.simpsy, ErrorCode.UPSTREAM_UNAUTHORIZED, { upstreamStatus: '401' });
      const lines = logs
        .slice(from)
        .map((line) => JSON.parse(line) as { msg?: string; errorCodes?: string[] })
        .filter((line) => line.msg === 'graphql request');
      expect(lines).toHaveLength(1);
      // An operator reading the log must see what the client saw, not INTERNAL for every expected failure.
      expect([...(lines[0]!.errorCodes ?? [])].sort()).toEqual([
        ErrorCode.UPSTREAM_BAD_RESPONSE,
        ErrorCode.UPSTREAM_UNAUTHORIZED,
      ]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  // 11: the circuit breaker, on an instance whose breaker does trip.
  // ---------------------------------------------------------------------------------------------

  describe('circuit breaker, per provider', () => {
    let subgraph: FaultSubgraph;

    beforeAll(async () => {
      subgraph = await start({
        ...BASE_ENV,
        UPSTREAM_BREAKER_MIN_CALLS: '4',
        UPSTREAM_BREAKER_WINDOW_MS: '5000',
        UPSTREAM_BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
      });
    });

    afterAll(async () => {
      await subgraph?.close();
    });

    test("one account's 401s never count toward the breaker", async () => {
      simpsy.plan(BRK.unauthorized, faults.json(200, { status: '401', message: 'Invalid API Key & Password' }));
      // Four failures would open the breaker if they counted; eight never may.
      for (let round = 1; round <= 8; round += 1) {
        const response = await subgraph.query(AccountsDocument, { keys: keysOf(BRK.digidonar, BRK.unauthorized) });
        expectResolved(response, 0, BRK.digidonar);
        expectFailed(response, 1, BRK.unauthorized, ErrorCode.UPSTREAM_UNAUTHORIZED, { upstreamStatus: '401' });
        expect(simpsy.attempts(BRK.unauthorized)).toBe(round);
      }
      const response = await subgraph.query(AccountsDocument, {
        keys: keysOf(BRK.digidonar, BRK.good, BRK.unauthorized),
      });
      expectResolved(response, 0, BRK.digidonar);
      expectResolved(response, 1, BRK.good);
      expectFailed(response, 2, BRK.unauthorized, ErrorCode.UPSTREAM_UNAUTHORIZED, { upstreamStatus: '401' });
      expect(simpsy.attempts(BRK.good)).toBe(1);
      expect(simpsy.attempts(BRK.unauthorized)).toBe(9);
    });

    /** Makes Simpsy answer 503 to everything until its breaker opens; returns when it had opened by. */
    async function takeSimpsyDown(): Promise<number> {
      simpsy.everyone = unavailable('0');
      for (let round = 1; round <= 3; round += 1) {
        const response = await subgraph.query(AccountsDocument, { keys: keysOf(BRK.digidonar, BRK.down1, BRK.down2) });
        expectResolved(response, 0, BRK.digidonar);
        // Each is either the 503 itself or, once the breaker has opened, the fast failure.
        const errors = [BRK.down1, BRK.down2].map((account, i) => {
          expect(response.data?.accounts[i + 1]).toBeNull();
          const error = errorAt(response, i + 1);
          expect(error.extensions).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE, accountId: account.accountId });
          return error;
        });
        if (errors.some((e) => /\(circuit open\)$/.test(e.message))) return Date.now();
      }
      throw new Error('the Simpsy breaker did not open');
    }

    test('Simpsy goes down: its breaker opens and fails fast while Digidonar resolves; it comes back after the half-open delay', async () => {
      // Down: every Simpsy call is a 503 until the breaker opens.
      const openedBy = await takeSimpsyDown();

      // Open: a further request fails fast for Simpsy, with no upstream call, while Digidonar resolves.
      const before = simpsy.requestCount();
      const digidonarBefore = digidonar.attempts(BRK.digidonar);
      const open = await subgraph.query(AccountsDocument, {
        keys: keysOf(BRK.digidonar, BRK.down1, BRK.digidonar2, BRK.good),
      });
      expectResolved(open, 0, BRK.digidonar);
      expectResolved(open, 2, BRK.digidonar2);
      for (const [index, account] of [[1, BRK.down1], [3, BRK.good]] as const) {
        expectFailed(open, index, account, ErrorCode.UPSTREAM_UNAVAILABLE, { message: /\(circuit open\)$/ });
      }
      expect(simpsy.requestCount()).toBe(before);
      expect(digidonar.attempts(BRK.digidonar)).toBe(digidonarBefore + 1);
      expect(open.elapsedMs).toBeLessThan(DEADLINE_MS / 2);

      // Back: once the half-open delay has passed, the next request's probe succeeds and closes it.
      simpsy.everyone = undefined;
      await sleep(Math.max(0, openedBy + HALF_OPEN_AFTER_MS + 250 - Date.now()));
      for (let round = 1; round <= 2; round += 1) {
        const attemptsBefore = simpsy.requestCount();
        const back = await subgraph.query(AccountsDocument, {
          keys: keysOf(BRK.digidonar, BRK.down1, BRK.good, BRK.down2),
        });
        expectResolved(back, 0, BRK.digidonar);
        expectResolved(back, 1, BRK.down1);
        expectResolved(back, 2, BRK.good);
        expectResolved(back, 3, BRK.down2);
        expect(simpsy.requestCount()).toBe(attemptsBefore + 3);
      }
    });

    test('a call that waited for the half-open probe is still cut off by its own deadline', async () => {
      const openedBy = await takeSimpsyDown();
      // Back, but the first call (the probe) is held until the second is waiting behind it; the second drips.
      const gate = newGate();
      let arrived = 0;
      simpsy.everyone = (c) => (arrived++ === 0 ? faults.held(gate) : faults.drip(100))(c);
      await sleep(Math.max(0, openedBy + HALF_OPEN_AFTER_MS + 250 - Date.now()));

      const pending = subgraph.query(AccountsDocument, { keys: keysOf(BRK.digidonar, BRK.down1, BRK.down2) });
      await simpsy.waitForInFlight(1);
      gate.open();
      const response = await pending;

      expectResolved(response, 0, BRK.digidonar);
      // Whichever Simpsy call came first was the probe and resolved; the other waited behind it, then dripped.
      const lateIndex = response.data?.accounts[1] === null ? 1 : 2;
      expectResolved(response, 3 - lateIndex, lateIndex === 1 ? BRK.down2 : BRK.down1);
      expectFailed(response, lateIndex, lateIndex === 1 ? BRK.down1 : BRK.down2, ErrorCode.UPSTREAM_TIMEOUT, {
        message: /within the 1500 ms deadline$/,
      });
      expect(response.elapsedMs).toBeLessThan(SLOW_BOUND_MS);
      // The client got its TIMEOUT; the call itself must be cancelled too, or its bulkhead slot and
      // pool connection stay taken for as long as the provider drips.
      expect(await simpsy.drained(1000)).toBe(true);
    });
  });

  // ---------------------------------------------------------------------------------------------
  // 12: the bulkhead, on an instance with two Simpsy slots and one queue place.
  // ---------------------------------------------------------------------------------------------

  describe('bulkhead, per provider', () => {
    let subgraph: FaultSubgraph;

    beforeAll(async () => {
      subgraph = await start({
        ...BASE_ENV,
        SIMPSY_MAX_CONCURRENCY: '2',
        SIMPSY_MAX_QUEUE: '1',
        // A held call ends only when the gate opens or the deadline cuts it, never by a headers timeout.
        SIMPSY_HEADERS_TIMEOUT_MS: '10000',
      });
    });

    afterAll(async () => {
      await subgraph?.close();
    });

    test('six slow Simpsy accounts at once: two run, one waits, three are OVERLOADED; Digidonar resolves', async () => {
      const gate = newGate();
      for (const account of BH.slow) simpsy.plan(account, faults.held(gate));
      const pending = subgraph.query(AccountsDocument, { keys: keysOf(BH.digidonar1, ...BH.slow, BH.digidonar2) });

      // Two Simpsy calls are held upstream; Digidonar is called meanwhile, never behind Simpsy's slots.
      await simpsy.waitForInFlight(2);
      while (digidonar.attempts(BH.digidonar1) + digidonar.attempts(BH.digidonar2) < 2) await sleep(5);
      expect(simpsy.inFlight).toBe(2);
      gate.open();
      const response = await pending;

      expectResolved(response, 0, BH.digidonar1);
      expectResolved(response, 7, BH.digidonar2);
      const resolved = BH.slow.filter((_, i) => response.data?.accounts[i + 1] !== null);
      const overloaded = BH.slow.filter((_, i) => response.data?.accounts[i + 1] === null);
      expect(resolved).toHaveLength(3);
      expect(overloaded).toHaveLength(3);
      BH.slow.forEach((account, i) => {
        if (resolved.includes(account)) {
          expectResolved(response, i + 1, account);
          expect(simpsy.attempts(account)).toBe(1);
        } else {
          expectFailed(response, i + 1, account, ErrorCode.UPSTREAM_OVERLOADED);
          expect(simpsy.attempts(account)).toBe(0);
        }
      });
      expect(response.errors).toHaveLength(3);
      expect(response.elapsedMs).toBeLessThan(SLOW_BOUND_MS);
    });

    test('while the Simpsy slots are held, an overflowing call fails fast and Digidonar still resolves', async () => {
      const gate = newGate();
      const held = BH.slow.slice(0, 3);
      for (const account of [...held, BH.late]) simpsy.plan(account, faults.held(gate));
      const first = subgraph.query(AccountsDocument, { keys: keysOf(...held) });
      await simpsy.waitForInFlight(2);

      const second = await subgraph.query(AccountsDocument, { keys: keysOf(BH.digidonar1, BH.late, BH.digidonar2) });

      // Answered while the gate is still shut: nothing in it waited for Simpsy's held calls.
      expect(simpsy.inFlight).toBe(2);
      expectResolved(second, 0, BH.digidonar1);
      expectFailed(second, 1, BH.late, ErrorCode.UPSTREAM_OVERLOADED, { message: /^Too many calls to Simpsy/ });
      expectResolved(second, 2, BH.digidonar2);
      expect(simpsy.attempts(BH.late)).toBe(0);
      expect(second.elapsedMs).toBeLessThan(DEADLINE_MS / 2);

      gate.open();
      const response = await first;
      held.forEach((account, i) => expectResolved(response, i, account));
      expect(response.errors ?? []).toEqual([]);
    });

    test('the deadline bounds waiting in the queue too: held and queued calls all time out', async () => {
      const gate = newGate(); // opened only after the test
      const held = BH.slow.slice(0, 3);
      for (const account of held) simpsy.plan(account, faults.held(gate));

      const response = await subgraph.query(AccountsDocument, { keys: keysOf(BH.digidonar1, ...held) });

      expectResolved(response, 0, BH.digidonar1);
      held.forEach((account, i) =>
        expectFailed(response, i + 1, account, ErrorCode.UPSTREAM_TIMEOUT, { message: /within the 1500 ms deadline$/ }),
      );
      // Two ran (and were cut off); the third waited for a slot. Its deadline ends a moment after
      // theirs, so on a loaded machine the slot they free may reach it just before its own deadline
      // does: it then makes one attempt, cut off at once. It never makes a second one, and
      // the elapsed time below shows it did not wait for a slot and then a whole call.
      expect([[0, 1, 1], [1, 1, 1]]).toContainEqual(held.map((account) => simpsy.attempts(account)).sort());
      expect(response.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
      expect(response.elapsedMs).toBeLessThan(SLOW_BOUND_MS);
    });
  });
});
