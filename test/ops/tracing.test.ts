import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  batchOptionsFromEnv,
  CredentialScrubbingSpanProcessor,
  scrubCredentials,
  tracingRequested,
  upstreamSpanAttributes,
} from '../../src/observability/tracing';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';

/** Every demo account the sandbox serves, whatever its provider. */
const listSandboxAccounts = () => INSTALLED_PROVIDERS.flatMap((module) => module.fake.demoAccounts.map((a) => ({ ...a, provider: module.id })));

// OpenTelemetry tracing: off by default; when on, one trace per request from the /graphql server
// span down to each upstream call, and never a credential in anything exported.

const ROOT = resolve(__dirname, '../..');
const OTEL_VARIABLES = Object.keys(process.env).filter((name) => name.startsWith('OTEL_'));

/** Every sandbox credential, and the query-string shapes that would carry one. */
const FORBIDDEN = [
  ...listSandboxAccounts().flatMap((account) => [account.key, account.secret]),
  'secret=',
  'key=',
  'secret%3D',
  'key%3D',
];

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return FORBIDDEN.filter((forbidden) => lower.includes(forbidden.toLowerCase()));
}

describe('tracing is off unless OTEL_* asks for it', () => {
  test.each<[string, Record<string, string>, boolean]>([
    ['nothing set', {}, false],
    ['only a service name', { OTEL_SERVICE_NAME: 'x' }, false],
    ['an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    ['an OTLP traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    ['a traces exporter', { OTEL_TRACES_EXPORTER: 'otlp' }, true],
    ['the exporter "none"', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, false],
    ['the SDK disabled', { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, false],
    ['an empty endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, false],
  ])('%s', (_name, env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });

  test('loading the module with no OTEL_* variable starts nothing', () => {
    const saved = Object.fromEntries(OTEL_VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of OTEL_VARIABLES) delete process.env[name];
    try {
      jest.isolateModules(() => {
        const tracing = require('../../src/observability/tracing') as typeof import('../../src/observability/tracing');
        expect(tracing.tracingActive()).toBe(false);
        const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
        const span = api.trace.getTracer('probe').startSpan('probe');
        expect(span.isRecording()).toBe(false);
        span.end();
      });
    } finally {
      Object.assign(process.env, saved);
    }
  });
});

describe('batch export settings', () => {
  test('the standard OTEL_BSP_* variables reach the batch processor; unreadable or non-positive ones are left to its defaults', () => {
    expect(
      batchOptionsFromEnv({
        OTEL_BSP_MAX_QUEUE_SIZE: '4096',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: ' 256 ',
        OTEL_BSP_SCHEDULE_DELAY: '0',
        OTEL_BSP_EXPORT_TIMEOUT: 'soon',
      }),
    ).toEqual({ maxQueueSize: 4096, maxExportBatchSize: 256 });
    expect(batchOptionsFromEnv({})).toEqual({});
  });
});

describe('credentials never reach a span', () => {
  const simpsy = listSandboxAccounts().find((account) => account.provider === 'SIMPSY')!;
  const query = `key=${simpsy.key}&secret=${simpsy.secret}`;
  const url = `http://127.0.0.1:4000/api/v1/billing/details?${query}`;

  test('first line: the undici start hook records the URL without its query string', () => {
    expect(upstreamSpanAttributes({ origin: 'http://127.0.0.1:4000', path: `/api/v1/billing/details?${query}` })).toEqual({
      'url.full': 'http://127.0.0.1:4000/api/v1/billing/details',
      'url.query': undefined,
    });
  });

  test('second line: the processor scrubs names, attributes, events, links and status before export', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new CredentialScrubbingSpanProcessor(new SimpleSpanProcessor({ exporter }))],
    });
    const tracer = provider.getTracer('test');
    const linked = tracer.startSpan('linked');
    linked.end();
    const span = tracer.startSpan(`GET ${url}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'url.full': url,
        'url.query': `?${query}`,
        'http.url': url,
        'http.target': `/api/v1/billing/details?${query}`,
        'urls': [url, 'http://example.com/plain'],
        'server.address': '127.0.0.1',
      },
      links: [{ context: linked.spanContext(), attributes: { from: url } }],
    });
    span.addEvent('retry', { 'url.full': url });
    span.recordException(new Error(`connect ECONNREFUSED for ${url}`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `request to ${url} failed` });
    span.end();
    const clean = tracer.startSpan('clean', { attributes: { 'url.full': 'http://127.0.0.1:4000/x' } });
    clean.end();

    const [, scrubbed, untouched] = exporter.getFinishedSpans();
    const text = JSON.stringify({
      name: scrubbed!.name,
      attributes: scrubbed!.attributes,
      events: scrubbed!.events,
      links: scrubbed!.links.map((link) => link.attributes),
      status: scrubbed!.status,
    });
    expect(leaks(text)).toEqual([]);
    expect(scrubbed!.name).toBe('GET http://127.0.0.1:4000/api/v1/billing/details');
    expect(scrubbed!.attributes).toMatchObject({
      'url.full': 'http://127.0.0.1:4000/api/v1/billing/details',
      'url.query': '',
      'http.target': '/api/v1/billing/details',
      'urls': ['http://127.0.0.1:4000/api/v1/billing/details', 'http://example.com/plain'],
      'server.address': '127.0.0.1',
    });
    expect(scrubbed!.spanContext().traceId).toBe(span.spanContext().traceId);
    expect(scrubbed!.status.message).toBe('request to http://127.0.0.1:4000/api/v1/billing/details failed');
    // A span with nothing to scrub is passed on as it is, without a copy.
    expect(Object.getPrototypeOf(untouched)).not.toBe(Object.prototype);
    await provider.shutdown();
  });

  test('a credential parameter outside a URL is redacted', () => {
    expect(scrubCredentials(`bad input: key=${simpsy.key}, secret=${simpsy.secret}`)).toBe('bad input: [REDACTED], [REDACTED]');
    expect(scrubCredentials('no credentials here?a=1')).toBe('no credentials here?a=1');
  });
});

/**
 * Runs in a child process so that the instrumentations patch graphql and dataloader before the
 * app requires them (jest's module registry bypasses Node's require hooks). It starts tracing
 * into an InMemorySpanExporter, builds the app over the sandbox like the harness does, queries two
 * Simpsy accounts (their URLs carry key and secret) and a Digidonar one, and prints the spans.
 */
const CHILD = `
const { InMemorySpanExporter } = require('@opentelemetry/sdk-trace');
const tracing = require('./src/observability/tracing');
const exporter = new InMemorySpanExporter();
const handle = tracing.startTracing({ exporter, exportImmediately: true });
require('reflect-metadata');
const { startHarness } = require('./test/support/harness');
(async () => {
  const harness = await startHarness();
  const response = await harness.query(\`{
    acme: account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } }
    lapsed: account(provider: SIMPSY, accountId: "lapsed-voice") { accountId plan { name } }
    lavi: account(provider: DIGIDONAR, accountId: "1408847") { accountId profile { companyName } }
  }\`);
  const upstreamCalls = harness.upstreamCalls();
  const { SIMPSY: simpsyBaseUrl, DIGIDONAR: digidonarBaseUrl } = harness.sandbox.baseUrls;
  await harness.close();
  await handle.forceFlush();
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    kind: s.kind,
    scope: s.instrumentationScope.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext ? s.parentSpanContext.spanId : null,
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: s.links.map((l) => l.attributes || {}),
    status: s.status,
    resource: s.resource.attributes,
    copiedByScrubber: Object.getPrototypeOf(s) === Object.prototype,
  }));
  await handle.shutdown();
  process.stdout.write(JSON.stringify({ data: response.data, errors: response.errors, upstreamCalls, simpsyBaseUrl, digidonarBaseUrl, spans }));
})().catch((error) => {
  process.stderr.write(String(error && error.stack));
  process.exitCode = 1;
});
`;

interface ChildSpan {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes?: Record<string, unknown> }>;
  links: Array<Record<string, unknown>>;
  status: { code: number; message?: string };
  resource: Record<string, unknown>;
  copiedByScrubber: boolean;
}

interface ChildResult {
  data: Record<string, { accountId: string } | null>;
  errors?: Array<{ extensions?: { code?: string } }>;
  upstreamCalls: number;
  simpsyBaseUrl: string;
  digidonarBaseUrl: string;
  spans: ChildSpan[];
}

function runChild(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  for (const name of OTEL_VARIABLES) delete env[name];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', CHILD], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('a traced request, end to end', () => {
  let result: ChildResult;
  let spans: ChildSpan[];
  const ancestors = (span: ChildSpan): ChildSpan[] => {
    const chain: ChildSpan[] = [];
    let current: ChildSpan | undefined = span;
    while (current?.parentSpanId) {
      const parentId: string = current.parentSpanId;
      current = spans.find((candidate) => candidate.spanId === parentId);
      if (current) chain.push(current);
    }
    return chain;
  };

  beforeAll(async () => {
    const { code, stdout, stderr } = await runChild();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    result = JSON.parse(stdout) as ChildResult;
    spans = result.spans;
  }, 20_000);

  test('the query answered, with its three upstream calls', () => {
    expect(result.data.acme?.accountId).toBe('acme-voice');
    expect(result.data.lavi?.accountId).toBe('1408847');
    expect(result.data.lapsed).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_PAYMENT_REQUIRED');
    expect(result.upstreamCalls).toBe(3);
  });

  test('spans: the /graphql server span, the operation, a DataLoader batch, one client span per upstream call', () => {
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(server).toMatchObject({ name: 'POST /graphql', attributes: { 'http.route': '/graphql', 'url.path': '/graphql' } });
    expect(server!.resource['service.name']).toBe('billing-subgraph');

    const operation = spans.find((s) => s.scope === '@opentelemetry/instrumentation-graphql' && s.attributes['graphql.operation.type'] === 'query');
    expect(operation).toBeDefined();
    expect(ancestors(operation!)).toContain(server);

    const batches = spans.filter((s) => s.name === 'dataloader.batch');
    expect(batches).toHaveLength(1);
    expect(ancestors(batches[0]!)).toContain(operation);

    const upstream = spans.filter(
      (s) => s.scope === '@opentelemetry/instrumentation-undici' && s.traceId === operation!.traceId && s.spanId !== server!.parentSpanId,
    );
    expect(upstream).toHaveLength(result.upstreamCalls);
    const simpsyUrl = `${result.simpsyBaseUrl}/billing/details`;
    const digidonarUrl = `${result.digidonarBaseUrl}/api_v2/profile_billing_v2`;
    expect(upstream.map((s) => s.attributes['url.full']).sort()).toEqual([simpsyUrl, simpsyUrl, digidonarUrl].sort());
    for (const span of upstream) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes['server.address']).toBe('127.0.0.1');
      expect(span.attributes['url.path']).toBe(new URL(String(span.attributes['url.full'])).pathname);
      expect(span.attributes).not.toHaveProperty(['url.query']);
      expect(span.name).toMatch(/^(GET|POST)$/);
      expect(ancestors(span)).toContain(batches[0]);
    }
  });

  test('no span name, attribute, event, link or status anywhere holds a key, a secret or a credential parameter', () => {
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      const { name, attributes, events, links, status } = span;
      expect({ name, leaks: leaks(JSON.stringify({ name, attributes, events, links, status })) }).toEqual({ name, leaks: [] });
    }
  });

  test('the hooks alone kept the query string out: the scrubbing processor had nothing to copy', () => {
    expect(spans.filter((s) => s.copiedByScrubber).map((s) => s.name)).toEqual([]);
  });

  test('GraphQL work at start-up (schema building) is not exported as stray traces', () => {
    const roots = spans.filter((s) => s.parentSpanId === null);
    // The harness's own client call is the only root: everything else hangs below it.
    expect(roots.map((s) => `${s.scope} ${s.name}`)).toEqual(['@opentelemetry/instrumentation-undici POST']);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
