import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { COIN_KINDS, type CoinKind } from '../domain/account';
import { DEFAULT_COIN_LOW_THRESHOLD_PERCENT } from '../domain/coin-usage';
import { isValidTimeZone } from '../domain/dates';
import { Secret } from '../domain/secret';
import { invoiceLinkPrefix } from '../domain/invoice';
import { DEFAULT_VALIDITY_EXPIRING_SOON_DAYS } from '../domain/validity-status';
import type { ResilienceSettings } from '../providers/resilience';
import { DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES } from '../providers/simpsy';
import { ConfigError } from './config-error';
import { loadSecurityConfig, type SecurityConfig } from './security-config';

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
}

/** Everything the process needs, validated once at start-up and frozen. */
export interface AppConfig {
  readonly nodeEnv: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** Path of the accounts file; null means the built-in sandbox. */
  readonly accountsFile: string | null;
  /** Most account keys one operation may ask for, all `account`/`accounts` fields and aliases together. */
  readonly maxAccountsPerQuery: number;
  /** Where Simpsy invoice links may point: https prefixes ending in "/" (empty: no links are shown). */
  readonly simpsyInvoiceLinkPrefixes: readonly string[];
  /** Entries of the in-process snapshot cache (used when no Redis is configured). */
  readonly cacheMaxEntries: number;
  /** A Redis shared by every instance, or null for the in-process cache (or a cluster). */
  readonly redisUrl: string | null;
  /** Seed nodes of a Redis Cluster shared by every instance (instead of redisUrl), or null. */
  readonly redisClusterNodes: readonly string[] | null;
  /** Longest wait for one Redis operation before it counts as a miss. */
  readonly redisTimeoutMs: number;
  /**
   * HMAC key of the credential fingerprints in cache keys, so that what a cache holds cannot be
   * used to test guessed credentials. Instances sharing a Redis must share it.
   */
  readonly cacheKeySecret: Secret;
  /** True when CACHE_KEY_SECRET was not set and `cacheKeySecret` was generated for this process. */
  readonly cacheKeySecretGenerated: boolean;
  readonly digidonar: UpstreamSettings;
  readonly simpsy: UpstreamSettings;
  readonly security: SecurityConfig;
  /** Latency the built-in sandbox providers add to each answer (for demos of slowness). */
  readonly sandboxLatencyMs: number;
  /** After the drain delay, how long shutdown waits for requests in flight before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /**
   * After SIGTERM, how long the process stays up unready (readiness 503) while still serving, so
   * requests routed before every load balancer has dropped it are answered, not refused.
   */
  readonly shutdownDrainDelayMs: number;
  /** Per coin kind: a balance is LOW at or below this percent of the purchased coins left. */
  readonly coinLowThresholdPercent: Readonly<Record<CoinKind, number>>;
  /** A validity expiring within this many calendar days is EXPIRING_SOON. */
  readonly validityExpiringSoonDays: number;
}

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Why a provider base URL cannot be used, or null; never quotes the URL, which may hold a secret. */
function baseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  // The clients would send only the path and drop these, so a credential put here would be lost silently.
  if (url.username || url.password) {
    return 'must not carry user info (user:password@): provider credentials belong in the accounts file, which sends them as each provider expects';
  }
  if (url.search) return 'must not have a query string: provider credentials belong in the accounts file';
  if (url.hash) return 'must not have a fragment';
  return null;
}

const baseUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .superRefine((value, ctx) => {
      const problem = baseUrlProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => value.replace(/\/+$/, ''));

/**
 * Why node-redis could not use this URL as it is meant, or null. It reads the URL with `new URL`
 * and decodes user and password at connect time, so anything wrong here would otherwise throw
 * at start-up with a stack trace, or be ignored (a query string). Never quotes the URL.
 */
function redisUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL (expected redis://[[user]:password@]host[:port][/database])';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
  if (url.hostname === '') return 'must name a host (redis://host:6379)';
  if (url.port === '0') return 'must have a port between 1 and 65535';
  for (const part of [url.username, url.password]) {
    try {
      decodeURIComponent(part);
    } catch {
      return 'has a user or password that is not valid percent-encoding (encode % as %25)';
    }
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,9}$/.test(url.pathname)) {
    return 'may only have a database number as its path (redis://host:6379/0)';
  }
  if (url.search || url.hash) return 'must not have a query string or fragment: the Redis client would ignore them';
  return null;
}
/** A comma-separated allow-list of invoice link prefixes, or "none" for no links at all. */
const invoiceLinkPrefixes = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return [...fallback];
      if (value.trim() === 'none') return [];
      const prefixes: string[] = [];
      for (const [index, entry] of value.split(',').filter((item) => item.trim() !== '').entries()) {
        try {
          prefixes.push(invoiceLinkPrefix(entry));
        } catch (error) {
          // The entry is not echoed: a refused one may hold a token.
          context.addIssue({ code: 'custom', message: `entry ${index + 1} ${(error as Error).message}` });
          return z.NEVER;
        }
      }
      return prefixes;
    });

const timeZone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((zone) => isValidTimeZone(zone), 'must be an IANA time zone such as Asia/Kolkata');

/**
 * Numeric upstream settings: `UPSTREAM_<NAME>` sets the default for every provider and
 * `<PROVIDER>_<NAME>` overrides it for one (e.g. `SIMPSY_DEADLINE_MS`).
 */
const UPSTREAM_NUMBERS = {
  CONNECT_TIMEOUT_MS: { key: 'connectTimeoutMs', schema: int(1, 600_000, 2_000) },
  HEADERS_TIMEOUT_MS: { key: 'headersTimeoutMs', schema: int(1, 600_000, 5_000) },
  BODY_TIMEOUT_MS: { key: 'bodyTimeoutMs', schema: int(1, 600_000, 5_000) },
  DEADLINE_MS: { key: 'deadlineMs', schema: int(1, 600_000, 8_000) },
  MAX_RETRIES: { key: 'maxRetries', schema: int(0, 10, 2) },
  RETRY_BASE_DELAY_MS: { key: 'retryBaseDelayMs', schema: int(0, 60_000, 200) },
  RETRY_MAX_DELAY_MS: { key: 'retryMaxDelayMs', schema: int(0, 600_000, 2_000) },
  BREAKER_THRESHOLD: { key: 'breakerThreshold', schema: z.coerce.number().gt(0).lt(1).default(0.5) },
  BREAKER_WINDOW_MS: { key: 'breakerWindowMs', schema: int(1_000, 3_600_000, 10_000) },
  BREAKER_MIN_CALLS: { key: 'breakerMinCalls', schema: int(1, 100_000, 5) },
  BREAKER_HALF_OPEN_AFTER_MS: { key: 'breakerHalfOpenAfterMs', schema: int(1, 3_600_000, 5_000) },
  MAX_CONCURRENCY: { key: 'maxConcurrency', schema: int(1, 1_000, 16) },
  MAX_QUEUE: { key: 'maxQueue', schema: int(0, 100_000, 100) },
  MAX_BODY_BYTES: { key: 'maxBodyBytes', schema: int(1_024, 64 * 1024 * 1024, 1024 * 1024) },
  // Balances move by the minute; a call-centre plan changes by the month.
  CACHE_TTL_SECONDS: { key: 'cacheTtlSeconds', schema: { DIGIDONAR: int(0, 86_400, 60), SIMPSY: int(0, 86_400, 300) } },
  STALE_MAX_AGE_SECONDS: { key: 'staleMaxAgeSeconds', schema: int(0, 7 * 86_400, 3_600) },
} as const;

