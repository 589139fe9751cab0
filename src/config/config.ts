import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { COIN_KINDS, type CoinKind } from '../domain/vocabulary';
import { DEFAULT_COIN_LOW_THRESHOLD_PERCENT } from '../domain/coin-usage';
import { isValidTimeZone } from '../domain/dates';
import { Secret } from '../domain/secret';
import { DEFAULT_VALIDITY_EXPIRING_SOON_DAYS } from '../domain/validity-status';
import type { Provider } from '../domain/provider';
import { INSTALLED_PROVIDERS } from '../providers/installed';
import {
  checkProviderModules,
  settingVariable,
  type ProviderModule,
  type ProviderSettings,
  type UpstreamNumbers,
} from '../providers/provider-module';
import { ConfigError } from './config-error';
import { loadSecurityConfig, type SecurityConfig } from './security-config';

export type { ProviderSettings, UpstreamSettings } from '../providers/provider-module';

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
  /** The providers this configuration was read for (the installed list by default), in list order. */
  readonly providers: readonly ProviderModule[];
  /** Each provider's settings by id: `<ID>_*` variables, else `UPSTREAM_*`, else its module's defaults. */
  readonly upstreams: Readonly<Record<Provider, ProviderSettings>>;
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
  /**
   * `compiled`: operations seen before run as graphql-jit functions (traced and introspection
   * requests still take graphql-js); `graphql-js`: every request takes graphql-js.
   */
  readonly graphqlExecutor: ExecutorMode;
  /** How many times an operation text is seen before it is compiled (graphql-js runs it until then). */
  readonly graphqlCompileAfter: number;
  /** Per coin kind: a balance is LOW at or below this percent of the purchased coins left. */
  readonly coinLowThresholdPercent: Readonly<Record<CoinKind, number>>;
  /** A validity expiring within this many calendar days is EXPIRING_SOON. */
  readonly validityExpiringSoonDays: number;
}

/** Which executor runs operations (GRAPHQL_EXECUTOR): graphql-jit's compiled functions, or graphql-js for every request. */
export const EXECUTOR_MODES = ['compiled', 'graphql-js'] as const;
export type ExecutorMode = (typeof EXECUTOR_MODES)[number];

const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const int = (min: number, max: number, fallback: number) => whole(min, max).default(fallback);

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
const timeZone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((zone) => isValidTimeZone(zone), 'must be an IANA time zone such as Asia/Kolkata');

/**
 * Numeric upstream settings: `UPSTREAM_<NAME>` sets the default for every provider and
 * `<PROVIDER>_<NAME>` overrides it for one (e.g. `SIMPSY_DEADLINE_MS`). A provider module may
 * give its own default (each gives its cache TTL: a balance moves by the minute, a call-centre
 * plan by the month); `fallback` is the shared one.
 */
const UPSTREAM_NUMBERS: Record<string, { key: keyof UpstreamNumbers; schema: z.ZodCoercedNumber; fallback?: number }> = {
  CONNECT_TIMEOUT_MS: { key: 'connectTimeoutMs', schema: whole(1, 600_000), fallback: 2_000 },
  HEADERS_TIMEOUT_MS: { key: 'headersTimeoutMs', schema: whole(1, 600_000), fallback: 5_000 },
  BODY_TIMEOUT_MS: { key: 'bodyTimeoutMs', schema: whole(1, 600_000), fallback: 5_000 },
  DEADLINE_MS: { key: 'deadlineMs', schema: whole(1, 600_000), fallback: 8_000 },
  MAX_RETRIES: { key: 'maxRetries', schema: whole(0, 10), fallback: 2 },
  RETRY_BASE_DELAY_MS: { key: 'retryBaseDelayMs', schema: whole(0, 60_000), fallback: 200 },
  RETRY_MAX_DELAY_MS: { key: 'retryMaxDelayMs', schema: whole(0, 600_000), fallback: 2_000 },
  BREAKER_THRESHOLD: { key: 'breakerThreshold', schema: z.coerce.number().gt(0).lt(1), fallback: 0.5 },
  BREAKER_WINDOW_MS: { key: 'breakerWindowMs', schema: whole(1_000, 3_600_000), fallback: 10_000 },
  BREAKER_MIN_CALLS: { key: 'breakerMinCalls', schema: whole(1, 100_000), fallback: 5 },
  BREAKER_HALF_OPEN_AFTER_MS: { key: 'breakerHalfOpenAfterMs', schema: whole(1, 3_600_000), fallback: 5_000 },
  MAX_CONCURRENCY: { key: 'maxConcurrency', schema: whole(1, 1_000), fallback: 16 },
  MAX_QUEUE: { key: 'maxQueue', schema: whole(0, 100_000), fallback: 100 },
  MAX_BODY_BYTES: { key: 'maxBodyBytes', schema: whole(1_024, 64 * 1024 * 1024), fallback: 1024 * 1024 },
  CACHE_TTL_SECONDS: { key: 'cacheTtlSeconds', schema: whole(0, 86_400) },
  STALE_MAX_AGE_SECONDS: { key: 'staleMaxAgeSeconds', schema: whole(0, 7 * 86_400), fallback: 3_600 },
  // The window is clamped to half the TTL where it is used, since the TTL may differ per provider.
  REFRESH_AHEAD_SECONDS: { key: 'refreshAheadSeconds', schema: whole(0, 86_400), fallback: 10 },
  REFRESH_AHEAD_MIN_READS: { key: 'refreshAheadMinReads', schema: whole(1, 1_000_000), fallback: 3 },
};

