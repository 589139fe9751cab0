/**
 * OpenTelemetry tracing, off unless the standard OTEL_* variables ask for it.
 *
 * main.ts imports this module before anything else, so that the GraphQL and DataLoader
 * instrumentations can patch those modules when they are first required (undici is observed
 * through its diagnostics channels, which works whatever the load order).
 *
 * What is traced: each request to /graphql (a server span that continues the router's trace
 * from its `traceparent` header, so parse, validate and execute share one trace), each GraphQL
 * operation (parse, validate, execute, and top-level field resolvers only), each DataLoader
 * batch, and each upstream HTTP call. Other paths (/metrics, /healthz, /readyz, and the
 * sandbox's fake providers in sandbox mode) are not traced; outgoing node:http is not either.
 *
 * Simpsy's upstream URL carries `?key=…&secret=…`. Two independent defences keep it out of
 * anything exported:
 *  1. the undici instrumentation's startSpanHook replaces `url.full` with the URL without its
 *     query string and drops `url.query`, before the span exists; the span name is the method
 *     (the server span on /graphql drops `url.query` the same way);
 *  2. every span goes through {@link CredentialScrubbingSpanProcessor} before it reaches the
 *     exporter: any name, attribute, event, link or status message that still holds a
 *     `key=`/`secret=` parameter has the query string, or failing that the parameter, removed.
 * Request headers are never recorded (Digidonar's Basic credentials travel in one).
 *
 * This module imports nothing from src/, and loads the SDK only when tracing is on: with
 * tracing off it costs one look at the environment.
 */
