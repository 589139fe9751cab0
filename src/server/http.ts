import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { requestErrorHandler } from './error-reply';
import { routerSecretHook } from './security/router-secret';

/**
 * The Fastify server and what runs before any route: the body limit, the router secret, the
 * error handler for requests Fastify cannot read, and, while `draining()`, answers that close
 * their connection.
 */
export function createHttpServer(config: AppConfig, logger: Logger, draining: () => boolean): FastifyInstance {
  const { security } = config;
  // The request-log plugin writes one line per request; Fastify's own two lines would repeat it.
  const http: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: security.limits.maxBodyBytes,
  });
  // The verified caller, set by the /graphql route's token check (security/jwt.ts).
  http.decorateRequest('caller', null);
  // While shutting down, answers to requests in flight close their connection, so a keep-alive
  // client cannot hold the exit open for Fastify's 72 s keep-alive.
  http.addHook('onSend', async (_request, reply) => {
    if (draining()) reply.header('connection', 'close');
  });
  if (security.routerSecret) {
    const secrets = [security.routerSecret, ...(security.routerSecretPrevious ? [security.routerSecretPrevious] : [])];
    http.addHook('onRequest', routerSecretHook(secrets, security.routerSecretHeader));
  }
  http.setErrorHandler(requestErrorHandler(logger));
  return http;
}
