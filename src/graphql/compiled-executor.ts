import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { TraceFlags, trace } from '@opentelemetry/api';
import { BREAK, execute, getNullableType, GraphQLError, isListType, isObjectType, Kind, locatedError, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { ExecutorMode } from '../config/config';


/** The path one request took. */
export type ExecutionPath = 'compiled' | 'graphql-js';

/**
 * Why a request took the graphql-js path while the compiled one is on (a bounded set: a metric label).
 * - `switched_off`: GRAPHQL_EXECUTOR=graphql-js.
 * - `trace`: the router asked for a federated trace (ftv1), or an OpenTelemetry span is sampled:
 *   both are built from graphql-js's per-field hooks.
 * - `introspection`: `__schema`/`__type`, rare and answered by graphql-js's own resolvers.
 * - `first_sighting`: an operation text not seen before is not worth compiling yet.
 * - `uncompilable`: graphql-jit refused the operation (e.g. a subscription).
 * - `operation_error`: the compiled run stopped before execution (bad variables); graphql-js runs it
 *   again, for its exact error messages.
 */
export type FallbackReason = 'switched_off' | 'trace' | 'introspection' | 'first_sighting' | 'uncompilable' | 'operation_error';

/** Receives the path of each executed request and, for graphql-js, why. */
export type ExecutionObserver = (path: ExecutionPath, reason: FallbackReason | null) => void;

export interface CompiledExecutorOptions {
  readonly mode: ExecutorMode;
  /**
   * The schema Apollo Server validates against and runs graphql-js on. Apollo wraps its field
   * resolvers in place the first time a request wants per-field hooks (ftv1).
   */
  readonly schema: GraphQLSchema;
  /**
   * Another instance of the same schema, built separately, which operations are compiled against:
   * Apollo's wrapping of `schema` would otherwise turn every default property read of a compiled
   * operation into a function call, for good, after the first traced request.
   */
  readonly compileSchema: GraphQLSchema;
  /** Most compiled operations kept (least recently used go first). */
  readonly maxOperations?: number;
  /** Most bytes of operation text whose compiled functions are kept; a proxy for their heap (about 210x). */
  readonly maxSourceBytes?: number;
  /** How many times an operation text is seen before it is compiled (1 compiles on first sight). */
  readonly compileAfter?: number;
  readonly observe?: ExecutionObserver;
}

/** A compiled operation, or why it is left to graphql-js (noted, so it is not tried again). */
type Compiled = CompiledQuery | 'uncompilable' | 'introspection';

const DEFAULT_MAX_OPERATIONS = 500;
/**
 * A compiled operation holds about 210 bytes of heap per byte of its text (measured: 344 KiB for
 * the 1.7 KB full-selection operation of `npm run bench`), so 256 KiB of text is about 55 MiB.
 */
const DEFAULT_MAX_SOURCE_BYTES = 256 * 1024;
/**
 * Compiling costs a few milliseconds of CPU (about 5 ms for the full selection), about as much as
 * running a large operation once with graphql-js: an operation text is compiled when it comes
 * back, so a caller sending every request with a new text (whitespace, aliases) makes the server
 * compile nothing.
 */
const DEFAULT_COMPILE_AFTER = 2;
/** Operation texts whose sightings are counted (keys only: 64 hex characters and a name each). */
const SIGHTINGS_KEPT = 10_000;

/** The header by which a router asks a subgraph for a federated trace. */
const FTV1_HEADER = 'apollo-federation-include-trace';

/** The operation the request runs, as graphql-js picks it. */
function selectedOperation(document: DocumentNode, operationName: string | null): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName === null ? found === undefined : definition.name?.value === operationName) found = definition;
  }
  return found;
}

/** True when a document asks for `__schema` or `__type` anywhere (graphql-js's visitor keeps its own stack). */
function asksForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * graphql-jit's field error as graphql-js would have built it: a GraphQLError whose message
 * plugins may rewrite, whose extensions are its original error's, and that serializes the same.
 * graphql-js passes on, unchanged, an error that already has a path; so does this.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const { originalError } = error;
  if (originalError instanceof GraphQLError && originalError.path !== undefined) return originalError;
  // graphql-js wraps a field that broke its non-null promise in a plain Error of the same message.
  const converted = new GraphQLError(error.message, { path: error.path, originalError: originalError ?? new Error(error.message) });
  if (error.locations !== undefined) (converted as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return converted;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/** What graphql-js makes of a rejection: the Error itself, or its own Error saying what was thrown. */
const asError = (reason: unknown): Error => (reason instanceof Error ? reason : (locatedError(reason, undefined).originalError ?? new Error('Unexpected error value')));

/**
 * A list whose items are promises, with each rejection turned into its Error: the items still
 * complete one by one, so errors keep graphql-js's order (the order they happened in).
 */
function settleItems(value: unknown): unknown {
  if (!Array.isArray(value) || !value.some(isThenable)) return value;
  return value.map((item) => (isThenable(item) ? Promise.resolve(item).then(undefined, asError) : item));
}

/**
 * Makes every list-returning resolver of the schema to compile against return items that never
 * reject. In graphql-jit 0.8.9 a list item that rejects is put at the end of the list instead of
 * at its index; an item that resolves to an Error is that item's error at its own path, as in
 * graphql-js (`_entities` and `accounts` fail per item).
 */
function settleListItems(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || !isListType(getNullableType(field.type))) continue;
      field.resolve = (source, args, context, info) => {
        const result = resolve(source, args, context, info);
        return isThenable(result) ? Promise.resolve(result).then(settleItems) : settleItems(result);
      };
    }
  }
}