import type { Attributes, AttributeValue, Context, DiagLogger, Link, SpanStatus } from '@opentelemetry/api';
import type { BatchSpanProcessorOptions, ReadableSpan, Span, SpanExporter, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace';
import type { UndiciRequest } from '@opentelemetry/instrumentation-undici';
import type { IncomingMessage } from 'node:http';

type Env = Record<string, string | undefined>;

const DEFAULT_SERVICE_NAME = 'billing-subgraph';

/** A running tracing setup. */
export interface Tracing {
  /** Exports the spans still buffered. */
  forceFlush(): Promise<void>;
  /** Exports what is buffered, then stops tracing (instrumentations stay inert). */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Where the configuration is read; process.env by default. */
  env?: Env;
  /**
   * Exports spans here instead of where OTEL_TRACES_EXPORTER says (tests pass an
   * InMemorySpanExporter). Starts tracing even when no OTEL_* variable asks for it.
   */
  exporter?: SpanExporter;
  /** Hands each span to the exporter as it ends rather than in batches (tests, console). */
  exportImmediately?: boolean;
}

function present(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function exporterNames(env: Env): string[] {
  return (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'null');
}

/**
 * Whether the environment asks for tracing: an OTLP endpoint or a traces exporter is named,
 * the SDK is not disabled (OTEL_SDK_DISABLED=true) and the exporter is not "none".
 */
export function tracingRequested(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const names = exporterNames(env);
  if (names[0] === 'none') return false;
  return (
    names.length > 0 || present(env.OTEL_EXPORTER_OTLP_ENDPOINT) || present(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  );
}

// ---------------------------------------------------------------------------------------------
// Scrubbing

/** A query string (from its "?") that holds a key or secret parameter, possibly URL-encoded. */
const QUERY_WITH_CREDENTIAL = /\?[^\s"'<>`#]*?(?:key|secret)(?:=|%3D)[^\s"'<>`#]*/gi;
/** A key or secret parameter outside a recognisable query string. */
const CREDENTIAL_PARAMETER = /[\w.%-]*(?:key|secret)(?:=|%3D)[^\s&"'<>`#,;]*/gi;
const MAY_HOLD_CREDENTIAL = /(?:key|secret)(?:=|%3D)/i;

/** Removes query strings holding `key=`/`secret=`, then any such parameter left. Unchanged strings are returned as is. */
export function scrubCredentials(value: string): string {
  if (!MAY_HOLD_CREDENTIAL.test(value)) return value;
  return value.replace(QUERY_WITH_CREDENTIAL, '').replace(CREDENTIAL_PARAMETER, '[REDACTED]');
}

function scrubValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return scrubCredentials(value);
  if (Array.isArray(value) && value.some((item) => typeof item === 'string')) {
    let changed = false;
    const items = value.map((item) => {
      if (typeof item !== 'string') return item;
      const scrubbed = scrubCredentials(item);
      if (scrubbed !== item) changed = true;
      return scrubbed;
    });
    return changed ? (items as AttributeValue) : value;
  }
  return value;
}

/** The attributes with credentials removed, or the same object when there were none. */
function scrubAttributes(attributes: Attributes): Attributes;
function scrubAttributes(attributes: Attributes | undefined): Attributes | undefined;
function scrubAttributes(attributes: Attributes | undefined): Attributes | undefined {
  if (attributes === undefined) return undefined;
  let result: Attributes | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    const scrubbedKey = scrubCredentials(key);
    const scrubbed = scrubValue(value);
    if (scrubbedKey === key && scrubbed === value) continue;
    result ??= { ...attributes };
    delete result[key];
    result[scrubbedKey] = scrubbed;
  }
  return result ?? attributes;
}

function scrubEvents(events: TimedEvent[]): TimedEvent[] {
  let result: TimedEvent[] | undefined;
  events.forEach((event, index) => {
    const name = scrubCredentials(event.name);
    const attributes = scrubAttributes(event.attributes);
    if (name === event.name && attributes === event.attributes) return;
    result ??= [...events];
    result[index] = { ...event, name, ...(attributes === undefined ? {} : { attributes }) };
  });
  return result ?? events;
}

function scrubLinks(links: Link[]): Link[] {
  let result: Link[] | undefined;
  links.forEach((link, index) => {
    const attributes = scrubAttributes(link.attributes);
    if (attributes === link.attributes) return;
    result ??= [...links];
    result[index] = { ...link, ...(attributes === undefined ? {} : { attributes }) };
  });
  return result ?? links;
}

function scrubStatus(status: SpanStatus): SpanStatus {
  if (status.message === undefined) return status;
  const message = scrubCredentials(status.message);
  return message === status.message ? status : { ...status, message };
}

/** The span as it may be exported: the same object when it holds no credential, else a scrubbed copy. */
export function scrubSpan(span: ReadableSpan): ReadableSpan {
  const name = scrubCredentials(span.name);
  const attributes = scrubAttributes(span.attributes);
  const events = scrubEvents(span.events);
  const links = scrubLinks(span.links);
  const status = scrubStatus(span.status);
  if (
    name === span.name &&
    attributes === span.attributes &&
    events === span.events &&
    links === span.links &&
    status === span.status
  ) {
    return span;
  }
  return {
    name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status,
    attributes,
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Hands every call on to the next processor; subclasses change only what reaches onEnd. */
abstract class ForwardingSpanProcessor implements SpanProcessor {
  constructor(protected readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    this.next.onEnding?.(span);
  }

  abstract onEnd(span: ReadableSpan): void;

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** Wraps the processor that exports: every ended span is scrubbed of credentials before it gets it. */
export class CredentialScrubbingSpanProcessor extends ForwardingSpanProcessor {
  onEnd(span: ReadableSpan): void {
    this.next.onEnd(scrubSpan(span));
  }
}

const GRAPHQL_SCOPE = '@opentelemetry/instrumentation-graphql';

/**
 * Passes on every span but GraphQL work done outside any request: building the schema at
 * start-up parses SDL and runs introspection, which would show as a dozen one-span traces.
 */
export class WithoutStartupGraphqlSpans extends ForwardingSpanProcessor {
  onEnd(span: ReadableSpan): void {
    if (span.parentSpanContext === undefined && span.instrumentationScope.name === GRAPHQL_SCOPE) return;
    this.next.onEnd(span);
  }
}

// ---------------------------------------------------------------------------------------------
// Upstream URLs

/** The request's URL without query string, fragment or user info; undefined when it does not parse. */
function urlWithoutQuery(request: Pick<UndiciRequest, 'origin' | 'path'>): string | undefined {
  try {
    const url = new URL(request.path, request.origin);
    url.search = '';
    url.hash = '';
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

/** Attributes that replace the instrumentation's own before the span starts. */
export function upstreamSpanAttributes(request: Pick<UndiciRequest, 'origin' | 'path'>): Attributes {
  // An undefined value removes the attribute: the query string is not recorded at all.
  return { 'url.full': urlWithoutQuery(request), 'url.query': undefined };
}

/** The only path whose incoming requests are traced. */
const GRAPHQL_PATH = '/graphql';

function incomingPath(request: Pick<IncomingMessage, 'url'>): string {
  const url = request.url ?? '';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// Set-up

/** Writes OpenTelemetry's own diagnostics to stderr, scrubbed, when OTEL_LOG_LEVEL asks for them. */
function scrubbingDiagLogger(): DiagLogger {
  const write = (level: string, message: string, args: unknown[]): void => {
    const parts = [message, ...args].map((arg) => {
      if (typeof arg === 'string') return arg;
      if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
      try {
        return JSON.stringify(arg);
      } catch {
        return String(arg);
      }
    });
    process.stderr.write(`opentelemetry ${level}: ${scrubCredentials(parts.join(' '))}\n`);
  };
  return {
    error: (message, ...args) => write('error', message, args),
    warn: (message, ...args) => write('warn', message, args),
    info: (message, ...args) => write('info', message, args),
    debug: (message, ...args) => write('debug', message, args),
    verbose: (message, ...args) => write('verbose', message, args),
  };
}

/** The exporter OTEL_TRACES_EXPORTER names (OTLP by default, over OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL). */
function exporterFromEnv(env: Env): { exporter: SpanExporter; immediate: boolean } {
  const names = exporterNames(env);
  const name = names.length === 0 || names.includes('none') ? 'otlp' : (names[0] as string);
  if (names.length > 1) {
    process.stderr.write(`billing-subgraph: OTEL_TRACES_EXPORTER names several exporters; using "${name}"\n`);
  }
  if (name === 'console') {
    const { ConsoleSpanExporter } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
    return { exporter: new ConsoleSpanExporter(), immediate: true };
  }
  if (name !== 'otlp') {
    throw new Error(`OTEL_TRACES_EXPORTER "${name}" is not supported here (use otlp, console or none)`);
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  switch (protocol) {
    case 'http/json': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return { exporter: new OTLPTraceExporter(), immediate: false };
    }
    case 'grpc': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return { exporter: new OTLPTraceExporter(), immediate: false };
    }
    case 'http/protobuf': {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return { exporter: new OTLPTraceExporter(), immediate: false };
    }
    default:
      throw new Error(`OTLP protocol "${protocol}" is not supported (use http/protobuf, http/json or grpc)`);
  }
}

/** The standard OTEL_BSP_* batch settings: since SDK 3, a BatchSpanProcessor built in code no longer reads them itself. */
export function batchOptionsFromEnv(env: Env): Omit<BatchSpanProcessorOptions, 'exporter'> {
  const positive = (name: string): number | undefined => {
    const value = Number(env[name]?.trim() || Number.NaN);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const options = {
    maxQueueSize: positive('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: positive('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: positive('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: positive('OTEL_BSP_EXPORT_TIMEOUT'),
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

let active: Tracing | null = null;

/**
 * Starts the SDK: HTTP server (/graphql only), GraphQL, DataLoader and undici instrumentations, spans scrubbed of credentials,
 * then exported to `options.exporter` or to the one the environment names. Only traces: metrics
 * stay with prom-client and logs with pino. Returns null when the SDK is disabled by
 * OTEL_SDK_DISABLED. Call it before graphql and dataloader are first required.
 */
export function startTracing(options: TracingOptions = {}): Tracing | null {
  if (active) throw new Error('tracing is already started');
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;

  const { diag, DiagLogLevel } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BatchSpanProcessor, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { DataloaderInstrumentation } = require('@opentelemetry/instrumentation-dataloader') as typeof import('@opentelemetry/instrumentation-dataloader');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');

  const chosen = options.exporter
    ? { exporter: options.exporter, immediate: options.exportImmediately ?? false }
    : exporterFromEnv(env);
  const immediate = options.exportImmediately ?? chosen.immediate;
  const exporting = immediate
    ? new SimpleSpanProcessor({ exporter: chosen.exporter })
    : new BatchSpanProcessor({ exporter: chosen.exporter, ...batchOptionsFromEnv(env) });

  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read by the resource detectors, override this default.
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME })),
    spanProcessors: [new WithoutStartupGraphqlSpans(new CredentialScrubbingSpanProcessor(exporting))],
    // Traces only: no OTLP metrics or logs by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Only to continue the router's trace and hold one request's spans together: upstream
        // calls go through undici, traced below.
        disableOutgoingRequestInstrumentation: true,
        ignoreIncomingRequestHook: (request) => incomingPath(request) !== GRAPHQL_PATH,
        startIncomingSpanHook: () => ({ 'url.query': undefined, 'http.route': GRAPHQL_PATH }),
        requestHook: (span, request) => span.updateName(`${(request as IncomingMessage).method ?? 'GET'} ${GRAPHQL_PATH}`),
      }),
      new GraphQLInstrumentation({
        // One span per operation phase, plus the top-level fields (the ones that load accounts);
        // nested field resolvers would be one span per field per account.
        depth: 1,
        mergeItems: true,
        ignoreTrivialResolveSpans: true,
        allowValues: false,
      }),
      new DataloaderInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({
        startSpanHook: upstreamSpanAttributes,
        // Belt and braces, should a later version apply hook attributes before its own.
        requestHook: (span, request) => {
          const url = urlWithoutQuery(request);
          if (url !== undefined) span.setAttribute('url.full', url);
        },
        // No headersToSpanAttributes: request headers carry Basic credentials.
      }),
    ],
  });
  // Set after the SDK, which installs an unscrubbed console logger when OTEL_LOG_LEVEL is set.
  if (present(env.OTEL_LOG_LEVEL)) {
    const level = env.OTEL_LOG_LEVEL!.trim().toUpperCase() as keyof typeof DiagLogLevel;
    diag.disable();
    diag.setLogger(scrubbingDiagLogger(), { logLevel: DiagLogLevel[level] ?? DiagLogLevel.INFO });
  }
  sdk.start();

  const tracing: Tracing = {
    forceFlush: () => exporting.forceFlush(),
    async shutdown() {
      if (active === tracing) active = null;
      await sdk.shutdown();
    },
  };
  active = tracing;
  return tracing;
}

/** Stops the tracing this process started, exporting what is buffered; does nothing when none runs. */
export async function shutdownTracing(): Promise<void> {
  await active?.shutdown();
}

/** Whether tracing runs in this process. */
export function tracingActive(): boolean {
  return active !== null;
}

if (tracingRequested()) {
  try {
    startTracing();
  } catch (error) {
    // Tracing is an aid: a bad OTEL_* setting must not stop the subgraph.
    process.stderr.write(`billing-subgraph: tracing not started: ${scrubCredentials((error as Error).message)}\n`);
  }
}
