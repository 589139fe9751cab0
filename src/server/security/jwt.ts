import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyObject } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JwtConfig } from '../../config/security-config';
import { ErrorCode } from '../../domain/billing-error';
import type { Caller } from '../../graphql/access';
import { sendErrorReply } from '../error-reply';

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

/** A request as the token check leaves it: the verified caller, or null before the check (or with auth off). */
type CallerRequest = FastifyRequest & { caller: Caller | null };

/** The caller a request was verified as; anonymous when no token was checked. */
export function callerOf(request: FastifyRequest): Caller {
  return (request as CallerRequest).caller ?? ANONYMOUS;
}

/**
 * A Fastify preHandler for /graphql: the end user's token, as the router forwards it, is
 * verified before any GraphQL, and a bad one is refused with 401 UNAUTHENTICATED. With no
 * verifier (JWT auth off) every request goes on as anonymous.
 */
export function tokenPreHandler(verify: ((authorization: string | undefined) => Promise<Caller>) | null) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!verify) return;
    try {
      (request as CallerRequest).caller = await verify(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      await sendErrorReply(reply, 401, ErrorCode.UNAUTHENTICATED, error.message);
    }
  };
}
