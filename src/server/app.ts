import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AccountRegistry } from '../accounts/account-registry';
import { createAccountLoader } from '../accounts/account.loader';
import { AccountService, type CachePolicy } from '../accounts/account.service';
import { RedisSnapshotCache } from '../accounts/redis-snapshot-cache';
import { MemorySnapshotCache, type SnapshotCache } from '../accounts/snapshot-cache';
import type { AppConfig, UpstreamSettings } from '../config/config';
import type { AccountEntry } from '../domain/account-entry';
import { BillingError, ErrorCode } from '../domain/billing-error';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLContext } from '../graphql/context';
import { ResponseCachePolicy, cacheControlHeaderPlugin, observeLoads } from '../graphql/cache-control';
import { createErrorFormatter } from '../graphql/errors';
import { buildBillingSchema } from '../graphql/schema';
import { createDigidonarProvider } from '../providers/digidonar';
import { withResilience } from '../providers/resilience';
import { createSimpsyProvider } from '../providers/simpsy';

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
  /** Stops accepting, finishes requests in flight, closes upstream pools. */
  close(): Promise<void>;
}

/** One log line per GraphQL request: operation, duration, error codes. */
function requestLogPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          // These are the errors before formatting: a BillingError's code is on the original error.
          const codes = [
            ...new Set(
              (errors ?? []).map((e) => {
                const original = unwrapResolverError(e);
                return original instanceof BillingError ? original.code : String(e.extensions?.code ?? ErrorCode.INTERNAL);
              }),
            ),
          ];
          logger.info(
            {
              operationName: operationName ?? null,
              durationMs: Number(process.hrtime.bigint() - started) / 1e6,
              errorCodes: codes,
            },
            'graphql request',
          );
        },
      };
    },
  };
}

/** The in-process LRU, or the Redis shared by every instance when REDIS_URL is set. */
function createSnapshotCache(config: AppConfig, logger: Logger): SnapshotCache {
  if (config.redisUrl === null) return new MemorySnapshotCache(config.cacheMaxEntries);
  return new RedisSnapshotCache({
    url: config.redisUrl,
    operationTimeoutMs: config.redisTimeoutMs,
    // The URL may hold a password: these lines name the failure, never the address.
    onOutage: (error) =>
      logger.error(
        { code: (error as { code?: unknown })?.code ?? (error as Error)?.name },
        'Redis is unavailable; answering from the upstreams until it is back',
      ),
    onRecovery: () => logger.info('Redis is available again; caching across instances resumes'),
  });
}

/** Builds the HTTP server, the GraphQL schema and the upstream clients from configuration. */
export async function createApp({ config, accounts, logger }: AppOptions): Promise<BillingApp> {
  const registry = new AccountRegistry(accounts);
  // One pool connection per bulkhead slot: the bulkhead queues, the pool never has to.
  const transport = (settings: UpstreamSettings) => ({ ...settings, maxConnections: settings.maxConcurrency });
  const policy = (settings: UpstreamSettings): CachePolicy => ({
    ttlSeconds: settings.cacheTtlSeconds,
    staleMaxAgeSeconds: settings.staleMaxAgeSeconds,
    deadlineMs: settings.deadlineMs,
  });
  const service = new AccountService({
    registry,
    clients: [
      withResilience(createDigidonarProvider(transport(config.digidonar)), config.digidonar),
      withResilience(createSimpsyProvider(transport(config.simpsy)), config.simpsy),
    ],
    cache: createSnapshotCache(config, logger),
    policies: { DIGIDONAR: policy(config.digidonar), SIMPSY: policy(config.simpsy) },
    onStale: (key, error) =>
      logger.warn(
        { provider: key.provider, accountId: key.accountId, code: error.code },
        'refresh failed; serving the last good snapshot, marked stale',
      ),
  });

  // The GraphQL plugin below writes one line per request; Fastify's own two lines would repeat it.
  const http: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await buildBillingSchema(),
    includeStacktraceInErrorResponses: false,
    logger,
    formatError: createErrorFormatter((error) => {
      // Only unexpected errors land here; BillingErrors are expected and already carry their code.
      if (!(error instanceof BillingError)) logger.error({ err: error }, 'unexpected error in a resolver');
    }),
    plugins: [
      fastifyApolloDrainPlugin(http),
      requestLogPlugin(logger),
      // Apollo's own cache-control plugin runs on every field; ours reads each account once.
      ApolloServerPluginCacheControlDisabled(),
      cacheControlHeaderPlugin<GraphQLContext>(),
    ],
  });
  await apollo.start();

  http.get('/healthz', async () => ({ status: 'ok' }));
  http.get('/', async (_request, reply) => reply.redirect('/graphql'));
  http.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
      context: async (): Promise<GraphQLContext> => {
        const cachePolicy = new ResponseCachePolicy();
        return {
          loaders: { account: observeLoads(createAccountLoader(service), cachePolicy) },
          maxAccountsPerQuery: config.maxAccountsPerQuery,
          cachePolicy,
        };
      },
    }),
  });

  return {
    http,
    service,
    async close() {
      await http.close();
      await apollo.stop();
      await service.close();
    },
  };
}
