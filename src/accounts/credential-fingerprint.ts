import { createHash } from 'node:crypto';
import type { AccountEntry } from '../domain/account-entry';

/**
 * A short, one-way fingerprint of an account's credentials, for cache keys: rotating a key or
 * secret changes it, so data fetched with the old pair is never served under the new one.
 * The credentials themselves never reach the cache.
 */
export function credentialFingerprint(entry: AccountEntry): string {
  return createHash('sha256')
    .update('billing-subgraph/credentials/v1\0')
    .update(entry.key.reveal())
    .update('\0')
    .update(entry.secret.reveal())
    .digest('base64url')
    .slice(0, 22);
}
