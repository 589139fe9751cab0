/**
 * A provider's id, such as 'DIGIDONAR'. Which providers exist is not the domain's business: the
 * installed list (providers/installed.ts) names them, and the composition root hands that list to
 * whatever must know it. An id is SCREAMING_SNAKE, so it is a GraphQL enum value and the prefix of
 * the provider's environment variables as it stands.
 */
export type Provider = string;

/** What a provider id looks like: SCREAMING_SNAKE, starting with a letter. */
export const PROVIDER_ID = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** The federation key of an account: which provider, and that provider's own account id. */
export interface AccountKey {
  readonly provider: Provider;
  readonly accountId: string;
}

/** A stable string form of an account key, for maps and DataLoader cache keys. */
export function accountKeyString(key: AccountKey): string {
  return `${key.provider}:${key.accountId}`;
}

/** Whether a value is one of these provider ids. */
export function isProvider(value: unknown, providers: readonly Provider[]): value is Provider {
  return typeof value === 'string' && providers.includes(value);
}

/** Words joined as people write a list: "A", "A or B", "A, B or C" (with "and" when asked). */
export function wordList(words: readonly string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}