/** True when the request's OpenTelemetry span is sampled: its GraphQL spans come from graphql-js. */
function isSampled(): boolean {
  const span = trace.getActiveSpan();
  return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
}

/**
 * Runs operations inside Apollo Server through its gateway interface: graphql-jit's compiled
 * function for an operation text seen before, graphql-js otherwise. Apollo still parses,
 * validates, applies limits and plugins, and formats errors; only execution changes hands.
 * Results and errors are those of graphql-js (the test suite runs on both paths).
 */
export class CompiledExecutor {
  readonly #options: CompiledExecutorOptions;
  readonly #compiled: LRUCache<string, Compiled>;
  readonly #sightings = new LRUCache<string, number>({ max: SIGHTINGS_KEPT });
  readonly #compileAfter: number;
  #compilations = 0;

  constructor(options: CompiledExecutorOptions) {
    this.#options = options;
    if (options.mode === 'compiled') {
      if (options.compileSchema === options.schema) throw new Error('the compiled executor needs its own instance of the schema');
      settleListItems(options.compileSchema);
    }
    this.#compileAfter = Math.max(1, options.compileAfter ?? DEFAULT_COMPILE_AFTER);
    this.#compiled = new LRUCache<string, Compiled>({
      max: options.maxOperations ?? DEFAULT_MAX_OPERATIONS,
      maxSize: options.maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES,
      // Set per entry in #compile (the operation text's length).
      sizeCalculation: () => 1,
    });
  }

  /** Operations compiled since start (cache misses that compiled). */
  get compilations(): number {
    return this.#compilations;
  }

  /** Compiled operations held now. */
  get size(): number {
    return this.#compiled.size;
  }

  /** Apollo Server's gateway: hands it the schema once and executes every request. */
  gateway(): GatewayInterface {
    const { schema } = this.#options;
    let listener: ((context: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | null = null;
    const executor: GatewayExecutor = (requestContext) => this.execute(requestContext);
    return {
      async load() {
        // The SDL is only read by Apollo's schema reporting, which subgraphs do not use.
        listener?.({ apiSchema: schema, coreSupergraphSdl: '' });
        return { executor };
      },
      onSchemaLoadOrUpdate(callback) {
        listener = callback;
        return () => {
          listener = null;
        };
      },
      async stop() {},
    };
  }

  /** Executes one request that Apollo has parsed and validated. */
  async execute(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const reason = this.#graphqlJsReason(requestContext);
    if (reason !== null) return this.#graphqlJs(requestContext, reason);
    const compiled = this.#compiledFor(requestContext);
    if (compiled === null) return this.#graphqlJs(requestContext, 'first_sighting');
    if (typeof compiled === 'string') return this.#graphqlJs(requestContext, compiled);
    const pending = compiled.query(undefined, requestContext.context, requestContext.request.variables ?? {});
    const result: ExecutionResult = pending instanceof Promise ? await pending : pending;
    // No data: the operation did not start (variables could not be coerced). Nothing has run, so
    // graphql-js runs it for its own messages, which Apollo turns into a 400.
    if (!('data' in result) || result.data === undefined) return this.#graphqlJs(requestContext, 'operation_error');
    this.#options.observe?.('compiled', null);
    return result.errors ? { data: result.data, errors: result.errors.map(asGraphqlJsError) } : (result as GatewayExecutionResult);
  }

  #graphqlJsReason(requestContext: GatewayGraphQLRequestContext): FallbackReason | null {
    if (this.#options.mode === 'graphql-js') return 'switched_off';
    if (requestContext.request.http?.headers.get(FTV1_HEADER) === 'ftv1' || isSampled()) return 'trace';
    return null;
  }

  /** The compiled operation, compiling it on its second sighting; null before that. */
  #compiledFor(requestContext: GatewayGraphQLRequestContext): Compiled | null {
    const key = `${requestContext.queryHash}:${requestContext.request.operationName ?? ''}`;
    const cached = this.#compiled.get(key);
    if (cached !== undefined) return cached;
    const seen = (this.#sightings.get(key) ?? 0) + 1;
    if (seen < this.#compileAfter) {
      this.#sightings.set(key, seen);
      return null;
    }
    this.#sightings.delete(key);
    const compiled = this.#compile(requestContext);
    this.#compiled.set(key, compiled, { size: Math.max(1, requestContext.source.length) });
    return compiled;
  }

  #compile({ document, request }: GatewayGraphQLRequestContext): Compiled {
    const operationName = request.operationName ?? null;
    const operation = selectedOperation(document, operationName);
    if (operation === undefined || operation.operation === 'subscription') return 'uncompilable';
    if (asksForIntrospection(document)) return 'introspection';
    this.#compilations += 1;
    try {
      const compiled = compileQuery(this.#options.compileSchema, document, operationName ?? undefined);
      return isCompiledQuery(compiled) ? compiled : 'uncompilable';
    } catch {
      return 'uncompilable';
    }
  }

  /** Today's path: graphql-js on Apollo's schema, whose resolvers carry Apollo's per-field hooks when asked. */
  async #graphqlJs(requestContext: GatewayGraphQLRequestContext, reason: FallbackReason): Promise<GatewayExecutionResult> {
    this.#options.observe?.('graphql-js', reason);
    const { document, request, context } = requestContext;
    return (await execute({
      schema: this.#options.schema,
      document,
      contextValue: context,
      variableValues: request.variables,
      operationName: request.operationName,
    })) as GatewayExecutionResult;
  }
}
