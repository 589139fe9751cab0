import type { AccountView } from '../domain/account';
import type { AccountKey } from '../domain/provider';
import { assertCanRead } from './access';
import type { GraphQLContext } from './context';

/**
 * The one way resolvers load an account: the caller's right to read it is checked first, so an
 * account of another tenant costs no upstream call; then the per-request loader.
 */
export function loadReadable(ctx: GraphQLContext, key: AccountKey): Promise<AccountView> {
  try {
    assertCanRead(ctx.access, key);
  } catch (error) {
    return Promise.reject(error);
  }
  return ctx.loaders.account.load(key);
}
