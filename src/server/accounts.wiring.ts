import type { Logger } from 'pino';
import { AccountRegistry } from '../accounts/account-registry';
import { AccountService } from '../accounts/account.service';
import { RedisSnapshotCache } from '../accounts/redis-snapshot-cache';
import { MemorySnapshotCache, type SnapshotCache } from '../accounts/snapshot-cache';
import type { AppConfig } from '../config/config';
import { ConfigError } from '../config/config-error';
import type { AccountEntry } from '../domain/account-entry';
import { CACHE_RESOURCE_LABELS, type Metrics } from './metrics';
import type { WiredProviders } from './providers.wiring';

/** The configured accounts, refused at start-up when JWT auth is on and one of them has no tenant. */
export function createAccountRegistry(config: AppConfig, accounts: readonly AccountEntry[]): AccountRegistry {
  if (config.security.jwt) {
    const orphans = accounts.filter((entry) => !entry.tenant).map((entry) => `${entry.provider} ${entry.accountId}`);
    if (orphans.length > 0) {
      throw new ConfigError(`JWT auth is on, so every account needs a tenant; missing for: ${orphans.join(', ')}`);
    }
  }
  return new AccountRegistry(accounts);
}

/** The in-process LRU, or the Redis (REDIS_URL) or Redis Cluster (REDIS_CLUSTER_NODES) shared by every instance. */
export function createSnapshotCache(config: AppConfig, logger: Logger): SnapshotCache {
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

/** What the account service is built from. */
export interface AccountServiceParts {
  readonly config: AppConfig;
  readonly registry: AccountRegistry;
  readonly providers: WiredProviders;
  readonly cache: SnapshotCache;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** The service behind every loader: registry, cache and provider clients, reporting to metrics and the log. */
export function createAccountService({ config, registry, providers, cache, metrics, logger }: AccountServiceParts): AccountService {
  return new AccountService({
    registry,
    clients: providers.clients,
    cache,
    onCache: (provider, result, resource) => metrics.cacheLookup(provider, result, resource),
    onBatch: (size) => metrics.batch(size),
    onRefreshAhead: (provider, resource, outcome) => metrics.refreshAhead(provider, resource, outcome),
    // As many read counters as the in-process cache holds entries.
    maxCountedKeys: config.cacheMaxEntries,
    policies: providers.policies,
    fingerprintKey: config.cacheKeySecret,
    onStale: (key, error, resource) =>
      logger.warn(
        // The log field keeps the cache metric's word for the resource ("account" for a snapshot).
        { provider: key.provider, accountId: key.accountId, resource: CACHE_RESOURCE_LABELS[resource], code: error.code },
        'refresh failed; serving the last good snapshot, marked stale',
      ),
  });
}
