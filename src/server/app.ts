import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { AccountRegistry } from '../accounts/account-registry';
import { createAccountLoader, createInvoiceLoader } from '../accounts/account.loader';
import { AccountService, type CachePolicy } from '../accounts/account.service';
import { RedisSnapshotCache } from '../accounts/redis-snapshot-cache';
import { MemorySnapshotCache, type SnapshotCache } from '../accounts/snapshot-cache';
import type { AppConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import { canRead, type Access, type Caller } from '../graphql/access';
import { requestLimitProtections } from '../graphql/request-limits';
import { ANONYMOUS, InvalidTokenError, createJwtVerifier } from './security/jwt';
import { logSecurityPosture } from './security/notices';
import { routerSecretHook } from './security/router-secret';
import type { AccountEntry } from '../domain/account-entry';
import { BillingError, ErrorCode } from '../domain/billing-error';
import type { GraphQLContext } from '../graphql/context';
import { ResponseCachePolicy, cacheControlHeaderPlugin, observeLoads } from '../graphql/cache-control';
import { createErrorFormatter, errorBudgetPlugin } from '../graphql/errors';
import { buildBillingSchema } from '../graphql/schema';
import { createProviderClient, type ProviderSettings, type UpstreamSettings } from '../providers/provider-module';
import { withResilience, type ResilientProvider } from '../providers/resilience';
import { Metrics } from './metrics';
import { landingPagePlugin } from './landing-page';

/** Everything needed to serve: validated configuration, the accounts, a logger. */
export interface AppOptions {
  readonly config: AppConfig;
  readonly accounts: readonly AccountEntry[];
  readonly logger: Logger;
}

/** A built, not yet listening, subgraph server. */
export interface BillingApp {
  readonly http: FastifyInstance;
  readonly service: AccountService;
  readonly metrics: Metrics;
  /**
   * Starts the drain delay: readiness answers 503 "draining" from now on while requests are still
   * served, each answer closing its connection so keep-alive clients move to other instances.
   */
  drain(): void;
  /** Stops accepting, finishes requests in flight, closes upstream pools. */
  close(): Promise<void>;
}

/** A request id from the router's headers, when it looks like one (it is echoed into logs). */
function requestIdOf(headers: { get(name: string): string | undefined }): string | null {
  const value = headers.get('x-request-id') ?? headers.get('apollographql-request-id') ?? headers.get('traceparent');
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : null;
}

/** One log line and the metrics per GraphQL request: operation, duration, error codes, request id. */
function requestLogPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ request }) {
      const requestId = request.http ? requestIdOf(request.http.headers) : null;
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, response }) {
          // The codes as the client got them, after formatting.
          const sent = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = [...new Set(sent.map((e) => String(e.extensions?.code ?? ErrorCode.INTERNAL)))];
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          metrics.graphqlRequest(operationName, codes, durationMs);
          logger.info({ requestId, operationName: operationName ?? null, durationMs, errorCodes: codes }, 'graphql request');
        },
      };
    },
  };
}

type CallerRequest = FastifyRequest & { caller: Caller | null };

/**
 * Errors Fastify raises before GraphQL runs, answered as GraphQL errors with HTTP 400 and a
 * code a client can act on; anything else is a 500 with no detail.
 */
function requestErrorHandler(logger: Logger) {
  return async (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    const known: Record<string, [string, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: ['REQUEST_TOO_LARGE', 'The request body is larger than this subgraph accepts'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: ['BAD_REQUEST', 'Send GraphQL as application/json'],
      FST_ERR_CTP_EMPTY_JSON_BODY: ['BAD_REQUEST', 'The request body is empty'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['BAD_REQUEST', 'The Content-Length does not match the body'],
    };
    const match = error.code ? known[error.code] : undefined;
    const [code, message] =
      match ?? (error.statusCode && error.statusCode < 500 ? ['BAD_REQUEST', 'The request is malformed'] : ['INTERNAL', 'Internal server error']);
    if (code === 'INTERNAL') logger.error({ err: error }, 'unexpected error before GraphQL');
    await reply
      .code(code === 'INTERNAL' ? 500 : 400)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message, extensions: { code } }] });
  };
}

