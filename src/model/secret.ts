import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A credential (token, key, password) in a wrapper that cannot be printed by accident:
 * `String(secret)`, `JSON.stringify(secret)` and `util.inspect(secret)` all give "[redacted]".
 * Call `reveal()` only where the value goes on the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value. Only the transport and the exec-plugin runner should call this. */
  reveal(): string {
    return this.#value;
  }

  /** True when the secret holds no characters. */
  isEmpty(): boolean {
    return this.#value.length === 0;
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

/**
 * Replaces every occurrence of the given secret values in a text. Used on messages that come
 * from outside saprobe (HTTP layer errors, exec plugin stderr) before they reach any output.
 */
export function redactText(text: string, secrets: Iterable<Secret | string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    const value = secret instanceof Secret ? secret.reveal() : secret;
    if (value !== undefined && value.length >= 4) result = result.split(value).join(REDACTED);
  }
  // Bearer tokens and JWT-shaped strings never survive, whatever their origin.
  return result.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`).replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED);
}
