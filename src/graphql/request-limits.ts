import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { ValidationRule } from 'graphql';
import type { RequestLimits } from '../config/security-config';

/** Tags a rejection with the code the client will see (the error formatter reads `limit`). */
const tag =
  (code: string): GraphQLArmorRejectCallback =>
  (_context, error) => {
    Object.assign(error.extensions as Record<string, unknown>, { limit: code });
  };

/**
 * Query depth, aliases, tokens and directives are bounded by GraphQL Armor, a maintained set
 * of validation rules made for this; "did you mean" suggestions are removed so the schema
 * cannot be guessed through typos when introspection is off.
 */
export function requestLimitProtections(limits: RequestLimits): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
} {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [tag('QUERY_TOO_DEEP')] },
    maxAliases: { n: limits.maxAliases, onReject: [tag('TOO_MANY_ALIASES')] },
    maxTokens: { n: limits.maxTokens, onReject: [tag('TOO_MANY_TOKENS')] },
    maxDirectives: { n: limits.maxDirectives, onReject: [tag('TOO_MANY_DIRECTIVES')] },
    blockFieldSuggestion: { enabled: true },
    costLimit: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules };
}