/** One setting from `variable`, or its default; a problem names the variable, never the value. */
function read<T>(env: Record<string, string>, variable: string, schema: z.ZodType<T>, problems: string[]): T | undefined {
  const parsed = schema.safeParse(env[variable]);
  if (parsed.success) return parsed.data;
  problems.push(`${variable}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return undefined;
}

/** One provider's settings: its base URL and zone, the numeric upstream settings, and its own settings. */
function providerSettings(env: Record<string, string>, module: ProviderModule, problems: string[]): ProviderSettings {
  const { id, defaults } = module;
  const settings: Record<string, unknown> = {
    baseUrl: read(env, `${id}_BASE_URL`, baseUrl(defaults.baseUrl), problems),
    timeZone: read(env, `${id}_TIME_ZONE`, timeZone(defaults.timeZone), problems),
  };
  for (const [name, { key, schema, fallback }] of Object.entries(UPSTREAM_NUMBERS)) {
    const specific = `${id}_${name}`;
    const variable = env[specific] !== undefined ? specific : `UPSTREAM_${name}`;
    settings[key] = read(env, variable, schema.default(defaults[key] ?? fallback ?? 0), problems);
  }
  for (const [name, schema] of Object.entries(module.settings as Record<string, z.ZodType>)) {
    settings[name] = read(env, settingVariable(id, name), schema, problems);
  }
  return Object.freeze(settings) as unknown as ProviderSettings;
}


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
  GRAPHQL_EXECUTOR: z.enum(EXECUTOR_MODES).default('compiled'),
  GRAPHQL_COMPILE_AFTER: int(1, 1_000, 2),
});


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

/**
 * Reads and validates the process environment for these providers (the installed ones by
 * default); throws ConfigError naming every bad variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  providers: readonly ProviderModule[] = INSTALLED_PROVIDERS,
): AppConfig {
  checkProviderModules(providers);
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const problems: string[] = [];
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const upstreams = Object.fromEntries(providers.map((module) => [module.id, providerSettings(present, module, problems)]));
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
    cacheMaxEntries: e.CACHE_MAX_ENTRIES,
    redisUrl: e.REDIS_URL ?? null,
    redisClusterNodes,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    cacheKeySecret: e.CACHE_KEY_SECRET === undefined ? processCacheKeySecret() : new Secret(e.CACHE_KEY_SECRET),
    cacheKeySecretGenerated: e.CACHE_KEY_SECRET === undefined,
    sandboxLatencyMs: e.SANDBOX_LATENCY_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainDelayMs: e.SHUTDOWN_DRAIN_DELAY_MS,
    graphqlExecutor: e.GRAPHQL_EXECUTOR,
    graphqlCompileAfter: e.GRAPHQL_COMPILE_AFTER,
    ...insights,
    providers: Object.freeze([...providers]),
    upstreams: Object.freeze(upstreams),
  });
}
