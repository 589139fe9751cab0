import { GraphQLError } from 'graphql';
import type { AccountView } from '../domain/account';
import { ErrorCode } from '../domain/billing-error';
import { isProvider } from '../domain/provider';
import { loadReadable } from './readable-account';
import type { GraphQLContext } from './context';

/**
 * Resolves an `_entities` representation of Account. Representations are untyped JSON from
 * the router (or anyone who can reach the subgraph), so they are checked before use.
 * It is async on purpose: @apollo/subgraph maps representations synchronously, and a
 * synchronous throw would fail every entity of the request instead of this one.
 */
export async function resolveAccountReference(reference: unknown, ctx: GraphQLContext): Promise<AccountView> {
  const { provider, accountId } = (reference ?? {}) as { provider?: unknown; accountId?: unknown };
  const id = typeof accountId === 'number' && Number.isSafeInteger(accountId) ? String(accountId) : accountId;
  if (!isProvider(provider) || typeof id !== 'string' || id === '') {
    throw new GraphQLError('An Account representation needs a provider (DIGIDONAR or SIMPSY) and a non-empty accountId', {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  return loadReadable(ctx, { provider, accountId: id });
}
