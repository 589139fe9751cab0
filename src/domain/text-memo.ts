/**
 * Longest text a parser memo remembers. Every value the providers repeat (amounts, numbers,
 * country names) is far shorter; a longer text is parsed each time and never held.
 */
export const MEMO_TEXT_MAX = 64;

/**
 * A copy of a string that shares no storage with it. V8 may represent a short string cut from a
 * long one as a view of the long one, which then stays alive as long as the short one does.
 */
export function detach(text: string): string {
  // Concatenation then slicing makes V8 flatten into a new string of text.length + 1 characters.
  return (' ' + text).slice(1);
}

const asIs = (text: string) => text;

/**
 * A memo for parsers of upstream text, bounded in bytes as well as in entries: only texts of at
 * most MEMO_TEXT_MAX characters are remembered, under a detached copy of the key, so a full memo
 * holds at most `maxEntries` short keys and their results. A full memo starts over.
 * `compute` gets `keep`, which detaches a text when the result will be remembered (and returns it
 * as is otherwise): a result must hold upstream text only through `keep`.
 */
export class TextMemo<T> {
  readonly #entries = new Map<string, T>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The remembered result for `key`, else `compute(keep)` (remembered when the key is short). */
  recall(key: string, compute: (keep: (text: string) => string) => T): T {
    if (key.length > MEMO_TEXT_MAX) return compute(asIs);
    const known = this.#entries.get(key);
    if (known !== undefined) return known;
    const value = compute(detach);
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(detach(key), value);
    return value;
  }
}
