import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../domain/billing-error';

/**
 * Answers a request refused before GraphQL runs (no router secret, a bad token, a body Fastify
 * could not read) in the shape of a GraphQL response, so the router and clients read it the same
 * way as any other error: `{ "errors": [{ "message", "extensions": { "code" } }] }`.
 */
export async function sendErrorReply(reply: FastifyReply, status: number, code: ErrorCode, message: string): Promise<void> {
  const body = { errors: [{ message, extensions: { code } }] };
  await reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
