/** The longest accountId looked up at all; a longer one is refused as bad input, and never echoed. */
export const MAX_ACCOUNT_ID_LENGTH = 256;

/** How many UTF-8 bytes of an accountId an error may echo back. */
export const MAX_ECHOED_ID_BYTES = 64;

// C0 and C1 controls cost six bytes each once JSON-escaped, and lone surrogates cannot be
// encoded at all: both become U+FFFD, so the byte budget below is what goes on the wire.
// (With the u flag a well-formed surrogate pair is one code point, so only lone ones match.)
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/gu;

/**
 * Text that came from outside, made fit to echo in an error: at most `maxBytes` of UTF-8
 * (ending in "…" when cut, never mid-character), controls and lone surrogates replaced.
 */
export function boundedText(value: string, maxBytes: number): string {
  const safe = value.replace(UNSAFE, '\ufffd');
  if (Buffer.byteLength(safe) <= maxBytes) return safe;
  const budget = maxBytes - 3; // "…" is three bytes
  let bytes = 0;
  let end = 0;
  for (const char of safe) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return `${safe.slice(0, end)}…`;
}

/** An accountId as an error may show it: at most MAX_ECHOED_ID_BYTES, cut with "…". */
export function echoAccountId(accountId: string): string {
  return boundedText(accountId, MAX_ECHOED_ID_BYTES);
}
