import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import type { RequestLimits } from '../config/security-config';

/**
 * Which limit a request error reports, read from the messages GraphQL Armor and graphql-js
 * write: neither lets a code travel through Apollo's validation errors, so the message is
 * the one stable thing. Pinned versions, and a test per limit, keep this honest.
 */
const LIMIT_MESSAGES: ReadonlyArray<[RegExp, string]> = [
  [/Query depth limit of \d+ exceeded/, 'QUERY_TOO_DEEP'],
  [/Aliases limit of \d+ exceeded/, 'TOO_MANY_ALIASES'],
  [/Directives limit of \d+ exceeded/, 'TOO_MANY_DIRECTIVES'],
  [/Document contains more tha[nt] \d+ tokens/, 'TOO_MANY_TOKENS'],
];

/** The limit code for a request error's message, if it is a limit. */
export function limitCode(message: string): string | undefined {
  return LIMIT_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * Query depth, aliases and directives are bounded by GraphQL Armor, a maintained set of
 * validation rules made for this, and "did you mean" suggestions are removed so the schema
 * cannot be guessed through typos when introspection is off. Tokens are bounded by graphql-js
 * itself (Apollo's `parseOptions.maxTokens`), so that a syntax error stays a 400
 * GRAPHQL_PARSE_FAILED: Armor's token plugin re-parses and turns syntax errors into 500s.
 */
export function requestLimitProtections(limits: RequestLimits): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true },
    costLimit: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
