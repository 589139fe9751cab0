import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../domain/billing-error';
import { sendErrorReply } from '../error-reply';

/** Paths probes and the metrics scraper reach without the router's secret (no billing data there). */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * A Fastify onRequest hook: every request must carry one of the router's shared `secrets` (the
 * current one, and during a rotation the previous one) in `header`, checked before the body is
 * read or any GraphQL is parsed. Hashing both sides first gives equal lengths, so each
 * comparison takes the same time whatever the candidate; and every secret is compared, without
 * short-circuit, so the time does not tell which one matched either.
 */
export function routerSecretHook(secrets: readonly string[], header: string) {
  const expected = secrets.map(digest);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (OPEN_PATHS.has(path)) return;
    const value = request.headers[header];
    const candidate = typeof value === 'string' ? value : '';
    const presented = digest(candidate);
    let matches = 0;
    for (const secret of expected) matches |= timingSafeEqual(presented, secret) ? 1 : 0;
    if (matches === 1 && candidate !== '') return;
    await sendErrorReply(reply, 401, ErrorCode.UNAUTHENTICATED, 'This subgraph only answers the router');
  };
}
