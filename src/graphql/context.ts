import type { AccountRegistry } from '../accounts/account-registry';
import { createAccountLoader, createInvoiceLoader, type AccountLoader, type InvoiceLoader } from '../accounts/account.loader';
import type { AccountService } from '../accounts/account.service';
import type { AppConfig } from '../config/config';
import type { AccountEntry } from '../domain/account-entry';
import { canRead, type Access, type Caller } from './access';
import { ResponseCachePolicy, cachePolicyObserver } from './cache-control';

/** What every resolver of one request sees. Loaders are new per request, so nothing leaks between callers. */
export interface GraphQLContext {
  readonly loaders: {
    readonly account: AccountLoader;
    /** Invoice lists, loaded only when a query selects Account.invoices. */
    readonly invoices: InvoiceLoader;
  };
  /** Most keys one `accounts` field may ask for (the whole operation is bounded too, before execution). */
  readonly maxAccountsPerQuery: number;
  /** Who is asking and which accounts they may read. */
  readonly access: Access;
  /** Collects the freshness of every account served, for the Cache-Control header. */
  readonly cachePolicy: ResponseCachePolicy;
  /** When this request started: every time-relative field of one response uses this one moment. */
  readonly now: Date;
  /** Thresholds of the computed insight fields (coin status, validity status). */
  readonly insights: Pick<AppConfig, 'coinLowThresholdPercent' | 'validityExpiringSoonDays'>;
}

/** What every request's context is built from. */
export interface ContextParts {
  readonly config: AppConfig;
  readonly service: AccountService;
  readonly registry: AccountRegistry;
  /** Whether callers are told apart (JWT auth on); when false, every caller may read every account. */
  readonly enforce: boolean;
}

/**
 * Builds the context of one request for its verified caller: new loaders over the shared
 * service, filtered to the accounts this caller may read, and the request's cache policy and time.
 */
export function createContextFactory({ config, service, registry, enforce }: ContextParts): (caller: Caller) => GraphQLContext {
  return (caller) => {
    const cachePolicy = new ResponseCachePolicy();
    const access: Access = {
      enforce,
      caller,
      tenantOf: (key) => service.tenantOf(key),
      accounts: () => registry.list(),
    };
    // Another tenant's account loads exactly as an unknown one: same error, same batch.
    const visible = (entry: AccountEntry) => canRead(access, entry.tenant ?? null);
    const observer = cachePolicyObserver(cachePolicy);
    // The invoice loader is built only for a request that selects invoices.
    let invoices: InvoiceLoader | undefined;
    return {
      loaders: {
        account: createAccountLoader(service, visible, observer),
        get invoices() {
          return (invoices ??= createInvoiceLoader(service, visible, observer));
        },
      },
      maxAccountsPerQuery: config.maxAccountsPerQuery,
      cachePolicy,
      // One request time for every field of the response; thresholds for the insight fields.
      now: new Date(),
      insights: config,
      access,
    };
  };
}
