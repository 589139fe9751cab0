import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config-error';

/** How callers prove who they are; null fields mean the feature is off. */
export interface SecurityConfig {
  /** The shared secret every request must carry, proving it comes from the router. */
  readonly routerSecret: string | null;
  /** During a rotation, the secret being retired, still accepted beside `routerSecret`; null otherwise. */
  readonly routerSecretPrevious: string | null;
  /** The header that carries it (lower case). */
  readonly routerSecretHeader: string;
  /** Set when production runs without a router secret because the network already guarantees it. */
  readonly networkIsTrusted: boolean;
  readonly jwt: JwtConfig | null;
  readonly limits: RequestLimits;
  /** Introspection on (off in production by default). */
  readonly introspection: boolean;
  /** Declare @authenticated/@requiresScopes in the SDL (Apollo Router enforces them; @apollo/gateway refuses them). */
  readonly federationAuthDirectives: boolean;
}

/** How the end user's JWT, forwarded by the router, is verified and read. */
export interface JwtConfig {
  readonly jwksUrl: string | null;
  /** A PEM public key (SPKI), used when no JWKS URL is given. */
  readonly publicKey: string | null;
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
  /** Claim holding the caller's tenant: a string or a list of strings. */
  readonly tenantClaim: string;
  /** Claim holding the scopes: a space-separated string ("scope") or a list ("scp"). */
  readonly scopeClaim: string;
  readonly clockToleranceSeconds: number;
}

/** Bounds on what one request may ask for. */
export interface RequestLimits {
  readonly maxBodyBytes: number;
  readonly maxRepresentations: number;
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
}

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const flag = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  ROUTER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ROUTER_SECRET_PREVIOUS: z.string().min(16, 'must be at least 16 characters').optional(),
  ROUTER_SECRET_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('router-authorization')
    .transform((value) => value.toLowerCase()),
  TRUST_NETWORK_WITHOUT_ROUTER_SECRET: flag,
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  FEDERATION_AUTH_DIRECTIVES: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_ALGORITHMS: z.string().default('RS256,ES256,EdDSA'),
  JWT_TENANT_CLAIM: z.string().min(1).default('tenant'),
  JWT_SCOPE_CLAIM: z.string().min(1).default('scope'),
  JWT_CLOCK_TOLERANCE_SECONDS: int(0, 600, 30),
  MAX_REQUEST_BODY_BYTES: int(1_024, 100 * 1024 * 1024, 2 * 1024 * 1024),
  MAX_REPRESENTATIONS: int(1, 100_000, 500),
  MAX_QUERY_DEPTH: int(1, 1_000, 12),
  MAX_ALIASES: int(0, 10_000, 50),
  MAX_TOKENS: int(1, 1_000_000, 5_000),
  MAX_DIRECTIVES: int(0, 10_000, 50),
});

/** The JWS algorithms each kind of public key can verify (EC keys by their curve). */
function algorithmsFor(key: KeyObject): readonly string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curves: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512', secp256k1: 'ES256K' };
      const alg = curves[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return alg ? [alg] : [];
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      return [];
  }
}

/**
 * Why a JWT_PUBLIC_KEY cannot verify tokens, or null. node:crypto would derive the public half
 * of a private key without a word, so a private key (a secret that must not sit in this
 * process's environment) is refused first. Never quotes the key.
 */
function publicKeyProblem(pem: string, algorithms: readonly string[]): string | null {
  let isPrivate = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem);
  if (!isPrivate) {
    try {
      createPrivateKey(pem);
      isPrivate = true;
    } catch {
      // Not a private key: what we want.
    }
  }
  if (isPrivate) {
    return 'is a private key; give only its public half (openssl pkey -pubout), and treat the private key as leaked';
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return 'is not a PEM public key (-----BEGIN PUBLIC KEY-----, SPKI; or an X.509 certificate)';
  }
  const usable = algorithmsFor(key);
  if (!algorithms.some((alg) => usable.includes(alg))) {
    return `a ${key.asymmetricKeyType ?? 'unknown'} key verifies none of JWT_ALGORITHMS (${algorithms.join(',')}); it fits ${usable.join(',') || 'no JWS algorithm'}`;
  }
  return null;
}

/** Reads the security settings; throws ConfigError naming what is wrong, never a secret's value. */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.ROUTER_SECRET && !e.TRUST_NETWORK_WITHOUT_ROUTER_SECRET) {
    throw new ConfigError(
      'NODE_ENV=production needs ROUTER_SECRET (or TRUST_NETWORK_WITHOUT_ROUTER_SECRET=true when the network already ensures only the router can reach this subgraph)',
    );
  }

  if (e.ROUTER_SECRET_PREVIOUS && !e.ROUTER_SECRET) {
    throw new ConfigError('ROUTER_SECRET_PREVIOUS is only accepted beside ROUTER_SECRET (the new secret of a rotation)');
  }

  let jwt: JwtConfig | null = null;
  const jwtAsked = e.JWT_JWKS_URL ?? e.JWT_PUBLIC_KEY ?? e.JWT_ISSUER ?? e.JWT_AUDIENCE;
  if (jwtAsked !== undefined) {
    const missing = [
      e.JWT_JWKS_URL || e.JWT_PUBLIC_KEY ? null : 'JWT_JWKS_URL or JWT_PUBLIC_KEY',
      e.JWT_ISSUER ? null : 'JWT_ISSUER',
      e.JWT_AUDIENCE ? null : 'JWT_AUDIENCE',
    ].filter((name): name is string => name !== null);
    if (missing.length > 0) throw new ConfigError(`JWT verification is half configured: set ${missing.join(', ')}`);
    const algorithms = e.JWT_ALGORITHMS.split(',').map((a) => a.trim()).filter(Boolean);
    const publicKey = e.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n') ?? null;
    if (publicKey !== null) {
      const problem = publicKeyProblem(publicKey, algorithms);
      if (problem !== null) throw new ConfigError(`invalid environment: JWT_PUBLIC_KEY: ${problem}`);
    }
    jwt = {
      jwksUrl: e.JWT_JWKS_URL ?? null,
      publicKey,
      issuer: e.JWT_ISSUER!,
      audience: e.JWT_AUDIENCE!,
      algorithms,
      tenantClaim: e.JWT_TENANT_CLAIM,
      scopeClaim: e.JWT_SCOPE_CLAIM,
      clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE_SECONDS,
    };
  }

  return Object.freeze({
    routerSecret: e.ROUTER_SECRET ?? null,
    routerSecretPrevious: e.ROUTER_SECRET_PREVIOUS ?? null,
    routerSecretHeader: e.ROUTER_SECRET_HEADER,
    networkIsTrusted: e.TRUST_NETWORK_WITHOUT_ROUTER_SECRET,
    jwt: jwt && Object.freeze(jwt),
    introspection: e.INTROSPECTION === undefined ? !production : e.INTROSPECTION === 'true',
    federationAuthDirectives: e.FEDERATION_AUTH_DIRECTIVES,
    limits: Object.freeze({
      maxBodyBytes: e.MAX_REQUEST_BODY_BYTES,
      maxRepresentations: e.MAX_REPRESENTATIONS,
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
    }),
  });
}
