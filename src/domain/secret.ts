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
