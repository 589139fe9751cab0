import type { Logger } from 'pino';
import type { CachePolicy } from '../accounts/account.service';
import type { AppConfig } from '../config/config';
import type { Provider } from '../domain/provider';
import { createProviderClient, type ProviderSettings, type UpstreamSettings } from '../providers/provider-module';
import { withResilience, type ResilientProvider } from '../providers/resilience';
import type { Metrics } from './metrics';

/** The configured providers' clients, each behind its resilience policies, and each provider's cache policy. */
export interface WiredProviders {
  readonly clients: readonly ResilientProvider[];
  readonly policies: Readonly<Record<Provider, CachePolicy>>;
}

/** How long a provider's answers stay fresh, may be served stale, and are worth waiting for. */
function cachePolicy(settings: UpstreamSettings): CachePolicy {
  return {
    ttlSeconds: settings.cacheTtlSeconds,
    staleMaxAgeSeconds: settings.staleMaxAgeSeconds,
    deadlineMs: settings.deadlineMs,
    // Never more than half the TTL: an entry spends at least half its life unrefreshed.
    refreshAheadSeconds: Math.min(settings.refreshAheadSeconds, settings.cacheTtlSeconds / 2),
    refreshAheadMinReads: settings.refreshAheadMinReads,
  };
}

/** Builds the client of every provider in the configured list (src/providers/installed.ts), each from its own settings. */
export function wireProviders(config: AppConfig, metrics: Metrics, logger: Logger): WiredProviders {
  // One pool connection per bulkhead slot: the bulkhead queues, the pool never has to.
  const transport = (settings: ProviderSettings) => ({ ...settings, maxConnections: settings.maxConcurrency });
  // One debug line per upstream attempt: who, how it went, how long. Never a URL or a credential.
  const observer = metrics.upstreamObserver((attempt) => logger.debug({ ...attempt }, 'upstream attempt'));
  const upstreams = config.providers.map((module) => {
    const settings = config.upstreams[module.id];
    if (!settings) throw new Error(`no settings for provider ${module.id}`);
    return { module, settings };
  });
  return {
    clients: upstreams.map(({ module, settings }) =>
      withResilience(createProviderClient(module, transport(settings)), settings, Math.random, observer),
    ),
    policies: Object.fromEntries(upstreams.map(({ module, settings }) => [module.id, cachePolicy(settings)])),
  };
}
