import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AuthenticationError, AuthorizationError } from 'type-graphql';
import { BillingError, ErrorCode } from '../domain/billing-error';
import { limitCode } from './request-limits';

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

/** Codes this subgraph sets on request errors of its own (auth, limits, bad input). */
const OWN_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOO_MANY_REPRESENTATIONS',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_TOKENS',
  'TOO_MANY_DIRECTIVES',
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
    const { locations, path } = formatted;
    // No hints about the schema: graphql-js's "Did you mean …?" (enum values too), or the marker
    // GraphQL Armor leaves where it hid one.
    const message = formatted.message.replace(/ ?(Did you mean [^?]*|\[Suggestion hidden\])\?/g, '');
    if (original instanceof BillingError) {
      return {
        message: original.message,
        ...(locations ? { locations } : {}),
        ...(path ? { path } : {}),
        extensions: { code: original.code, ...original.details },
      };
    }
    // TypeGraphQL's @Authorized errors: its "UNAUTHORIZED" means the caller lacks a scope.
    if (original instanceof AuthorizationError || original instanceof AuthenticationError) {
      const code = original instanceof AuthenticationError ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      return { message, ...(locations ? { locations } : {}), ...(path ? { path } : {}), extensions: { code } };
    }
    // A request limit is a parse or validation error; its own code says which (request-limits.ts).
    const code = limitCode(message) ?? formatted.extensions?.code;
    if (typeof code === 'string' && (APOLLO_CODES.has(code) || OWN_CODES.has(code))) {
      const extra = formatted.extensions?.provider === undefined ? {} : {
        provider: formatted.extensions.provider,
        accountId: formatted.extensions.accountId,
      };
      return { message, ...(locations ? { locations } : {}), ...(path ? { path } : {}), extensions: { code, ...extra } };
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