/** The in-process LRU, or the Redis (REDIS_URL) or Redis Cluster (REDIS_CLUSTER_NODES) shared by every instance. */
function createSnapshotCache(config: AppConfig, logger: Logger): SnapshotCache {
  const target =
    config.redisClusterNodes !== null
      ? { clusterNodes: config.redisClusterNodes }
      : config.redisUrl !== null
        ? { url: config.redisUrl }
        : null;
  if (target === null) return new MemorySnapshotCache(config.cacheMaxEntries);
  return new RedisSnapshotCache({
    ...target,
    operationTimeoutMs: config.redisTimeoutMs,
    // The URLs may hold a password: these lines name the failure (and a cluster's node as host:port), never a URL.
    onOutage: (error, node) =>
      logger.error(
        { code: (error as { code?: unknown })?.code ?? (error as object)?.constructor?.name, node },
        'Redis is unavailable; answering from the upstreams until it is back',
      ),
    onRecovery: () => logger.info('Redis is available again; caching across instances resumes'),
  });
}

/** Builds the HTTP server, the GraphQL schema and the upstream clients from configuration. */
export async function createApp({ config, accounts, logger }: AppOptions): Promise<BillingApp> {
  const { security } = config;
  if (security.jwt) {
    const orphans = accounts.filter((entry) => !entry.tenant).map((entry) => `${entry.provider} ${entry.accountId}`);
    if (orphans.length > 0) {
      throw new ConfigError(`JWT auth is on, so every account needs a tenant; missing for: ${orphans.join(', ')}`);
    }
  }
  const registry = new AccountRegistry(accounts);
  // One pool connection per bulkhead slot: the bulkhead queues, the pool never has to.
  const transport = (settings: ProviderSettings) => ({ ...settings, maxConnections: settings.maxConcurrency });
  const policy = (settings: UpstreamSettings): CachePolicy => ({
    ttlSeconds: settings.cacheTtlSeconds,
    staleMaxAgeSeconds: settings.staleMaxAgeSeconds,
    deadlineMs: settings.deadlineMs,
  });
  const providers: ResilientProvider[] = [];
  const metrics = new Metrics({
    providers: config.providers.map((module) => module.id),
    bulkheads: () => providers.map((p) => ({ provider: p.provider, ...p.load() })),
  });
  // One debug line per upstream attempt: who, how it went, how long. Never a URL or a credential.
  const observer = metrics.upstreamObserver((attempt) => logger.debug({ ...attempt }, 'upstream attempt'));
  // Every provider of the list, each from its own settings, behind its own resilience policies.
  const upstreams = config.providers.map((module) => ({ module, settings: config.upstreams[module.id]! }));
  for (const { module, settings } of upstreams) {
    providers.push(withResilience(createProviderClient(module, transport(settings)), settings, Math.random, observer));
  }
  const cache = createSnapshotCache(config, logger);
  const service = new AccountService({
    registry,
    clients: providers,
    cache,
    onCache: (provider, result, resource) => metrics.cacheLookup(provider, result, resource),
    onBatch: (size) => metrics.batch(size),
    policies: Object.fromEntries(upstreams.map(({ module, settings }) => [module.id, policy(settings)])),
    fingerprintKey: config.cacheKeySecret,
    onStale: (key, error, resource) =>
      logger.warn(
        { provider: key.provider, accountId: key.accountId, resource, code: error.code },
        'refresh failed; serving the last good snapshot, marked stale',
      ),
  });

  logSecurityPosture(config, logger);
  const verify = security.jwt ? createJwtVerifier(security.jwt) : null;
  const limits = requestLimitProtections({ ...security.limits, maxAccounts: config.maxAccountsPerQuery });

  // The GraphQL plugin below writes one line per request; Fastify's own two lines would repeat it.
  const http: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: security.limits.maxBodyBytes,
  });
  http.decorateRequest('caller', null);
  // While shutting down, answers to requests in flight close their connection, so a keep-alive
  // client cannot hold the exit open for Fastify's 72 s keep-alive.
  let closing = false;
  http.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  if (security.routerSecret) {
    const secrets = [security.routerSecret, ...(security.routerSecretPrevious ? [security.routerSecretPrevious] : [])];
    http.addHook('onRequest', routerSecretHook(secrets, security.routerSecretHeader));
  }
  http.setErrorHandler(requestErrorHandler(logger));

  const apollo = new ApolloServer<GraphQLContext>({
    schema: await buildBillingSchema({
      maxRepresentations: security.limits.maxRepresentations,
      authDirectives: security.federationAuthDirectives,
      providers: config.providers,
    }),
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT; Apollo's own handlers would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: security.introspection,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    logger,
    formatError: createErrorFormatter((error) => {
      // Only unexpected errors land here; BillingErrors are expected and already carry their code.
      if (!(error instanceof BillingError)) logger.error({ err: error }, 'unexpected error in a resolver');
    }),
    plugins: [
      fastifyApolloDrainPlugin(http),
      landingPagePlugin(config),
      requestLogPlugin(logger, metrics),
      // After the request log, so that logs and metrics count every error before the cut.
      errorBudgetPlugin(),
      // Apollo's own cache-control plugin runs on every field; ours reads each account once.
      ApolloServerPluginCacheControlDisabled(),
      cacheControlHeaderPlugin<GraphQLContext>(),
      ...(limits.plugins as ApolloServerPlugin<GraphQLContext>[]),
    ],
  });
  await apollo.start();

  http.get('/healthz', async () => ({ status: 'ok' }));
  // Ready once built: configuration and registry are valid by now. Redis is reported, never
  // gating: it is shared by every replica, so its outage would take them all out of the service
  // at once while each still answers from the upstreams (as with an upstream outage, which the
  // breaker handles).
  // Shutting down is what makes it unready: see drain().
  let draining = false;
  http.get('/readyz', async (_request, reply) => {
    const checks = { config: 'ok', accounts: registry.size, redis: config.redisUrl === null && config.redisClusterNodes === null ? 'not configured' : cache.healthy() ? 'ok' : 'unavailable' };
    return reply.code(draining ? 503 : 200).send({ status: draining ? 'draining' : 'ready', checks });
  });
  http.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  http.get('/', async (_request, reply) => reply.redirect('/graphql'));
  http.route<{ Reply: string }>({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    // The end user's token, as the router forwards it: a bad one is refused before any GraphQL.
    preHandler: async (request, reply) => {
      if (!verify) return;
      try {
        (request as CallerRequest).caller = await verify(request.headers.authorization);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        const body = { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] };
        await reply.code(401).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
      }
    },
    handler: fastifyApolloHandler(apollo, {
      context: async (request): Promise<GraphQLContext> => {
        const cachePolicy = new ResponseCachePolicy();
        const access: Access = {
          enforce: verify !== null,
          caller: (request as CallerRequest).caller ?? ANONYMOUS,
          tenantOf: (key) => service.tenantOf(key),
          accounts: () => registry.list(),
        };
        // Another tenant's account loads exactly as an unknown one: same error, same batch.
        const visible = (entry: AccountEntry) => canRead(access, entry.tenant ?? null);
        return {
          loaders: {
            account: observeLoads(createAccountLoader(service, visible), cachePolicy),
            invoices: observeLoads(createInvoiceLoader(service, visible), cachePolicy),
          },
          maxAccountsPerQuery: config.maxAccountsPerQuery,
          cachePolicy,
          // One request time for every field of the response; thresholds for the insight fields.
          now: new Date(),
          insights: config,
          access,
        };
      },
    }),
  });

  return {
    http,
    service,
    metrics,
    drain() {
      draining = true;
      closing = true;
    },
    async close() {
      draining = true;
      closing = true;
      // Apollo's stop drains the HTTP server first (fastifyApolloDrainPlugin): no new requests,
      // those in flight finish; then the upstream pools and the cache close.
      await apollo.stop();
      await service.close();
    },
  };
}
