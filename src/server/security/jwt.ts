import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyObject } from 'jose';
import type { JwtConfig } from '../../config/security-config';
import type { Caller } from '../../graphql/access';

/** The caller when no token came with the request. */
export const ANONYMOUS: Caller = Object.freeze({ authenticated: false, subject: null, tenants: new Set<string>(), scopes: new Set<string>() });

/** Why a token was refused; the message is safe to show. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

function strings(value: unknown, split: boolean): string[] {
  if (typeof value === 'string') return split ? value.split(/\s+/).filter(Boolean) : [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/**
 * Verifies the end user's JWT as forwarded by the router (signature against the JWKS or the
 * configured key, issuer, audience, expiry) with jose, and reads the caller's tenants and scopes.
 */
export function createJwtVerifier(config: JwtConfig): (authorization: string | undefined) => Promise<Caller> {
  const key: JWTVerifyGetKey | KeyObject = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 2_000, cooldownDuration: 30_000 })
    : createPublicKey(config.publicKey ?? '');

  return async (authorization) => {
    if (authorization === undefined || authorization === '') return ANONYMOUS;
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorization);
    if (!match?.[1]) throw new InvalidTokenError('The Authorization header must be "Bearer <JWT>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], key, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [...config.algorithms],
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      // jose's codes say what failed (expired, bad signature, wrong audience) without echoing the token.
      const code = (error as { code?: unknown }).code;
      throw new InvalidTokenError(`The token was refused (${typeof code === 'string' ? code : 'invalid'})`);
    }
    return Object.freeze({
      authenticated: true,
      subject: typeof payload.sub === 'string' ? payload.sub : null,
      tenants: new Set(strings(payload[config.tenantClaim], false)),
      scopes: new Set(strings(payload[config.scopeClaim], true)),
    });
  };
}
