import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCode } from '../domain/billing-error';

/**
 * Answers a request refused before GraphQL runs (no router secret, a bad token, a body Fastify
 * could not read) in the shape of a GraphQL response, so the router and clients read it the same
 * way as any other error: `{ "errors": [{ "message", "extensions": { "code" } }] }`.
 */
export async function sendErrorReply(reply: FastifyReply, status: number, code: ErrorCode, message: string): Promise<void> {
  const body = { errors: [{ message, extensions: { code } }] };
  await reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Fastify's own errors a client can act on: its error code, and ours with the message to show. */
const KNOWN_REQUEST_ERRORS: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [ErrorCode.REQUEST_TOO_LARGE, 'The request body is larger than this subgraph accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [ErrorCode.BAD_REQUEST, 'Send GraphQL as application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [ErrorCode.BAD_REQUEST, 'The request body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [ErrorCode.BAD_REQUEST, 'The Content-Length does not match the body'],
};

/**
 * Fastify's error handler: errors raised before GraphQL runs, answered as GraphQL errors with
 * HTTP 400 and a code a client can act on; anything else is a 500 with no detail.
 */
export function requestErrorHandler(logger: Logger) {
  return async (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const known = error.code ? KNOWN_REQUEST_ERRORS[error.code] : undefined;
    const [code, message] =
      known ??
      (error.statusCode && error.statusCode < 500
        ? [ErrorCode.BAD_REQUEST, 'The request is malformed']
        : [ErrorCode.INTERNAL, 'Internal server error']);
    if (code === ErrorCode.INTERNAL) logger.error({ err: error }, 'unexpected error before GraphQL');
    await sendErrorReply(reply, code === ErrorCode.INTERNAL ? 500 : 400, code, message);
  };
}
