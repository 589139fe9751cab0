import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { AccountResource } from '../domain/account-resource';
import { PROVIDER_ID, type Provider } from '../domain/provider';
import type { ProviderFake } from '../sandbox';
import type { ProviderClient } from './provider-client';
import type { ResilienceSettings } from './resilience';

/**
 * How to reach one provider, and how hard to try: the resilience policies' settings (deadline,
 * retries, breaker, bulkhead) plus transport, zone and cache settings.
 */
export interface UpstreamSettings extends ResilienceSettings {
  /** Base URL without a trailing slash; may carry a path prefix (Simpsy's /api/v1). */
  readonly baseUrl: string;
  /** IANA zone in which the provider's zone-less date-times are read. */
  readonly timeZone: string;
  /** Per attempt: TCP/TLS connect. */
  readonly connectTimeoutMs: number;
  /** Per attempt: until the response headers. */
  readonly headersTimeoutMs: number;
  /** Per attempt: longest silence while the body arrives. */
  readonly bodyTimeoutMs: number;
  readonly maxBodyBytes: number;
  /** How long a snapshot is served from the cache without asking the provider; 0 turns caching off. */
  readonly cacheTtlSeconds: number;
  /** How old a snapshot may be and still be served, marked stale, when a refresh fails. */
  readonly staleMaxAgeSeconds: number;
  /** The last seconds of the TTL (at most half of it) in which a hot entry is refreshed in the background; 0 turns it off. */
  readonly refreshAheadSeconds: number;
  /** Reads an entry needs during its life (in this process) before it is refreshed ahead. */
  readonly refreshAheadMinReads: number;
}

/** The numeric upstream settings, each of which a provider may give its own default. */
export type UpstreamNumbers = Omit<UpstreamSettings, 'baseUrl' | 'timeZone'>;

/** One provider's settings as configured: the shared upstream settings plus its own (Simpsy's invoice link prefixes). */
export type ProviderSettings<Own extends object = Record<string, unknown>> = UpstreamSettings & Readonly<Own>;

/** What a client is built from: its settings and the size of its connection pool. */
export type ClientSettings<Own extends object = Record<string, unknown>> = ProviderSettings<Own> & {
  readonly maxConnections: number;
};

/** What a provider's client can fetch: the account snapshot, and the invoice list where the provider has one. */
export type Capability = AccountResource;

/**
 * One installed provider, described whole by its folder's index.ts: everything the rest of the
 * subgraph needs to know of it. The installed list (installed.ts) is a list of these, and config,
 * wiring, metrics, start-up notices, the GraphQL Provider enum, the sandbox and the tests' fakes
 * are derived from that list.
 */
export interface ProviderModule<Own extends object = object> {
  /** SCREAMING_SNAKE: the GraphQL enum value, the accounts file's `provider`, the prefix of its variables (`<ID>_BASE_URL`). */
  readonly id: Provider;
  /** Its name as people write it, in messages ("Simpsy rejected the credentials of this account"). */
  readonly displayName: string;
  /** One line for its value of the GraphQL Provider enum. */
  readonly description: string;
  /** Its defaults: base URL, zone, cache TTL, and any numeric upstream setting where it differs from the shared one. */
  readonly defaults: { readonly baseUrl: string; readonly timeZone: string; readonly cacheTtlSeconds: number } & Partial<UpstreamNumbers>;
  /**
   * Settings only this provider has, by name; each is read from `<ID>_<NAME>`, NAME the setting's
   * name in SCREAMING_SNAKE (Simpsy's invoiceLinkPrefixes: SIMPSY_INVOICE_LINK_PREFIXES), and its
   * schema holds the default.
   */
  readonly settings: { readonly [Name in keyof Own]: z.ZodType<Own[Name]> };
  /** What its client fetches: always the snapshot; "invoices" when it lists invoices. */
  readonly capabilities: readonly Capability[];
  /** Builds its client (transport, decoding, mapping) from its settings. */
  createClient(settings: ClientSettings<Own>, dispatcher?: Dispatcher): ProviderClient;
  /** Its fake: endpoints, credentials, refusals, demo accounts and sample bodies. */
  readonly fake: ProviderFake;
}

/** The environment variable of a provider's own setting: `<ID>_<NAME>` (SIMPSY_INVOICE_LINK_PREFIXES). */
export function settingVariable(provider: Provider, name: string): string {
  return `${provider}_${name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/**
 * Checks a provider list before anything is built from it: ids well formed and distinct, each
 * module's fake and capabilities agreeing with it. A module that fails is a programming error.
 */
export function checkProviderModules(modules: readonly ProviderModule[]): void {
  const seen = new Set<Provider>();
  for (const module of modules) {
    const problem = !PROVIDER_ID.test(module.id)
      ? 'is not SCREAMING_SNAKE'
      : seen.has(module.id)
        ? 'is installed twice'
        : module.fake.provider !== module.id
          ? `has a fake of ${module.fake.provider}`
          : !module.capabilities.includes('snapshot')
            ? 'does not fetch snapshots'
            : module.capabilities.some((capability) => !(capability in module.fake.endpoints))
              ? 'has a fake without an endpoint for each capability'
              : null;
    if (problem !== null) throw new Error(`provider module ${module.id} ${problem}`);
    seen.add(module.id);
  }
  if (seen.size === 0) throw new Error('no provider is installed');
}

/** Builds a module's client, checked against the capabilities it declares. */
export function createProviderClient(module: ProviderModule, settings: ClientSettings, dispatcher?: Dispatcher): ProviderClient {
  const client = module.createClient(settings, dispatcher);
  if (client.provider !== module.id || (client.fetchInvoices !== undefined) !== module.capabilities.includes('invoices')) {
    throw new Error(`provider module ${module.id} builds a client that does not match its id and capabilities`);
  }
  return client;
}
