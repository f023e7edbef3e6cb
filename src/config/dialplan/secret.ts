import { inspect } from 'node:util';

/**
 * A secret resolved from the environment at start. It only shows itself through
 * reveal(): JSON (pino), string conversion and util.inspect print a placeholder, so a
 * whole Dialplan can be logged without leaking passwords, PINs or tokens (house rule).
 */
export class Secret {
  readonly #value: string;

  constructor(
    /** The environment variable it came from; safe to log. */
    readonly envName: string,
    value: string,
  ) {
    this.#value = value;
    Object.freeze(this);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return `[secret from $${this.envName}]`;
  }

  toString(): string {
    return this.toJSON();
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}
