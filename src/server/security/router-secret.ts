import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Paths probes and the metrics scraper reach without the router's secret (no billing data there). */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * A Fastify onRequest hook: every request must carry the router's shared secret in `header`,
 * checked before the body is read or any GraphQL is parsed. Hashing both sides first gives
 * equal lengths, so the comparison takes the same time whatever the candidate.
 */
export function routerSecretHook(secret: string, header: string) {
  const expected = digest(secret);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (OPEN_PATHS.has(path)) return;
    const value = request.headers[header];
    const candidate = typeof value === 'string' ? value : '';
    if (timingSafeEqual(digest(candidate), expected) && candidate !== '') return;
    await reply
      .code(401)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message: 'This subgraph only answers the router', extensions: { code: 'UNAUTHENTICATED' } }] });
  };
}
