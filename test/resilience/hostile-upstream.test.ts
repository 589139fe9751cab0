import { request } from 'undici';
import { ErrorCode } from '../../src/domain/billing-error';
import { AccountsDocument } from '../generated/operations';
import {
  Gate,
  faultAccount,
  faults,
  findCanaries,
  forbiddenForms,
  startFaultSubgraph,
  startFaultUpstream,
  type FakeUpstream,
  type FaultSubgraph,
} from '../support/fault-upstream';

// A hostile provider (Simpsy's default base URL is plain HTTP: anyone on the path can answer for
// it) sends bodies built to make parsers slow. The subgraph, through its real HTTP server, must
// keep answering /healthz promptly while it reads them, refuse them for their accounts only, and
// serve their neighbours. The fakes are real servers on loopback.

/** Far above a loopback /healthz on a loaded machine, far below what the bodies cost a quadratic parser (seconds). */
const HEALTHZ_WITHIN_MS = 1_000;
/** How long /healthz is probed once the hostile bodies are out. */
const PROBE_FOR_MS = 1_500;

const HOSTILE_S = faultAccount('SIMPSY', 'hostile');
const HOSTILE_D = faultAccount('DIGIDONAR', 'hostile');
const GOOD_S = faultAccount('SIMPSY', 'good');
const GOOD_D = faultAccount('DIGIDONAR', 'good');
const ACCOUNTS = [HOSTILE_S, HOSTILE_D, GOOD_S, GOOD_D];

let digidonar: FakeUpstream;
let simpsy: FakeUpstream;
let subgraph: FaultSubgraph;
const logs: string[] = [];

beforeAll(async () => {
  digidonar = await startFaultUpstream('DIGIDONAR', ACCOUNTS);
  simpsy = await startFaultUpstream('SIMPSY', ACCOUNTS);
  subgraph = await startFaultSubgraph({
    digidonar,
    simpsy,
    accounts: ACCOUNTS,
    // The default body limit (1 MiB): the bodies below are well within it.
    env: { UPSTREAM_MAX_RETRIES: '0' },
    logDestination: { write: (line) => void logs.push(line) },
  });
});

afterAll(async () => {
  await subgraph?.close();
  await digidonar?.close();
  await simpsy?.close();
});

/** Gets /healthz sequentially until `until` (performance.now()); the slowest answer, and whether all were 200 ok. */
async function probeHealthz(until: number): Promise<{ slowestMs: number; probes: number; allOk: boolean }> {
  const url = subgraph.url.replace(/\/graphql$/, '/healthz');
  let slowestMs = 0;
  let probes = 0;
  let allOk = true;
  while (performance.now() < until || probes === 0) {
    const started = performance.now();
    const response = await request(url, { headersTimeout: 60_000, bodyTimeout: 60_000 });
    const text = await response.body.text();
    slowestMs = Math.max(slowestMs, performance.now() - started);
    probes += 1;
    allOk &&= response.statusCode === 200 && text === '{"status":"ok"}';
  }
  return { slowestMs, probes, allOk };
}

test('/healthz answers promptly while hostile bodies are read; they fail their accounts only', async () => {
  const sent = { simpsy: new Gate(), digidonar: new Gate() };
  // The amount: a backtracking money pattern spent about 10 s of one core on it.
  simpsy.plan(HOSTILE_S, faults.patched({ 'result.0.total_monthly': `1${'.'.repeat(150_000)}a1` }, sent.simpsy));
  // Distinct numbers, each one a full-metadata validation: seconds for a list this long.
  const numbers = Array.from({ length: 60_000 }, (_, i) => `0120${6_000_000 + i}`).join(', ');
  digidonar.plan(HOSTILE_D, faults.patched({ desk_phone: numbers }, sent.digidonar));

  const answer = subgraph.query(AccountsDocument, {
    keys: ACCOUNTS.map(({ provider, accountId }) => ({ provider, accountId })),
  });
  await Promise.all([sent.simpsy.opened, sent.digidonar.opened]);
  const health = await probeHealthz(performance.now() + PROBE_FOR_MS);
  const response = await answer;

  expect(health.allOk).toBe(true);
  expect(health.slowestMs).toBeLessThan(HEALTHZ_WITHIN_MS);

  expect(response.status).toBe(200);
  const [hostileS, hostileD, goodS, goodD] = response.data?.accounts ?? [];
  expect(hostileS).toBeNull();
  expect(hostileD).toBeNull();
  expect(goodS).toMatchObject({ accountId: GOOD_S.accountId, plan: { name: `Plan ${GOOD_S.accountId}` } });
  expect(goodD).toMatchObject({ accountId: GOOD_D.accountId, profile: { companyName: `Company ${GOOD_D.accountId}` } });
  const codes = (response.errors ?? []).map((e) => [e.path?.[1], e.extensions?.code, e.message]);
  expect(codes).toEqual([
    [0, ErrorCode.UPSTREAM_BAD_RESPONSE, 'Simpsy sent a body with a value too long at result.0.total_monthly'],
    [1, ErrorCode.UPSTREAM_BAD_RESPONSE, 'Digidonar sent a body with a value too long at desk_phone'],
  ]);
  // Neither the hostile values nor any credential reach the answer or a log line.
  expect(response.text).not.toContain('.....');
  expect(findCanaries([response.text, ...logs].join('\n'), forbiddenForms(ACCOUNTS))).toEqual([]);
  expect(logs.join('\n')).not.toContain('.....');
}, 120_000);
