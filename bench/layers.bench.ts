// CPU per upstream call, layer by layer, in this process against the bench fakes (their own
// process, no latency): raw undici, our HTTP wrapper (+ JSON), the client (+ validation), the
// provider (+ normalization), and the whole resilience stack with metrics. Shows which layer of
// the cold path costs what. Run: npm run bench:layers
import { Pool, request } from 'undici';
import type { AccountEntry } from '../src/domain/account-entry';
import { Secret } from '../src/domain/secret';
import { createDigidonarProvider } from '../src/providers/digidonar';
import { DigidonarClient } from '../src/providers/digidonar/digidonar.client';
import { withResilience } from '../src/providers/resilience';
import { createSimpsyProvider } from '../src/providers/simpsy';
import { SIMPSY, SimpsyClient } from '../src/providers/simpsy/simpsy.client';
import { UpstreamHttp } from '../src/providers/upstream-http';
import { Metrics } from '../src/server/metrics';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { accounts: benchAccounts, startFakes, stopProcess } = require('./harness.mjs');

const BATCH = 50;
const ROUNDS = Number(process.env.LAYERS_ROUNDS ?? 200);

type Layer = { name: string; call: (index: number) => Promise<unknown>; samples: number[] };
const layers: Layer[] = [];
const ONLY = process.env.LAYERS_ONLY ? new RegExp(process.env.LAYERS_ONLY) : null;
function layer(name: string, call: (index: number) => Promise<unknown>): void {
  if (!ONLY || ONLY.test(name)) layers.push({ name, call, samples: [] });
}

/** Every layer in turn, round after round, so that a busy machine weighs on all of them alike. */
async function measureAll(): Promise<void> {
  const batch = (call: Layer['call']) => Promise.all(Array.from({ length: BATCH }, (_, j) => call(j)));
  for (const { call } of layers) for (let i = 0; i < 20; i += 1) await batch(call);
  for (let round = 0; round < 7; round += 1) {
    for (const entry of layers) {
      const before = process.cpuUsage();
      for (let i = 0; i < ROUNDS / 7; i += 1) await batch(entry.call);
      const used = process.cpuUsage(before);
      entry.samples.push((used.user + used.system) / (Math.floor(ROUNDS / 7) * BATCH));
    }
  }
  for (const { name, samples } of layers) {
    samples.sort((x, y) => x - y);
    console.log(`${name.padEnd(48)} ${samples[3]!.toFixed(1).padStart(7)} µs CPU per call (median of 7 interleaved rounds)`);
  }
}

async function main() {
  const fakes = await startFakes(0, ['layers']);
  const { DIGIDONAR: digidonarBaseUrl, SIMPSY: simpsyBaseUrl } = fakes.targets.layers.baseUrls;
  const http = { connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, maxConnections: 64, maxBodyBytes: 1 << 20 };
  const entries = (provider: 'DIGIDONAR' | 'SIMPSY'): AccountEntry[] =>
    benchAccounts
      .filter((a: { provider: string }) => a.provider === provider)
      .slice(0, BATCH)
      .map((a: { provider: 'DIGIDONAR' | 'SIMPSY'; accountId: string; key: string; secret: string }) => ({
        provider: a.provider,
        accountId: a.accountId,
        key: new Secret(a.key),
        secret: new Secret(a.secret),
        description: null,
      }));
  const resilience = {
    deadlineMs: 10_000, maxRetries: 2, retryBaseDelayMs: 50, retryMaxDelayMs: 500, breakerThreshold: 0.5,
    breakerWindowMs: 10_000, breakerMinCalls: 10, breakerHalfOpenAfterMs: 5_000, maxConcurrency: 64, maxQueue: 100_000,
  };
  const observer = new Metrics({ providers: [], bulkheads: () => [] }).upstreamObserver();

  const simpsy = entries('SIMPSY');
  const simpsyUrl = new URL(simpsyBaseUrl);
  const rawPool = new Pool(simpsyUrl.origin, { connections: 64 });
  layer('Simpsy: undici request + body text', (i) =>
    rawPool
      .request({ method: 'GET', path: `${simpsyUrl.pathname}/billing/details?${new URLSearchParams({ key: simpsy[i]!.key.reveal(), secret: simpsy[i]!.secret.reveal() })}` })
      .then((r) => r.body.text()),
  );
  const upstream = new UpstreamHttp({ ...http, ...SIMPSY, baseUrl: simpsyBaseUrl });
  layer('Simpsy: + UpstreamHttp (timeouts, JSON.parse)', (i) =>
    upstream.request({ accountId: simpsy[i]!.accountId, method: 'GET', path: '/billing/details', query: { key: simpsy[i]!.key.reveal(), secret: simpsy[i]!.secret.reveal() } }),
  );
  const simpsyClient = new SimpsyClient({ ...http, baseUrl: simpsyBaseUrl });
  layer('Simpsy: + client (body status, zod)', (i) => simpsyClient.fetchDetails(simpsy[i]!));
  const simpsyProvider = createSimpsyProvider({ ...http, baseUrl: simpsyBaseUrl });
  layer('Simpsy: + normalization (provider)', (i) => simpsyProvider.fetchSnapshot(simpsy[i]!));
  layer('Simpsy: provider, with an AbortSignal', (i) => simpsyProvider.fetchSnapshot(simpsy[i]!, new AbortController().signal));
  const simpsyBare = withResilience(createSimpsyProvider({ ...http, baseUrl: simpsyBaseUrl }), resilience, Math.random);
  layer('Simpsy: + resilience, no metrics', (i) => simpsyBare.fetchSnapshot(simpsy[i]!));
  const simpsyResilient = withResilience(createSimpsyProvider({ ...http, baseUrl: simpsyBaseUrl }), resilience, Math.random, observer);
  layer('Simpsy: + resilience and metrics', (i) => simpsyResilient.fetchSnapshot(simpsy[i]!));

  const digidonar = entries('DIGIDONAR');
  const digidonarClient = new DigidonarClient({ ...http, baseUrl: digidonarBaseUrl });
  layer('Digidonar: client (form body, zod)', (i) => digidonarClient.fetchProfile(digidonar[i]!));
  const digidonarProvider = createDigidonarProvider({ ...http, baseUrl: digidonarBaseUrl, timeZone: 'Asia/Kolkata' });
  layer('Digidonar: + normalization (provider)', (i) => digidonarProvider.fetchSnapshot(digidonar[i]!));
  const digidonarResilient = withResilience(createDigidonarProvider({ ...http, baseUrl: digidonarBaseUrl, timeZone: 'Asia/Kolkata' }), resilience, Math.random, observer);
  layer('Digidonar: + resilience and metrics', (i) => digidonarResilient.fetchSnapshot(digidonar[i]!));

  await measureAll();
  void request;
  await Promise.all([rawPool.close(), upstream.close(), simpsyClient.close(), simpsyProvider.close(), simpsyResilient.close(), digidonarClient.close(), digidonarProvider.close(), digidonarResilient.close()]);
  await stopProcess(fakes.child);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
