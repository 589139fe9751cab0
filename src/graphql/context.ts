import type { AccountLoader, InvoiceLoader } from '../accounts/account.loader';
import type { AppConfig } from '../config/config';
import type { Access } from './access';
import type { ResponseCachePolicy } from './cache-control';

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
