import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { ErrorCode } from '../../domain/billing-error';
import type { Metrics } from '../metrics';

/** A request id from the router's headers, when it looks like one (it is echoed into logs). */
function requestIdOf(headers: { get(name: string): string | undefined }): string | null {
  const value = headers.get('x-request-id') ?? headers.get('apollographql-request-id') ?? headers.get('traceparent');
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : null;
}

/** One log line and the metrics per GraphQL request: operation, duration, error codes, request id. */
export function requestLogPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const requestId = request.http ? requestIdOf(request.http.headers) : null;
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, response }) {
          // The codes as the client got them, after formatting.
          const sent = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = [...new Set(sent.map((e) => String(e.extensions?.code ?? ErrorCode.INTERNAL)))];
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          metrics.graphqlRequest(operationName, codes, durationMs);
          logger.info({ requestId, operationName: operationName ?? null, durationMs, errorCodes: codes }, 'graphql request');
        },
      };
    },
  };
}
