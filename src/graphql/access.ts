import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { ErrorCode, accountNotFound } from '../domain/billing-error';
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

/** Refuses an anonymous caller when access is enforced: the one answer that is the same for every account. */
export function assertSignedIn(access: Access): void {
  if (access.enforce && !access.caller.authenticated) {
    throw new GraphQLError('Reading billing needs a signed-in user', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
  }
}

/** Whether this caller may read an account owned by `tenant` (null: no tenant; undefined: no such account). */
export function canRead(access: Access, tenant: string | null | undefined): boolean {
  if (!access.enforce) return true;
  return access.caller.authenticated && typeof tenant === 'string' && access.caller.tenants.has(tenant);
}

/** The configured accounts this caller may read (all, when access is not enforced). */
export function readableAccounts(access: Access): AccountKey[] {
  assertSignedIn(access);
  return access.accounts().filter((key) => canRead(access, access.tenantOf(key)));
}

/**
 * Checks, before any upstream call, that the caller may read this account. An account of
 * another tenant fails exactly as an unknown one does (ACCOUNT_NOT_FOUND, same message), so
 * that no caller can tell which ids exist elsewhere; loads filter the same way (createContextFactory in context.ts).
 */
export function assertCanRead(access: Access, key: AccountKey): void {
  assertSignedIn(access);
  if (!canRead(access, access.tenantOf(key))) throw accountNotFound(key);
}

/** TypeGraphQL's auth checker: @Authorized() needs a signed-in user, @Authorized(scope) that scope too. */
export const authChecker: AuthChecker<{ access: Access }> = ({ context }, scopes) => {
  const { access } = context;
  if (!access.enforce) return true;
  if (!access.caller.authenticated) return false;
  return scopes.every((scope) => access.caller.scopes.has(scope));
};
