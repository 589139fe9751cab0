import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuthenticationError, AuthorizationError } from 'type-graphql';
import { BillingError, ErrorCode } from '../domain/billing-error';
import { boundedText, echoAccountId } from '../domain/client-text';
import { limitCode } from './request-limits';

/** Most bytes of one error message; longer ones (a validation error quoting a huge value) are cut. */
export const MAX_MESSAGE_BYTES = 300;

/** Most bytes of one string in an error's extensions (an echoed accountId uses its own, smaller, bound). */
const MAX_EXTENSION_BYTES = 64;

/**
 * Codes a request error keeps when it is not a BillingError: Apollo Server's own (their messages
 * are safe to show), and this subgraph's auth, limit and input errors. Any other code is INTERNAL.
 */
const REQUEST_CODES = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.TOO_MANY_REPRESENTATIONS,
  ErrorCode.QUERY_TOO_DEEP,
  ErrorCode.TOO_MANY_ALIASES,
  ErrorCode.TOO_MANY_TOKENS,
  ErrorCode.TOO_MANY_DIRECTIVES,
  ErrorCode.NAME_TOO_LONG,
  ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
]);

/**
 * Apollo Server's own request errors that carry no code, read from their messages (pinned
 * version): without this they would reach clients as INTERNAL and the log at error level,
 * one line per request a client chooses to send.
 */
const CODELESS_APOLLO_ERRORS: ReadonlyArray<[string, ErrorCode]> = [
  ['provided sha does not match query', ErrorCode.PERSISTED_QUERY_HASH_MISMATCH],
  ['Unsupported persisted query version', ErrorCode.BAD_REQUEST],
];

/** The code of one of Apollo's code-less request errors (a 400 it raises before parsing). */
function codelessApolloCode(error: unknown): ErrorCode | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  if (status !== 400) return undefined;
  return CODELESS_APOLLO_ERRORS.find(([message]) => message === error.message)?.[1];
}

/** An error as it may leave: a message of bounded size, extension strings bounded, an echoed accountId shorter still. */
function bounded(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions
    ? Object.fromEntries(
        Object.entries(formatted.extensions).map(([key, value]) => [
          key,
          typeof value !== 'string' ? value : key === 'accountId' ? echoAccountId(value) : boundedText(value, MAX_EXTENSION_BYTES),
        ]),
      )
    : undefined;
  return { ...formatted, message: boundedText(formatted.message, MAX_MESSAGE_BYTES), ...(extensions ? { extensions } : {}) };
}

/** Receives errors that a client will only see as INTERNAL, so an operator can see the whole thing. */
export type InternalErrorSink = (error: unknown, formatted: GraphQLFormattedError) => void;

/**
 * Formats every error once, at the edge: BillingErrors keep their code, provider and account;
 * Apollo's request errors keep their code; anything else becomes INTERNAL with a generic
 * message, and goes to the operator's log instead. No stack trace ever leaves.
 */
export function createErrorFormatter(onInternal: InternalErrorSink) {
  const format = formatOne(onInternal);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => bounded(format(formatted, error));
}

function formatOne(onInternal: InternalErrorSink) {
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
      const code = original instanceof AuthenticationError ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN;
      return { message, ...(locations ? { locations } : {}), ...(path ? { path } : {}), extensions: { code } };
    }
    // A request limit is a parse or validation error; its own code says which (request-limits.ts).
    const code = limitCode(message) ?? codelessApolloCode(original) ?? formatted.extensions?.code;
    if (typeof code === 'string' && REQUEST_CODES.has(code)) {
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
