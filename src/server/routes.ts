import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { AccountRegistry } from '../accounts/account-registry';
import type { SnapshotCache } from '../accounts/snapshot-cache';
import type { AppConfig } from '../config/config';
import type { Caller } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import type { Metrics } from './metrics';
import { callerOf, tokenPreHandler } from './security/jwt';

/** What the operational routes report on. */
export interface OpsRouteParts {
  readonly config: AppConfig;
  readonly registry: AccountRegistry;
  readonly cache: SnapshotCache;
  readonly metrics: Metrics;
  /** True once shutting down: readiness then answers 503. */
  readonly draining: () => boolean;
}

/** Liveness, readiness and metrics for probes and the scraper (open without the router secret), and `/` to `/graphql`. */
export function registerOpsRoutes(http: FastifyInstance, { config, registry, cache, metrics, draining }: OpsRouteParts): void {
  http.get('/healthz', async () => ({ status: 'ok' }));
  // Ready once built: configuration and registry are valid by now. Redis is reported, never
  // gating: it is shared by every replica, so its outage would take them all out of the service
  // at once while each still answers from the upstreams (as with an upstream outage, which the
  // breaker handles). Shutting down is what makes it unready: see BillingApp.drain().
  const sharedCache = config.redisUrl !== null || config.redisClusterNodes !== null;
  http.get('/readyz', async (_request, reply) => {
    const checks = { config: 'ok', accounts: registry.size, redis: !sharedCache ? 'not configured' : cache.healthy() ? 'ok' : 'unavailable' };
    return reply.code(draining() ? 503 : 200).send({ status: draining() ? 'draining' : 'ready', checks });
  });
  http.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  http.get('/', async (_request, reply) => reply.redirect('/graphql'));
}

/** What the GraphQL route runs: the token check (null with JWT auth off) and each request's context. */
export interface GraphQLRouteParts {
  readonly verify: ((authorization: string | undefined) => Promise<Caller>) | null;
  readonly contextFor: (caller: Caller) => GraphQLContext;
}

/** `/graphql`: the end user's token checked before any GraphQL, then Apollo with a context of the request's own. */
export function registerGraphQLRoute(http: FastifyInstance, apollo: ApolloServer<GraphQLContext>, { verify, contextFor }: GraphQLRouteParts): void {
  http.route<{ Reply: string }>({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    preHandler: tokenPreHandler(verify),
    handler: fastifyApolloHandler(apollo, {
      context: async (request) => contextFor(callerOf(request)),
    }),
  });
}
