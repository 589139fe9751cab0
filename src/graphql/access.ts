import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { AccountKey } from '../domain/provider';

/** Who is asking, as read from the verified JWT. */
export interface Caller {
  readonly authenticated: boolean;
  readonly subject: string | null;
  readonly tenants: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
}

/** The scope that payment details need, in the JWT and in the SDL's @requiresScopes alike. */
export const PAYMENT_SCOPE = 'billing:payment:read';

/** What a request may see. With `enforce` false (no JWT configured), everything is readable. */
export interface Access {
  readonly enforce: boolean;
  readonly caller: Caller;
  /** The tenant owning an account: null when it has none, undefined when the account is unknown. */
  readonly tenantOf: (key: AccountKey) => string | null | undefined;
  /** Every configured account. */
  readonly accounts: () => readonly AccountKey[];
}

/** The configured accounts this caller may read (all, when access is not enforced). */
export function readableAccounts(access: Access): AccountKey[] {
  if (!access.enforce) return [...access.accounts()];
  if (!access.caller.authenticated) {
    throw new GraphQLError('Reading billing needs a signed-in user', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return access.accounts().filter((key) => {
    const tenant = access.tenantOf(key);
    return typeof tenant === 'string' && access.caller.tenants.has(tenant);
  });
}

/**
 * Checks, before any upstream call, that the caller may read this account: authenticated, and
 * of the tenant that owns it. An unknown account passes, so that the loader reports it as such.
 */
export function assertCanRead(access: Access, key: AccountKey): void {
  if (!access.enforce) return;
  if (!access.caller.authenticated) {
    throw new GraphQLError('Reading billing needs a signed-in user', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  const tenant = access.tenantOf(key);
  if (tenant !== undefined && (tenant === null || !access.caller.tenants.has(tenant))) {
    throw new GraphQLError(`This ${key.provider} account belongs to another tenant`, {
      extensions: { code: 'FORBIDDEN', provider: key.provider, accountId: key.accountId },
    });
  }
}

/** TypeGraphQL's auth checker: @Authorized() needs a signed-in user, @Authorized(scope) that scope too. */
export const authChecker: AuthChecker<{ access: Access }> = ({ context }, scopes) => {
  const { access } = context;
  if (!access.enforce) return true;
  if (!access.caller.authenticated) return false;
  return scopes.every((scope) => access.caller.scopes.has(scope));
};