type NumberName = keyof typeof UPSTREAM_NUMBERS;
type NumberKey = (typeof UPSTREAM_NUMBERS)[NumberName]['key'];

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535, 4001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCOUNTS_FILE: z.string().optional(),
  MAX_ACCOUNTS_PER_QUERY: int(1, 10_000, 100),
  CACHE_MAX_ENTRIES: int(1, 10_000_000, 10_000),
  REDIS_URL: z
    .string()
    .superRefine((value, ctx) => {
      const problem = redisUrlProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_TIMEOUT_MS: int(1, 60_000, 150),
  CACHE_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SANDBOX_LATENCY_MS: int(0, 60_000, 0),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 10_000),
  SHUTDOWN_DRAIN_DELAY_MS: int(0, 600_000, 5_000),
  DIGIDONAR_BASE_URL: baseUrl('https://cloud.digidonar.in'),
  DIGIDONAR_TIME_ZONE: timeZone('Asia/Kolkata'),
  SIMPSY_BASE_URL: baseUrl('http://voice.simpsy.com/api/v1'),
  SIMPSY_TIME_ZONE: timeZone('UTC'),
  SIMPSY_INVOICE_LINK_PREFIXES: invoiceLinkPrefixes(DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES),
});

type ProviderName = 'DIGIDONAR' | 'SIMPSY';

function upstreamNumbers(
  env: Record<string, string>,
  provider: ProviderName,
  problems: string[],
): Record<NumberKey, number> {
  const result = {} as Record<NumberKey, number>;
  for (const [name, setting] of Object.entries(UPSTREAM_NUMBERS) as Array<
    [NumberName, (typeof UPSTREAM_NUMBERS)[NumberName]]
  >) {
    const { key } = setting;
    // A setting is one schema, or one per provider where the providers' defaults differ.
    const schema: z.ZodType<number> = 'safeParse' in setting.schema ? setting.schema : setting.schema[provider];
    const specific = `${provider}_${name}`;
    const shared = `UPSTREAM_${name}`;
    const variable = env[specific] !== undefined ? specific : shared;
    const parsed = schema.safeParse(env[variable]);
    if (parsed.success) result[key] = parsed.data;
    else problems.push(`${variable}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return result;
}

// Billing insights: `COIN_LOW_THRESHOLD_PERCENT` sets the LOW threshold of every coin kind and
// `COIN_LOW_THRESHOLD_PERCENT_<KIND>` overrides one (e.g. `_SMS`); `VALIDITY_EXPIRING_SOON_DAYS`
// sets the EXPIRING_SOON window.
const percentSetting = z.coerce.number().min(0).max(100).default(DEFAULT_COIN_LOW_THRESHOLD_PERCENT);
const expiringSoonDaysSetting = int(0, 3_650, DEFAULT_VALIDITY_EXPIRING_SOON_DAYS);

function insightSettings(
  env: Record<string, string>,
  problems: string[],
): Pick<AppConfig, 'coinLowThresholdPercent' | 'validityExpiringSoonDays'> {
  const coinLowThresholdPercent = {} as Record<CoinKind, number>;
  for (const kind of COIN_KINDS) {
    const specific = `COIN_LOW_THRESHOLD_PERCENT_${kind}`;
    const variable = env[specific] !== undefined ? specific : 'COIN_LOW_THRESHOLD_PERCENT';
    const parsed = percentSetting.safeParse(env[variable]);
    if (parsed.success) coinLowThresholdPercent[kind] = parsed.data;
    else problems.push(`${variable}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const days = expiringSoonDaysSetting.safeParse(env.VALIDITY_EXPIRING_SOON_DAYS);
  if (!days.success) problems.push(`VALIDITY_EXPIRING_SOON_DAYS: ${days.error.issues[0]?.message ?? 'invalid'}`);
  return {
    coinLowThresholdPercent: Object.freeze(coinLowThresholdPercent),
    validityExpiringSoonDays: days.success ? days.data : DEFAULT_VALIDITY_EXPIRING_SOON_DAYS,
  };
}

// One per process, so that every loadConfig of this process (tests build several apps) agrees.
let generatedCacheKeySecret: Secret | undefined;

/** A random HMAC key for this process, made on first use. */
function processCacheKeySecret(): Secret {
  generatedCacheKeySecret ??= new Secret(randomBytes(32).toString('base64url'));
  return generatedCacheKeySecret;
}

const MAX_CLUSTER_NODES = 64;

/**
 * REDIS_CLUSTER_NODES: comma-separated redis:// or rediss:// seed nodes. They must agree on the
 * scheme and the credentials, since every node of the cluster (not only the seeds) is reached
 * with them. Problems name the entry by position, never by value: a URL may hold a password.
 */
function clusterNodes(value: string | undefined, problems: string[]): readonly string[] | null {
  if (value === undefined) return null;
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0 || entries.length > MAX_CLUSTER_NODES) {
    problems.push(`REDIS_CLUSTER_NODES: must list 1 to ${MAX_CLUSTER_NODES} redis:// or rediss:// URLs, comma-separated`);
    return null;
  }
  let first: URL | undefined;
  for (const [index, entry] of entries.entries()) {
    const where = `REDIS_CLUSTER_NODES entry ${index + 1}`;
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      problems.push(`${where}: must be a redis:// or rediss:// URL`);
      return null;
    }
    if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname || url.search || url.hash) {
      problems.push(`${where}: must be a redis:// or rediss:// URL with a host and no query string`);
      return null;
    }
    // A cluster has database 0 only.
    if (!['', '/', '/0'].includes(url.pathname)) {
      problems.push(`${where}: a cluster has no database number (drop the path)`);
      return null;
    }
    first ??= url;
    if (url.protocol !== first.protocol || url.username !== first.username || url.password !== first.password) {
      problems.push(`${where}: every node must use the same scheme and credentials as the first`);
      return null;
    }
  }
  return Object.freeze(entries);
}

