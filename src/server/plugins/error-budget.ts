import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../domain/billing-error';

/** Most errors one response carries; the rest are counted in one TOO_MANY_ERRORS error. */
export const MAX_ERRORS_PER_RESPONSE = 100;

/**
 * Keeps at most MAX_ERRORS_PER_RESPONSE errors in a response and says how many were left out,
 * in one TOO_MANY_ERRORS error: per-field errors multiply by aliases and list items. Placed after
 * the request log in the plugin list, so logs and metrics still see every code.
 */
export function errorBudgetPlugin(maxErrors = MAX_ERRORS_PER_RESPONSE): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          const errors = singleResult.errors;
          if (!errors || errors.length <= maxErrors) return;
          const omitted = errors.length - maxErrors;
          singleResult.errors = [
            ...errors.slice(0, maxErrors),
            { message: `${omitted} more errors were left out of this response`, extensions: { code: ErrorCode.TOO_MANY_ERRORS, omitted } },
          ];
        },
      };
    },
  };
}
