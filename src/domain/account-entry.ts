import type { Provider } from './provider';
import type { Secret } from './secret';

/** One account the subgraph may serve, with the credentials to fetch it. */
export interface AccountEntry {
  readonly provider: Provider;
  readonly accountId: string;
  readonly key: Secret;
  readonly secret: Secret;
  /** The tenant that owns the account; callers see only their tenants' accounts when JWT auth is on. */
  readonly tenant?: string | null;
  /** Free text for operators; never sent upstream. */
  readonly description: string | null;
}
