/** The upstream providers this subgraph bills from. Adding one means adding a value here and a folder under providers/. */
export const PROVIDERS = ['DIGIDONAR', 'SIMPSY'] as const;

/** One of the supported upstream providers. */
export type Provider = (typeof PROVIDERS)[number];

/** The federation key of an account: which provider, and that provider's own account id. */
export interface AccountKey {
  readonly provider: Provider;
  readonly accountId: string;
}

/** A stable string form of an account key, for maps and DataLoader cache keys. */
export function accountKeyString(key: AccountKey): string {
  return `${key.provider}:${key.accountId}`;
}

/** Whether a value names a supported provider. */
export function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}
