import fc from 'fast-check';
import { BillingError, ErrorCode } from '../../src/domain/billing-error';
import { createDigidonarProvider } from '../../src/providers/digidonar';
import type { ProviderClient } from '../../src/providers/provider-client';
import { installedProvider } from '../../src/providers/installed';
import { createSimpsyProvider } from '../../src/providers/simpsy';
import { canaryAccount, leaks } from '../support/canary';
import { FakeUpstream, faults, successBody } from '../support/fault-upstream';

// Whatever a provider puts in the values of a well-formed body, the account either resolves or
// fails with an upstream code: never an internal error, never a throw that is not a BillingError,
// never a credential in the error. Real HTTP fakes; fixed seed, bounded runs.

const SEED = 20_250_613;
const RUNS = 120;

const HTTP = { connectTimeoutMs: 1000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, maxConnections: 2, maxBodyBytes: 4 * 1024 * 1024 };

/** Stands for an amount with more decimals than big.js formats. */
const MILLION_DECIMALS = '"1.<a million and one 1s>"';

/** Values as JSON text, so that numbers can be written as no JSON.stringify would write them. */
const PIECES = ['0', '1', '9', '.', ',', ' ', '-', '$', '₹', 'e', 'E', 'x', '*', ':', 'GB', '１', '١', '\u0301', '2024-02-30', ' 24:00:00'];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join('')),
  fc
    .record({ unit: fc.constantFrom(...PIECES), times: fc.integer({ min: 1, max: 2_000 }), tail: fc.constantFrom('', 'a1', 'GB', ' USD') })
    .map(({ unit, times, tail }) => `1${unit.repeat(times)}${tail}`),
);
const value: fc.Arbitrary<string> = fc.oneof(
  text.map((t) => JSON.stringify(t)),
  fc.constantFrom('null', 'true', '{}', '[]', '{"usd": 1}', '0', '-0', '1e400', '-1e400', '12345678901234567.89', '0.1e-7', '24.90', '9007199254740993'),
  fc.double().filter(Number.isFinite).map(String),
  fc.integer().map(String),
  // Written out when the body is built, so that a counterexample stays short.
  fc.constant(MILLION_DECIMALS),
);

const SIMPSY_PATHS = [
  'creditlimit', 'billingcycle', 'payment_method', 'payment_details', 'call_route', 'total_monthly',
  'plan.name', 'plan.price', 'plan.no_of_agents', 'plan.storage', 'plan.crm',
  'addon.agents.no_of_agents', 'addon.agents.price_per_agent', 'addon.storage.no_of_storage', 'addon.storage.price_per_gb',
  'addon.crm.total_storage_price', 'addon.did.0.number', 'addon.did.0.country', 'addon.did.1.monthly',
];
const DIGIDONAR_PATHS = [
  'login_account.admin_number', 'login_account.sms_coins', 'login_account.avail_sms_coins', 'login_account.call_coins',
  'login_account.create_at', 'login_account.expired_on', 'login_account.company_name', 'desk_phone', 'did_no',
  'login_account.did_no',
];
const INVOICE_PATHS = ['0.invoice_id', '0.date', '0.amount', '0.status', '0.invoice_url', '1.amount', '2.date'];

/** The body as text with each chosen path's value replaced by raw JSON text. */
function bodyText(body: unknown, root: string[], replacements: ReadonlyArray<readonly [string, string]>): string {
  const placed = structuredClone(body) as Record<string, unknown>;
  replacements.forEach(([path, _], i) => {
    let at = placed;
    for (const key of [...root, ...path.split('.').slice(0, -1)]) {
      at[key] ??= {};
      at = at[key] as Record<string, unknown>;
    }
    at[path.split('.').at(-1)!] = `@@${i}@@`;
  });
  const expand = (raw: string) => (raw === MILLION_DECIMALS ? `"1.${'1'.repeat(1_000_001)}"` : raw);
  return replacements.reduce((json, [, raw], i) => json.replace(`"@@${i}@@"`, () => expand(raw)), JSON.stringify(placed));
}

const edits = (paths: readonly string[]) => fc.array(fc.tuple(fc.constantFrom(...paths), value), { minLength: 1, maxLength: 4 });

let fake: FakeUpstream;
let simpsy: ProviderClient;
let digidonar: ProviderClient;

beforeAll(async () => {
  // One fake serves both clients: every answer is the property's, before any routing.
  fake = await FakeUpstream.start(installedProvider('SIMPSY').fake, { accounts: [] });
  simpsy = createSimpsyProvider({ ...HTTP, baseUrl: `${fake.origin}/api/v1` });
  digidonar = createDigidonarProvider({ ...HTTP, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
});

afterAll(async () => {
  await simpsy?.close();
  await digidonar?.close();
  await fake?.close();
});

/** Fails the property unless the call resolved or failed with a leak-free upstream BillingError. */
async function settlesAsUpstream(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof BillingError)) throw new Error(`not a BillingError: ${String(error).slice(0, 200)}`);
    if (error.code === ErrorCode.INTERNAL || !error.code.startsWith('UPSTREAM_')) throw new Error(`code ${error.code}: ${error.message}`);
    if (leaks(error).length > 0) throw new Error(`leaks ${leaks(error).join(', ')}`);
  }
}

test('Simpsy billing details: any values settle as data or an upstream error', async () => {
  const account = canaryAccount('SIMPSY', 'sv-fuzz');
  await fc.assert(
    fc.asyncProperty(edits(SIMPSY_PATHS), async (replacements) => {
      fake.everyone = faults.json(200, bodyText(successBody('SIMPSY', account.accountId), ['result', '0'], replacements));
      await settlesAsUpstream(simpsy.fetchSnapshot(account));
    }),
    { seed: SEED, numRuns: RUNS },
  );
}, 120_000);

test('Simpsy invoices: any values settle as data or an upstream error', async () => {
  const account = canaryAccount('SIMPSY', 'sv-fuzz');
  await fc.assert(
    fc.asyncProperty(edits(INVOICE_PATHS), async (replacements) => {
      fake.everyone = faults.json(200, bodyText(successBody('SIMPSY', account.accountId, 'invoices'), ['result'], replacements));
      await settlesAsUpstream(simpsy.fetchInvoices!(account));
    }),
    { seed: SEED, numRuns: RUNS },
  );
}, 120_000);

test('Digidonar profile: any values settle as data or an upstream error', async () => {
  const account = canaryAccount('DIGIDONAR', 'dd-fuzz');
  await fc.assert(
    fc.asyncProperty(edits(DIGIDONAR_PATHS), async (replacements) => {
      fake.everyone = faults.json(200, bodyText(successBody('DIGIDONAR', account.accountId), [], replacements));
      await settlesAsUpstream(digidonar.fetchSnapshot(account));
    }),
    { seed: SEED, numRuns: RUNS },
  );
}, 120_000);
