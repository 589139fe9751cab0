import { GraphQLError } from 'graphql';
import type { AccountView } from '../domain/account';
import { ErrorCode } from '../domain/billing-error';
import { MAX_ACCOUNT_ID_LENGTH } from '../domain/client-text';
import type { AccountKey } from '../domain/provider';
import { assertSignedIn } from './access';
import type { GraphQLContext } from './context';

/**
 * The one way resolvers load an account: an absurdly long id is bad input (and is not echoed),
 * an anonymous caller is refused when access is enforced; then the per-request loader, which
 * answers an account of another tenant exactly as an unknown one, with no upstream call.
 */
export function loadReadable(ctx: GraphQLContext, key: AccountKey): Promise<AccountView> {
  if (key.accountId.length > MAX_ACCOUNT_ID_LENGTH) {
    return Promise.reject(
      new GraphQLError(`An accountId is at most ${MAX_ACCOUNT_ID_LENGTH} characters`, { extensions: { code: ErrorCode.BAD_USER_INPUT } }),
    );
  }
  try {
    assertSignedIn(ctx.access);
  } catch (error) {
    return Promise.reject(error);
  }
  return ctx.loaders.account.load(key);
}
