import type { Logger } from 'pino';
import type { CachePolicy } from '../accounts/account.service';
import type { AppConfig, UpstreamSettings } from '../config/config';
import type { Provider } from '../domain/provider';
import { createDigidonarProvider } from '../providers/digidonar';
import { withResilience, type ResilientProvider } from '../providers/resilience';
import { createSimpsyProvider } from '../providers/simpsy';
import type { Metrics } from './metrics';

/** The installed providers' clients, each behind its resilience policies, and each provider's cache policy. */
export interface WiredProviders {
  readonly clients: readonly ResilientProvider[];
  readonly policies: Readonly<Record<Provider, CachePolicy>>;
}

/** Builds every provider's client from its settings: the one place in src/server/ that names providers. */
export function wireProviders(config: AppConfig, metrics: Metrics, logger: Logger): WiredProviders {
  // One pool connection per bulkhead slot: the bulkhead queues, the pool never has to.
  const transport = (settings: UpstreamSettings) => ({ ...settings, maxConnections: settings.maxConcurrency });
  const policy = (settings: UpstreamSettings): CachePolicy => ({
    ttlSeconds: settings.cacheTtlSeconds,
    staleMaxAgeSeconds: settings.staleMaxAgeSeconds,
    deadlineMs: settings.deadlineMs,
  });
  // One debug line per upstream attempt: who, how it went, how long. Never a URL or a credential.
  const observer = metrics.upstreamObserver((attempt) => logger.debug({ ...attempt }, 'upstream attempt'));
  return {
    clients: [
      withResilience(createDigidonarProvider(transport(config.digidonar)), config.digidonar, Math.random, observer),
      withResilience(
        createSimpsyProvider({ ...transport(config.simpsy), invoiceLinkPrefixes: config.simpsyInvoiceLinkPrefixes }),
        config.simpsy,
        Math.random,
        observer,
      ),
    ],
    policies: { DIGIDONAR: policy(config.digidonar), SIMPSY: policy(config.simpsy) },
  };
}
