// Writes BENCHMARKS.md and bench/p50-latency.svg from the results of bench/run.mjs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const f = (v, d = 1) => (v == null || Number.isNaN(v) ? 'n/a' : Number(v).toFixed(d));
const ratio = (a, b) => (a == null || b == null || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`);

/** The naive subgraph has no cache: warm rows compare against its cold run of the same shape. */
function naiveFor(results, row) {
  if (row.runs.naive) return row.runs.naive;
  return results.find((r) => !r.cache && r.n === row.n && r.duplicates === row.duplicates && r.connections === row.connections)?.runs.naive;
}

function svg(results) {
  const pick = (cache) => results.filter((r) => r.cache === cache && !r.duplicates && r.connections === 1);
  const series = [
    { name: 'this subgraph (cold)', color: '#1f77b4', points: pick(false).map((r) => [r.n, r.runs.subgraph.p50Ms]) },
    { name: 'naive Apollo (no cache)', color: '#d62728', points: pick(false).map((r) => [r.n, r.runs.naive?.p50Ms]) },
    { name: 'floor (fan-out only)', color: '#2ca02c', points: pick(false).map((r) => [r.n, r.runs.floor.p50Ms]) },
    { name: 'this subgraph (warm)', color: '#9467bd', points: pick(true).map((r) => [r.n, r.runs.subgraph.p50Ms]) },
  ].map((s) => ({ ...s, points: s.points.filter(([, y]) => y != null && y > 0) }));
  const W = 640, H = 400, L = 70, R = 200, T = 40, B = 50;
  const all = series.flatMap((s) => s.points.map(([, y]) => y));
  const yMin = Math.max(0.1, 10 ** Math.floor(Math.log10(Math.min(...all))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const xs = [1, 50, 500];
  const x = (n) => L + ((Math.log10(n) - 0) / Math.log10(500)) * (W - L - R);
  const y = (v) => T + (1 - (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - T - B);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14">p50 latency vs N representations (1 connection, no duplicates, log-log)</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">N (representations per request)</text>`,
    `<text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">p50 latency (ms)</text>`,
  ];
  for (const n of xs) parts.push(`<line x1="${x(n)}" y1="${H - B}" x2="${x(n)}" y2="${H - B + 5}" stroke="black"/><text x="${x(n)}" y="${H - B + 18}" text-anchor="middle">${n}</text>`);
  for (let v = yMin; v <= yMax; v *= 10)
    parts.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  series.forEach((s, i) => {
    if (s.points.length) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
      for (const [n, v] of s.points) parts.push(`<circle cx="${x(n).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const ly = T + 10 + i * 20;
    parts.push(`<line x1="${W - R + 15}" y1="${ly}" x2="${W - R + 35}" y2="${ly}" stroke="${s.color}" stroke-width="2"/><text x="${W - R + 40}" y="${ly + 4}">${s.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const met = (ok) => (ok == null ? 'not run' : ok ? '**met**' : '**not met**');
const rps = (run) => (run ? f(run.reqPerSec) : 'n/a');

/** The issue-15 targets: each with its figure, the bar and met / not met (null figures: not run). */
function targetRows(results, refresh) {
  const rows = [];
  const full = results.find((r) => r.full);
  const warm500 = results.find((r) => r.cache && !r.full && r.n === 500 && !r.duplicates && r.connections === 1);
  for (const [label, r] of [
    ['(a) Warm full-selection `_entities`: 250 representations (200 distinct + 50 duplicates), every `Account` field three levels deep, 8 connections: subgraph req/s / stock req/s', full],
    ['(b) Warm N=500 at 1 connection: subgraph req/s / stock req/s', warm500],
  ]) {
    const s = r?.runs.subgraph;
    const st = r?.runs.stock;
    const ok = s && st ? s.reqPerSec >= 2 * st.reqPerSec && s.verified === 'ok' && st.verified === 'ok' : null;
    rows.push(`| ${label} | ${s && st ? `${f(s.reqPerSec)} / ${f(st.reqPerSec)} = ${ratio(s.reqPerSec, st.reqPerSec)}` : 'not run'} | >= 2.0x | ${met(ok)} |`);
  }
  const on = refresh?.on;
  const warm = refresh?.warm;
  const off = refresh?.off;
  const cfg = refresh?.settings;
  rows.push(
    `| (c) Hot account under refresh-ahead${cfg ? ` (TTL ${cfg.ttlSeconds} s, window ${cfg.windowSeconds} s, ${cfg.seconds} s run, upstream ${cfg.latencyMs} ms)` : ''}: p99 / warm p99 | ${on ? `${f(on.p99, 2)} / ${f(warm.p99, 2)} ms = ${ratio(on.p99, warm.p99)}; ${on.waited} of ${on.requests} requests took >= the upstream latency (without refresh-ahead: p99.9 ${f(off.p999, 1)} ms, ${off.waited} waited)` : 'not run'} | <= 2.0x | ${met(on ? on.ratio <= 2 && on.errors === 0 : null)} |`,
    `| (d) Upstream calls per distinct account per refresh (the hot account, refresh-ahead on) | ${on ? `${on.calls} calls / ${on.refreshes} refreshes = ${on.refreshes ? f(on.callsPerRefresh, 2) : 'n/a'} (refresh-ahead off: ${off.calls} / ${off.refreshes})` : 'not run'} | exactly 1 | ${met(on ? on.refreshes > 0 && on.calls === on.refreshes : null)} |`,
  );
  return rows;
}

/** Warm rows: the compiled executor against graphql-js (and the baseline build), and the gap to the jit anchor. */
function executorRows(results) {
  return results
    .filter((r) => r.cache)
    .map((r) => {
      const s = r.runs.subgraph;
      const js = r.runs['subgraph-js'];
      const b = r.runs.baseline;
      const jit = r.runs.jit;
      const st = r.runs.stock;
      return `| ${r.scenario} | ${rps(s)} | ${rps(js)} | ${js ? ratio(s.reqPerSec, js.reqPerSec) : '—'} | ${b ? `${rps(b)} | ${ratio(s.reqPerSec, b.reqPerSec)}` : '— | —'} | ${rps(st)} | ${st ? ratio(s.reqPerSec, st.reqPerSec) : '—'} | ${rps(jit)} | ${jit ? ratio(s.reqPerSec, jit.reqPerSec) : '—'} | ${f(s.cpuMsPerRequest, 2)} / ${js ? f(js.cpuMsPerRequest, 2) : '—'} / ${st ? f(st.cpuMsPerRequest, 2) : '—'} / ${jit ? f(jit.cpuMsPerRequest, 2) : '—'} |`;
    });
}

/** What stands between the subgraph and the jit anchor: the figure from this run, and what the anchor never does. */
function gapNote(results) {
  const full = results.find((r) => r.full);
  const s = full?.runs.subgraph;
  const jit = full?.runs.jit;
  if (!s || !jit) return [];
  return [
    `**Gap to the anchor.** Full selection: the subgraph serves ${f(s.reqPerSec)} req/s at ${f(s.cpuMsPerRequest, 1)} CPU ms per request, the`,
    `jit anchor ${f(jit.reqPerSec)} req/s at ${f(jit.cpuMsPerRequest, 1)} ms (subgraph / jit = ${ratio(s.reqPerSec, jit.reqPerSec)}). The anchor is a ceiling, not a peer:`,
    'it executes precomputed JSON whose every value is a plain property (scalars pass through), so it does none of what the',
    'subgraph does per request beyond executing the query: Fastify and Apollo Server\'s request pipeline and plugins',
    '(request limits, the request log and metrics, the error budget, Cache-Control from each account\'s freshness, error',
    'formatting), the context with its',
    'DataLoaders, the cache lookup and freshness view per account, the fields computed at request time (validity\'s',
    'daysUntilExpiry and status in the provider\'s zone, coin percentages and status, the invoices page), TypeGraphQL\'s',
    'resolver wrappers, and custom scalars that validate what they serialize (DateTime, LocalDate, Decimal). Where the',
    'subgraph\'s CPU goes in this scenario: `npm run bench:profile -- --full [--executor graphql-js]`.',
    '',
  ];
}

export function writeReport(root, machine, results, refresh = null) {
  const lines = [];
  lines.push('# Benchmarks', '');
  lines.push(
    `Machine: ${machine.nproc} cores (\`nproc\`), ${machine.cpu}, Node ${machine.node}. Date: ${machine.date}.`,
    `Command: \`npm run bench\` (upstream latency ${machine.latencyMs} ms, ${machine.durationSeconds} s per run, ` +
      `${machine.upstreamConnections} upstream connections per provider for every target). The whole run took ${machine.totalSeconds.toFixed(0)} s.`,
    '',
    'Everything runs on this one machine: autocannon and the driver, the fake upstreams (their own process),',
    'and the server under test (its own process). Numbers are for comparing the targets with each other in',
    'the same run, not absolute capacity. Raw results: `bench/results.json`.',
    '',
    '## Targets',
    '',
    'Issue 15\'s targets, from this run (reported, not asserted; a single run on a shared machine moves by 10-20%).',
    '',
    '| target | figure | bar | |',
    '|---|---|---|---|',
    ...targetRows(results, refresh),
    '',
    '### Compiled executor: before and after, and the gap to the graphql-jit anchor',
    '',
    '`subgraph` runs with `GRAPHQL_EXECUTOR=compiled`, `subgraph-js` is the same build with `GRAPHQL_EXECUTOR=graphql-js`',
    `(builds that predate the switch ignore it and are graphql-js)${machine.baseline ? `; \`baseline\` is commit ${machine.baseline} (\`bash bench/baseline.sh ${machine.baseline}\`, \`BENCH_BASELINE=1\`)` : '; no `baseline` in this run (`bash bench/baseline.sh <ref> && BENCH_BASELINE=1 npm run bench`)'}.`,
    'Ratios are subgraph req/s / other req/s: above 1x the subgraph is faster. "vs jit" is the gap to graphql-jit on plain',
    'node:http over the same schema and data, the most a compiled executor could give here.',
    '',
    '| scenario | subgraph req/s | subgraph-js req/s | vs subgraph-js | baseline req/s | vs baseline | stock req/s | vs stock | jit req/s | vs jit | CPU ms/req (subgraph / -js / stock / jit) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...executorRows(results),
    '',
    ...gapNote(results),
    '## What is measured',
    '',
    '- **subgraph**: `node dist/main.js` after `npm run build`, with an accounts file of 500 accounts (250 per provider),',
    '  `LOG_LEVEL=warn`, `NODE_ENV=production`; cold = `UPSTREAM_CACHE_TTL_SECONDS=0`, warm = default TTLs, every account',
    `  loaded once before each warm scenario. Set beyond the defaults: \`MAX_ACCOUNTS_PER_QUERY=500\`,`,
    `  \`UPSTREAM_MAX_CONCURRENCY=${machine.upstreamConnections}\`, \`UPSTREAM_MAX_QUEUE=100000\` (the defaults refuse N=500, and 32 x N=50 overflows the queue).`,
    '- **floor**: a node:http server that makes the same upstream calls with undici (one per distinct account, all at once)',
    '  and answers the subgraph\'s own response bytes; warm, it answers without upstream calls.',
    '- **naive**: SDL-first `@apollo/subgraph` + `@apollo/server`, one upstream call per resolved field, no DataLoader,',
    '  no cache. It has no warm mode: warm rows compare against its cold run of the same shape.',
    '- **subgraph-js**: the same build as subgraph with `GRAPHQL_EXECUTOR=graphql-js` (subgraph sets `compiled`); warm only.',
    '- **stock**: a stock `@apollo/subgraph` + `@apollo/server` standalone (default plugins) serving the subgraph\'s own',
    '  `schema.graphql` (buildSubgraphSchema; custom scalars pass values through) over in-memory snapshots: each account\'s',
    '  entity is the subgraph\'s own full-selection JSON, captured just before each warm scenario (one full-selection',
    '  `_entities` of all 500 accounts, which also refreshes any past its TTL) and reloaded by stock (SIGUSR2); default',
    '  resolvers read plain properties. The framework\'s own cost; warm only, every scenario (narrow and full). Before',
    '  issue 15, stock had its own narrow SDL and normalized the provider samples itself: its narrow figures then and now',
    '  are not the same measurement.',
    '- **jit**: the same schema and snapshots executed by graphql-jit 0.8.9 on plain `node:http` (`bench/jit-anchor.mjs`):',
    '  each query text parsed, validated and compiled once (cached), `JSON.stringify` of the result. Warm only.',
    '- Each request: `_entities` with N representations alternating Digidonar and Simpsy; "2x dup" = N representations',
    '  over N/2 distinct accounts, each twice. Query fields: provider, accountId, profile, coins, plan, monthlyTotal.',
    '- **warm full**: 250 representations, every fifth repeating the one four before it (200 distinct accounts + 50',
    '  duplicates), at 8 connections, selecting every `Account` field three levels deep (`FULL_QUERY` in',
    '  `bench/harness.mjs`: profile with adminPhone, coins, validity with its timestamps, freshness with refreshError,',
    '  deskPhones and dids with monthlyPrice, plan, addons, creditLimit, billingCycle, callRoute, paymentMethod,',
    '  monthlyTotal, monthlyCharges, invoices with default arguments).',
    '- check: `ok` when the target answered 200 without errors, N entities with their provider\'s data, and the same',
    '  bytes as the subgraph (subgraph-js and baseline keep their own cache, so their `fetchedAt`/`ageSeconds` may differ:',
    '  compared without those two; naive has its own narrow schema and is not compared byte for byte). The check is',
    '  retried up to 5 times with fresh snapshots when an age ticks over a second between capture and reference.',
    '- **hot account**: `bench/refresh-ahead.bench.ts`, spawned by `npm run bench`: three in-process subgraphs over one',
    '  fake Digidonar, each serving one account to workers that take turns between them: warm (TTL longer than the',
    '  run), refresh-ahead on and off (TTL shorter than the run). Calls per refresh = upstream calls during the run /',
    '  distinct `fetchedAt` values served (after the run, refreshes still in flight land and are read once more).',
    '- upstream/req = calls the fakes answered for that target (each target has its own pair of fake servers), counted after',
    '  the target went quiet, / requests autocannon sent (requests still in flight at the end of a run are abandoned by',
    '  autocannon but finished by the target). "1 request alone" = calls for one request with nothing else in flight. Under',
    '  load, concurrent requests for the same account share one call (in-flight coalescing), so c=32 rows are below distinct.',
    '- CPU = utime+stime of the server process (/proc/<pid>/stat) / responses; RSS = peak VmRSS sampled every 50 ms.',
    '',
    '## This subgraph',
    '',
    '| scenario | distinct/req | upstream, 1 request alone | upstream/req under load | p50 ms | p99 ms | req/s | peak RSS MB | CPU ms/req | resp bytes | check |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const s = r.runs.subgraph;
    lines.push(`| ${r.scenario} | ${s.distinctPerRequest} | ${s.upstreamSingleRequest} | ${f(s.upstreamPerRequest, 2)} | ${f(s.p50Ms, 0)} | ${f(s.p99Ms, 0)} | ${f(s.reqPerSec)} | ${f(s.peakRssMb, 0)} | ${f(s.cpuMsPerRequest, 2)} | ${r.responseBytes} | ${s.verified}${s.non2xx ? `, ${s.non2xx} non-2xx` : ''}${s.errors ? `, ${s.errors} errors` : ''} |`);
  }
  lines.push(
    '',
    '## Side by side',
    '',
    'Ratios: p50 = subgraph / other (lower is better for the subgraph); req/s = subgraph / other (higher is better).',
    '',
    '| scenario | floor p50 / req/s | p50 vs floor | naive p50 / req/s / upstream (1 request alone) | req/s vs naive | stock p50 / req/s | req/s vs stock | peak RSS MB (floor / naive / stock) | CPU ms/req (floor / naive / stock) |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const s = r.runs.subgraph;
    const fl = r.runs.floor;
    const nv = naiveFor(results, r);
    const st = r.runs.stock;
    const naiveCell = nv ? `${f(nv.p50Ms, 0)} / ${f(nv.reqPerSec)} / ${nv.upstreamSingleRequest}${r.cache ? ' (cold)' : ''}${nv.verified !== 'ok' ? ` [${nv.verified}]` : ''}` : 'n/a';
    lines.push(
      `| ${r.scenario} | ${f(fl.p50Ms, 0)} / ${f(fl.reqPerSec)} | ${ratio(s.p50Ms, fl.p50Ms)} | ${naiveCell} | ${ratio(s.reqPerSec, nv?.reqPerSec)} | ${st ? `${f(st.p50Ms, 0)} / ${f(st.reqPerSec)}` : '—'} | ${st ? ratio(s.reqPerSec, st.reqPerSec) : '—'} | ${f(fl.peakRssMb, 0)} / ${nv && !r.cache ? f(nv.peakRssMb, 0) : '—'} / ${st ? f(st.peakRssMb, 0) : '—'} | ${f(fl.cpuMsPerRequest, 2)} / ${nv && !r.cache ? f(nv.cpuMsPerRequest, 2) : '—'} / ${st ? f(st.cpuMsPerRequest, 2) : '—'} |`,
    );
  }
  if (machine.baseline && results.some((r) => r.runs.baseline)) {
    lines.push(
      '',
      `## Before and after, in this run`,
      '',
      `baseline = the subgraph built from commit ${machine.baseline} (\`bash bench/baseline.sh ${machine.baseline}\`), run beside the current build`,
      '(`BENCH_BASELINE=1`) over the same fakes. Ratios are current / baseline: p50 and CPU lower is better, req/s higher is better.',
      '',
      '| scenario | baseline p50 / req/s / CPU ms/req | current p50 / req/s / CPU ms/req | p50 ratio | req/s ratio | CPU ratio |',
      '|---|---|---|---|---|---|',
    );
    for (const r of results.filter((row) => row.runs.baseline)) {
      const s = r.runs.subgraph;
      const b = r.runs.baseline;
      lines.push(
        `| ${r.scenario} | ${f(b.p50Ms, 0)} / ${f(b.reqPerSec)} / ${f(b.cpuMsPerRequest, 2)} | ${f(s.p50Ms, 0)} / ${f(s.reqPerSec)} / ${f(s.cpuMsPerRequest, 2)} | ${ratio(s.p50Ms, b.p50Ms)} | ${ratio(s.reqPerSec, b.reqPerSec)} | ${ratio(s.cpuMsPerRequest, b.cpuMsPerRequest)} |`,
      );
    }
  }
  const cold50 = results.filter((r) => !r.cache && r.n === 50);
  const warm500 = results.filter((r) => r.cache && !r.full && r.n === 500);
  // Exact: one request alone costs one call per distinct account; under load never more (c=1: exactly that).
  const exactRow = (r) => {
    const s = r.runs.subgraph;
    const underLoad = s.upstreamPerRequest;
    const loadOk = underLoad != null && (r.connections === 1 ? Math.abs(underLoad - s.distinctPerRequest) < 1e-9 : underLoad <= s.distinctPerRequest);
    return s.upstreamSingleRequest === s.distinctPerRequest && loadOk;
  };
  const exact = results.filter((r) => !r.cache).every(exactRow);
  const soakFile = join(root, 'bench/soak.json');
  const soak = existsSync(soakFile) ? JSON.parse(readFileSync(soakFile, 'utf8')) : null;
  const soakFlat = soak ? soak.seconds >= 120 && Math.abs(soak.growthPercent) <= 10 : null;
  if (soak) {
    lines.push(
      '',
      '## Memory soak',
      '',
      `\`npm run bench:soak\` (run ${soak.date}): ${soak.seconds} s at ${soak.connections} connections, N=${soak.n} per request rotating over every account,`,
      `accounts refreshed every second (TTL 1 s), so upstream calls, normalization and cache writes run throughout.`,
      `${soak.requests} requests (${soak.reqPerSec.toFixed(0)} req/s, ${soak.non2xx} non-2xx, ${soak.errors} errors). RSS: ${soak.rssAfterWarmupMb.toFixed(0)} MB after`,
      `the 15 s warm-up, ${soak.rssAtEndMb.toFixed(0)} MB over the last 15 s (${soak.growthPercent.toFixed(1)}%), peak ${soak.rssPeakMb.toFixed(0)} MB,`,
      `least-squares slope after warm-up ${soak.slopeMbPerMinute.toFixed(2)} MB/min. Samples (s, MB) are in \`bench/soak.json\`.`,
    );
  }
  if (refresh) {
    const cfg = refresh.settings;
    lines.push(
      '',
      '## Hot account under refresh-ahead',
      '',
      `\`npm run bench:refresh-ahead\` as run by \`npm run bench\`: ${cfg.seconds} s, ${cfg.concurrency} workers, upstream latency ${cfg.latencyMs} ms,`,
      `TTL ${cfg.ttlSeconds} s and refresh-ahead window ${cfg.windowSeconds} s for the two short-TTL variants, Node ${cfg.node}.`,
      '',
      ...refresh.table,
    );
  }
  lines.push(
    '',
    '## Earlier targets (reported, not asserted)',
    '',
    `- Upstream calls per request = distinct accounts, exactly (cold rows; under load at c=32, at most that): **${exact ? 'met' : 'not met'}** ` +
      `(${results.filter((r) => !r.cache).map((r) => `${r.scenario}: ${r.runs.subgraph.upstreamSingleRequest} alone, ${f(r.runs.subgraph.upstreamPerRequest, 2)}/req under load, vs ${r.runs.subgraph.distinctPerRequest} distinct`).join('; ')}).`,
    `- Cold N=50 p50 within 1.25x of the floor: ${cold50.map((r) => `${r.scenario}: ${ratio(r.runs.subgraph.p50Ms, r.runs.floor.p50Ms)} (${(r.runs.subgraph.p50Ms ?? Infinity) <= 1.25 * r.runs.floor.p50Ms ? 'met' : 'not met'})`).join('; ')}.`,
    `- RSS flat over a 2-minute soak (end within 10% of after warm-up): ${soak ? `${soak.growthPercent.toFixed(1)}% over ${soak.seconds} s (${soakFlat ? 'met' : 'not met'})` : 'not run (npm run bench:soak)'}.`,
    `- Warm N=500 req/s >= 1.0x stock (now 2.0x at c=1, above): ${warm500.map((r) => `${r.scenario}: ${ratio(r.runs.subgraph.reqPerSec, r.runs.stock?.reqPerSec)} (${r.runs.subgraph.reqPerSec >= (r.runs.stock?.reqPerSec ?? Infinity) ? 'met' : 'not met'})`).join('; ')}.`,
    '',
    '## Reading these figures',
    '',
    '- Each cell is one run of the stated seconds on a shared 2-core machine, so single cells move by 10-20% between',
    '  runs; slow rows move most (cold N=500 at c=1 completes only a handful of requests). Compare targets within a',
    '  row, and for a claim, rerun the rows it rests on longer: `BENCH_ONLY=\'^cold N=50 c=1\' BENCH_DURATION=6 npm run bench`.',
    '- Targets are measured one after another, so load from other processes on the machine lands on some and not on',
    '  others: two targets running the same code (subgraph and subgraph-js before the compiled executor, or a baseline',
    '  of the same code) show the run\'s noise, up to 1.3-1.5x in a single req/s cell at 3 s on a busy 2-core machine.',
    '  CPU ms/req moves less than req/s; for a claim, rerun the row longer (`BENCH_ONLY=\'^warm full\' BENCH_DURATION=10`).',
    '- At c=32 the subgraph makes fewer upstream calls than distinct accounts: concurrent requests for one account share',
    '  a call even with the cache off. The floor does not, so at c=32 "p50 vs floor" is below 1x; the c=1 rows are the',
    '  clean comparison with the floor.',
    '- The floor reads each upstream body as bytes and answers precomputed bytes; the subgraph parses, validates and',
    '  normalizes every body (exact money, E.164 numbers, zoned dates, reconciliation) and executes GraphQL. The gap',
    '  at cold c=1 is that work; `npm run bench:layers` splits it per upstream call.',
    '- Every target has its own pair of fake servers, and upstream calls are counted after the target went quiet, so work',
    '  left over from abandoned requests (the naive subgraph at N=500 x 32) is never counted against another target;',
    '  a target still busy 10 s after its run is restarted before the next one.',
    '',
    '## p50 latency against N',
    '',
    '![p50 latency against N](bench/p50-latency.svg)',
    '',
  );
  writeFileSync(join(root, 'BENCHMARKS.md'), `${lines.join('\n')}`);
  writeFileSync(join(root, 'bench/p50-latency.svg'), svg(results));
}

// `node bench/report.mjs` rewrites BENCHMARKS.md and the chart from bench/results.json (and
// bench/soak.json), e.g. after a new soak, without running the benchmark again.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  // An argument: another results file (a partial run's, from its temporary directory).
  const { machine, results, refreshAhead } = JSON.parse(readFileSync(process.argv[2] ?? join(root, 'bench/results.json'), 'utf8'));
  writeReport(root, machine, results, refreshAhead ?? null);
}
