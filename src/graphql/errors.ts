import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { BillingError, ErrorCode } from '../domain/billing-error';

/** Codes Apollo Server itself attaches to request-level errors; their messages are safe to show. */
const APOLLO_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

/** Receives errors that a client will only see as INTERNAL, so an operator can see the whole thing. */
export type InternalErrorSink = (error: unknown, formatted: GraphQLFormattedError) => void;

/**
 * Formats every error once, at the edge: BillingErrors keep their code, provider and account;
 * Apollo's request errors keep their code; anything else becomes INTERNAL with a generic
 * message, and goes to the operator's log instead. No stack trace ever leaves.
 */
export function createErrorFormatter(onInternal: InternalErrorSink) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const { message, locations, path } = formatted;
    if (original instanceof BillingError) {
      return {
        message: original.message,
        ...(locations ? { locations } : {}),
        ...(path ? { path } : {}),
        extensions: { code: original.code, ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && (APOLLO_CODES.has(code) || code === ErrorCode.BAD_USER_INPUT)) {
      return { message, ...(locations ? { locations } : {}), ...(path ? { path } : {}), extensions: { code } };
    }
    onInternal(original, formatted);
    return {
      message: 'Internal server error',
      ...(locations ? { locations } : {}),
      ...(path ? { path } : {}),
      extensions: { code: ErrorCode.INTERNAL },
    };
  };
}
