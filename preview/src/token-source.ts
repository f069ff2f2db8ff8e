// Reading the user's token: a fixed string, or a callback whose silence or error is a failure, never a sign-out.

/**
 * A user token, or a function that returns a fresh one; it is called again before every reconnect. A callback
 * that returns nothing (or an empty string) or throws has failed to get a token: the connection stays offline,
 * keeps its data and asks again with backoff. It never means "signed out".
 */
export type TokenSource = string | (() => string | undefined | null | Promise<string | undefined | null>);

/** A token to connect with ('' for none), or why none could be had. */
export type TokenReading = { ok: true; token: string } | { ok: false; reason: string };

const describeError = (error: unknown): string =>
  error instanceof Error ? error.message || error.name : String(error);

/** Reads a token from its source: a fixed string as it is, a callback's answer checked. */
export const readToken = async (source: TokenSource | undefined): Promise<TokenReading> => {
  if (typeof source !== 'function') return { ok: true, token: source ?? '' };
  let answer: unknown;
  try {
    answer = await source();
  } catch (error) {
    return { ok: false, reason: `the token callback failed (${describeError(error)})` };
  }
  if (typeof answer === 'string' && answer !== '') return { ok: true, token: answer };
  return {
    ok: false,
    reason:
      answer === undefined || answer === null || answer === ''
        ? 'the token callback returned no token'
        : `the token callback returned a ${typeof answer} instead of a token string`,
  };
};

/**
 * Keeps the current token source and hands out tokens: the one read at start-up serves the first connection,
 * so a callback is not asked twice in a row.
 */
export class TokenKeeper {
  #source: TokenSource | undefined;
  #primed: TokenReading | undefined;

  constructor(source: TokenSource | undefined) {
    this.#source = source;
  }

  /** True when the source is a callback, so an expired token can be replaced without the app's help. */
  get refreshable(): boolean {
    return typeof this.#source === 'function';
  }

  /** True when the app gave no token at all (a connection without a user). */
  get anonymous(): boolean {
    return this.#source === undefined || this.#source === '';
  }

  /** Replaces the source; the next `take` reads from it. */
  replace(source: TokenSource | undefined): void {
    this.#source = source;
    this.#primed = undefined;
  }

  /** Reads a token now and keeps it for the next `take`. */
  async prime(): Promise<TokenReading> {
    const source = this.#source;
    const reading = await readToken(source);
    if (source === this.#source) this.#primed = reading;
    return reading;
  }

  /** The primed reading if there is a successful one, else a fresh one. */
  async take(): Promise<TokenReading> {
    const primed = this.#primed;
    this.#primed = undefined;
    return primed?.ok ? primed : readToken(this.#source);
  }
}
