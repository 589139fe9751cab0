import { z } from 'zod';
import { isValidTimeZone } from '../domain/dates';
import { ConfigError } from './config-error';

/** Connection settings for one upstream provider. */
export interface UpstreamSettings {
  /** Base URL without a trailing slash; may carry a path prefix (Simpsy's /api/v1). */
  readonly baseUrl: string;
  /** IANA zone in which the provider's zone-less date-times are read. */
  readonly timeZone: string;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Connections per provider, which is also how many calls to it run at once. */
  readonly maxConnections: number;
  readonly maxBodyBytes: number;
}

/** Everything the process needs, validated once at start-up and frozen. */
export interface AppConfig {
  readonly nodeEnv: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** Path of the accounts file; null means the built-in sandbox. */
  readonly accountsFile: string | null;
  /** Most keys one `accounts` root field may ask for. */
  readonly maxAccountsPerQuery: number;
  readonly digidonar: UpstreamSettings;
  readonly simpsy: UpstreamSettings;
}

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const baseUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.username;
      } catch {
        return false;
      }
    }, 'must be an http(s) URL without credentials or query string')
    .transform((value) => value.replace(/\/+$/, ''));

const timeZone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((zone) => isValidTimeZone(zone), 'must be an IANA time zone such as Asia/Kolkata');

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535, 4001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCOUNTS_FILE: z.string().optional(),
  MAX_ACCOUNTS_PER_QUERY: int(1, 10_000, 100),
  DIGIDONAR_BASE_URL: baseUrl('https://cloud.digidonar.in'),
  DIGIDONAR_TIME_ZONE: timeZone('Asia/Kolkata'),
  SIMPSY_BASE_URL: baseUrl('http://voice.simpsy.com/api/v1'),
  SIMPSY_TIME_ZONE: timeZone('UTC'),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(1, 600_000, 2_000),
  UPSTREAM_HEADERS_TIMEOUT_MS: int(1, 600_000, 5_000),
  UPSTREAM_BODY_TIMEOUT_MS: int(1, 600_000, 5_000),
  UPSTREAM_MAX_CONNECTIONS: int(1, 1_000, 16),
  UPSTREAM_MAX_BODY_BYTES: int(1_024, 64 * 1024 * 1024, 1024 * 1024),
});

/** Reads and validates the process environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const upstream = (url: string, zone: string): UpstreamSettings =>
    Object.freeze({
      baseUrl: url,
      timeZone: zone,
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: e.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.UPSTREAM_BODY_TIMEOUT_MS,
      maxConnections: e.UPSTREAM_MAX_CONNECTIONS,
      maxBodyBytes: e.UPSTREAM_MAX_BODY_BYTES,
    });
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    accountsFile: e.ACCOUNTS_FILE ?? null,
    maxAccountsPerQuery: e.MAX_ACCOUNTS_PER_QUERY,
    digidonar: upstream(e.DIGIDONAR_BASE_URL, e.DIGIDONAR_TIME_ZONE),
    simpsy: upstream(e.SIMPSY_BASE_URL, e.SIMPSY_TIME_ZONE),
  });
}