/** Reads and validates the process environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const problems: string[] = [];
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const digidonarNumbers = upstreamNumbers(present, 'DIGIDONAR', problems);
  const simpsyNumbers = upstreamNumbers(present, 'SIMPSY', problems);
  const insights = insightSettings(present, problems);
  const redisClusterNodes = clusterNodes(parsed.data?.REDIS_CLUSTER_NODES, problems);
  if (present.REDIS_URL !== undefined && present.REDIS_CLUSTER_NODES !== undefined) {
    problems.push('REDIS_URL, REDIS_CLUSTER_NODES: set one of them, not both');
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  // A generated key differs per process, so instances sharing a Redis would never share entries.
  const sharedCache = e.REDIS_URL !== undefined || present.REDIS_CLUSTER_NODES !== undefined;
  if (e.NODE_ENV === 'production' && sharedCache && e.CACHE_KEY_SECRET === undefined) {
    throw new ConfigError(
      'NODE_ENV=production with Redis needs CACHE_KEY_SECRET (32+ characters, the same on every instance sharing the Redis)',
    );
  }
  const security = loadSecurityConfig(env);
  return Object.freeze({
    security,
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    accountsFile: e.ACCOUNTS_FILE ?? null,
    maxAccountsPerQuery: e.MAX_ACCOUNTS_PER_QUERY,
    simpsyInvoiceLinkPrefixes: Object.freeze(e.SIMPSY_INVOICE_LINK_PREFIXES),
    cacheMaxEntries: e.CACHE_MAX_ENTRIES,
    redisUrl: e.REDIS_URL ?? null,
    redisClusterNodes,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    cacheKeySecret: e.CACHE_KEY_SECRET === undefined ? processCacheKeySecret() : new Secret(e.CACHE_KEY_SECRET),
    cacheKeySecretGenerated: e.CACHE_KEY_SECRET === undefined,
    sandboxLatencyMs: e.SANDBOX_LATENCY_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainDelayMs: e.SHUTDOWN_DRAIN_DELAY_MS,
    ...insights,
    digidonar: Object.freeze({ baseUrl: e.DIGIDONAR_BASE_URL, timeZone: e.DIGIDONAR_TIME_ZONE, ...digidonarNumbers }),
    simpsy: Object.freeze({ baseUrl: e.SIMPSY_BASE_URL, timeZone: e.SIMPSY_TIME_ZONE, ...simpsyNumbers }),
  });
}
