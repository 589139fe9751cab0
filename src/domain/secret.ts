import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * A credential that cannot leak by accident: string conversion, JSON, util.inspect
 * and pino all see "[REDACTED]". Only `reveal()` gives the value, at the one place
 * that puts it on the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw value; call only where it is sent upstream. */
  reveal(): string {
    return this.#value;
  }

  /**
   * Whether the value appears in a text, as is or URL-encoded (percent or form encoding, any hex
   * case, encoded up to three times): lets provider text be scrubbed without revealing the value.
   */
  appearsIn(text: string): boolean {
    const value = this.#value;
    if (value === '') return false;
    let forms = [text];
    for (let round = 0; round < 4; round += 1) {
      if (forms.some((form) => form.includes(value))) return true;
      // "+" is a space in form encoding but itself in a path: decode both ways.
      forms = [...new Set(forms.flatMap((form) => [percentDecode(form), percentDecode(form.replace(/\+/g, ' '))]))];
    }
    return false;
  }

  /** Whether two secrets hold the same value. */
  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Decodes every well-formed run of %XX escapes and leaves the rest as is (decodeURIComponent throws on a stray "%"). */
function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // Not UTF-8 as a whole (a stray byte): still decode its ASCII escapes.
      return run.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });
}
