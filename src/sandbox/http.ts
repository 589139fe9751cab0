import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in constant time, so the fake behaves like a careful real server. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual requires, without leaking the length.
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** Parses an HTTP Basic `Authorization` header into user and password, or null when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string; token: string } | null {
  if (header === undefined) return null;
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  const token = match?.[1];
  if (token === undefined) return null;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  // RFC 7617: the user name cannot hold a colon, the password can; split at the first one.
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1), token };
}
