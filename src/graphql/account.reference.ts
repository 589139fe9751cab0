import { GraphQLError } from 'graphql';
import type { AccountView } from '../domain/account';
import { ErrorCode } from '../domain/billing-error';
import { isProvider, wordList, type Provider } from '../domain/provider';
import { loadReadable } from './readable-account';
import type { GraphQLContext } from './context';

/**
 * Resolves `_entities` representations of Account for these providers. Representations are
 * untyped JSON from the router (or anyone who can reach the subgraph), so they are checked
 * before use. The resolver is async on purpose: @apollo/subgraph maps representations
 * synchronously, and a synchronous throw would fail every entity of the request instead of this one.
 */
export function accountReferenceResolver(providers: readonly Provider[]) {
  const refusal = `An Account representation needs a provider (${wordList(providers, 'or')}) and a non-empty accountId`;
  return async (reference: unknown, ctx: GraphQLContext): Promise<AccountView> => {
    const { provider, accountId } = (reference ?? {}) as { provider?: unknown; accountId?: unknown };
    const id = typeof accountId === 'number' && Number.isSafeInteger(accountId) ? String(accountId) : accountId;
    if (!isProvider(provider, providers) || typeof id !== 'string' || id === '') {
      throw new GraphQLError(refusal, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
    }
    return loadReadable(ctx, { provider, accountId: id });
  };
}
