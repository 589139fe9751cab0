import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/account.service';
import type { AppConfig } from '../config/config';
import type { AccountEntry } from '../domain/account-entry';
import { createContextFactory } from '../graphql/context';
import type { ResilientProvider } from '../providers/resilience';
import { createAccountRegistry, createAccountService, createSnapshotCache } from './accounts.wiring';
import { createApolloServer } from './apollo';
import { createHttpServer } from './http';
import { Metrics } from './metrics';
import { wireProviders } from './providers.wiring';
import { registerGraphQLRoute, registerOpsRoutes } from './routes';
import { createJwtVerifier } from './security/jwt';
import { logSecurityPosture } from './security/notices';

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

/**
 * Builds the subgraph from configuration, bottom up: providers, the account service over them,
 * then HTTP, Apollo and the routes. Each step is a function of its own under src/server/;
 * docs/ARCHITECTURE.md follows one request through them.
 */
export async function createApp({ config, accounts, logger }: AppOptions): Promise<BillingApp> {
  const registry = createAccountRegistry(config, accounts);
  // The bulkhead gauges read the providers at scrape time; the providers report to the metrics.
  const providers: ResilientProvider[] = [];
  const metrics = new Metrics({
    providers: config.providers.map((module) => module.id),
    bulkheads: () => providers.map((p) => ({ provider: p.provider, ...p.load() })),
  });
  const wired = wireProviders(config, metrics, logger);
  providers.push(...wired.clients);
  const cache = createSnapshotCache(config, logger);
  const service = createAccountService({ config, registry, providers: wired, cache, metrics, logger });
  logSecurityPosture(config, logger);
  const verify = config.security.jwt ? createJwtVerifier(config.security.jwt) : null;

  let draining = false;
  const http = createHttpServer(config, logger, () => draining);
  const apollo = await createApolloServer({ config, http, logger, metrics });
  await apollo.start();
  registerOpsRoutes(http, { config, registry, cache, metrics, draining: () => draining });
  const contextFor = createContextFactory({ config, service, registry, enforce: verify !== null });
  registerGraphQLRoute(http, apollo, { verify, contextFor });

  return {
    http,
    service,
    metrics,
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      // Apollo's stop drains the HTTP server first (fastifyApolloDrainPlugin): no new requests,
      // those in flight finish; then the upstream pools and the cache close.
      await apollo.stop();
      await service.close();
    },
  };
}
