import { createHmac } from 'node:crypto';
import type { AccountEntry } from '../domain/account-entry';
import type { Secret } from '../domain/secret';

/**
 * A short, one-way fingerprint of an account's credentials, for cache keys: rotating a key or
 * secret changes it, so data fetched with the old pair is never served under the new one.
 * It is an HMAC-SHA-256 under `hmacKey` (CACHE_KEY_SECRET), not a plain hash: whoever can read
 * the cache, without the key, cannot test guessed credentials against it offline.
 */
export function credentialFingerprint(entry: AccountEntry, hmacKey: Secret): string {
  return createHmac('sha256', hmacKey.reveal())
    .update('billing-subgraph/credentials/v2\0')
    .update(entry.key.reveal())
    .update('\0')
    .update(entry.secret.reveal())
    .digest('base64url')
    .slice(0, 22);
}
