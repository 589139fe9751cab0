import type { Provider } from './provider';
import type { Secret } from './secret';

/** One account the subgraph may serve, with the credentials to fetch it. */
export interface AccountEntry {
  readonly provider: Provider;
  readonly accountId: string;
  readonly key: Secret;
  readonly secret: Secret;
  /** Free text for operators; never sent upstream. */
  readonly description: string | null;
}
