// The life of a connection's socket as a named state machine: preparing, opening, online, waiting to retry,
// switched off, refused, destroyed; every event that moves it is one method or one handler below.
import { CloseCode } from '@datastore-designer/schema/wire';
import { closeRefusal, type Refusal, type UpgradeFailure } from './refusal.ts';
import type { SyncLink } from './sync-link.ts';
import type { TokenReading } from './token-source.ts';

/** Where the socket stands; each state knows what the connection's status says about it. */
export type LifecycleState =
  /** Getting a token, learning the runtime's clock and loading the user's saved copy. */
  | { name: 'preparing' }
  /** The socket is made; waiting for it to open and for the first sync round. */
  | { name: 'opening' }
  | { name: 'online' }
  /** Cut off; a new attempt is scheduled. */
  | { name: 'waiting'; reason: string; closeCode?: number }
  /** `goOffline()`: no socket and no retry until `goOnline()`. */
  | { name: 'switchedOff' }
  /** The runtime said no, or nothing will change without the app's help: no retry until `goOnline()`. */
  | { name: 'refused'; refusal: Refusal; closeCode?: number }
  | { name: 'destroyed' };

/** What the state machine asks of the connection around it. */
export interface LifecycleParts {
  /** Gets a token and makes the store that token's user's; `ok: false` when no token could be had. */
  prepare(): Promise<TokenReading>;
  /** Opens a socket with the token and starts syncing; reports the socket's close through `onClosed`. */
  open(token: string, onClosed: (closeCode: number, opened: boolean) => void): SyncLink;
  /** Asks the runtime why an upgrade with this token failed. */
  explainFailedUpgrade(token: string): Promise<UpgradeFailure>;
  /** True when the token comes from a callback, so an expired one is replaced without the app's help. */
  tokenRefreshable(): boolean;
  /** The runtime closed with 4005 (what this user may see changed): make ready for a fresh copy. */
  viewChanged(): void;
  backoff: { initialMs: number; maxMs: number };
  onState(state: LifecycleState): void;
}

/** Upgrades whose answer the browser hid (CORS) tried in a row before the connection counts as refused. */
export const HIDDEN_ANSWER_ATTEMPTS = 3;

const LOST = 'The connection to the runtime was lost; trying again shortly.';
const OVER_LIMIT =
  'The runtime closed the connection because this client went over one of its limits (messages per second, ' +
  'connections per user); trying again shortly.';
/** The status reason while reconnecting after a 4005 close. */
export const VIEW_CHANGED_REASON = 'What this user may see changed; reloading a fresh copy.';
const EXPIRED_REFRESHING = 'The sign-in expired; reconnecting with a fresh token.';
const EXPIRED_FIXED: Refusal = {
  reason:
    'The sign-in token expired. This connection was given a fixed token, so it cannot get a fresh one: call ' +
    'setToken() with a new token (or give connect() a token callback).',
  code: 'token_expired',
};
const SET_TOKEN_HINT = ' Call setToken() with a valid token, then the connection opens again.';

/** Runs attempts to connect one after another, never two at once; a newer attempt makes older ones stale. */
export class SocketLifecycle {
  readonly #parts: LifecycleParts;
  #state: LifecycleState = { name: 'preparing' };
  /** The current attempt; callbacks of any other are stale and ignored. */
  #attempt = 0;
  #link: SyncLink | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Failed attempts since the last success, for the backoff. */
  #failures = 0;
  /** Upgrades in a row whose answer the browser hid. */
  #hiddenAnswers = 0;

  constructor(parts: LifecycleParts) {
    this.#parts = parts;
  }

  /** The current state. */
  get state(): LifecycleState {
    return this.#state;
  }

  /** Connects now (at start, after `switchOff`, a refusal, or a new token), with the backoff reset. */
  start(): void {
    if (this.#state.name === 'destroyed') return;
    this.#failures = 0;
    this.#hiddenAnswers = 0;
    void this.#run(this.#nextAttempt());
  }

  /** Closes the socket and stays offline until `start`. */
  switchOff(): void {
    if (this.#state.name === 'destroyed') return;
    this.#nextAttempt();
    void this.#closeLink();
    this.#enter({ name: 'switchedOff' });
  }

  /** Closes the socket for good. */
  async destroy(): Promise<void> {
    this.#nextAttempt();
    this.#enter({ name: 'destroyed' });
    await this.#closeLink();
  }

  #nextAttempt(): number {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    return ++this.#attempt;
  }

  #enter(state: LifecycleState): void {
    if (this.#state.name === 'destroyed') return;
    this.#state = state;
    this.#parts.onState(state);
  }

  async #closeLink(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    await link?.close();
  }

  /** One attempt: prepare (token, user, clock), open, sync; stops wherever a newer attempt took over. */
  async #run(attempt: number): Promise<void> {
    this.#enter({ name: 'preparing' });
    await this.#closeLink();
    if (attempt !== this.#attempt) return;
    const reading = await this.#parts.prepare();
    if (attempt !== this.#attempt) return;
    if (!reading.ok) {
      return this.#retry(attempt, `Could not get a sign-in token: ${reading.reason}. Trying again shortly.`);
    }
    this.#enter({ name: 'opening' });
    let link: SyncLink;
    try {
      link = this.#parts.open(
        reading.token,
        (closeCode, opened) => void this.#closed(attempt, closeCode, opened, reading.token),
      );
    } catch (error) {
      return this.#retry(attempt, `Could not open a connection: ${String(error)}. Trying again shortly.`);
    }
    this.#link = link;
    const synced = await link.synced;
    if (!synced || attempt !== this.#attempt) return;
    this.#failures = 0;
    this.#hiddenAnswers = 0;
    this.#enter({ name: 'online' });
  }

  /** The socket of `attempt` closed: decide between refused, an immediate reconnect and a retry with backoff. */
  async #closed(attempt: number, closeCode: number, opened: boolean, token: string): Promise<void> {
    if (attempt !== this.#attempt) return;
    // Whatever the attempt was still doing is over.
    const current = this.#nextAttempt();
    await this.#closeLink();
    if (current !== this.#attempt) return;
    const closedRefusal = closeRefusal(closeCode);
    if (closedRefusal) return this.#enter({ name: 'refused', refusal: closedRefusal, closeCode });
    if (closeCode === CloseCode.tokenExpired) {
      if (!this.#parts.tokenRefreshable()) {
        return this.#enter({ name: 'refused', refusal: EXPIRED_FIXED, closeCode });
      }
      return this.#retry(current, EXPIRED_REFRESHING, closeCode, true);
    }
    // Read filtering changed what this user may see: a fresh copy at once.
    if (closeCode === CloseCode.viewChanged) {
      this.#parts.viewChanged();
      return this.#retry(current, VIEW_CHANGED_REASON, closeCode, true);
    }
    if (!opened) {
      // A browser cannot read a refused upgrade, so ask the same URL without Upgrade why.
      const failure = await this.#parts.explainFailedUpgrade(token);
      if (current !== this.#attempt) return;
      if (failure.kind === 'refused')
        return this.#enter({ name: 'refused', refusal: this.#hinted(failure.refusal) });
      if (failure.kind === 'hidden') {
        this.#hiddenAnswers++;
        if (this.#hiddenAnswers >= HIDDEN_ANSWER_ATTEMPTS) {
          return this.#enter({
            name: 'refused',
            refusal: { reason: failure.reason, code: 'origin_not_allowed' },
          });
        }
        return this.#retry(current, `${failure.reason} Trying again shortly.`, closeCode);
      }
    }
    this.#retry(current, closeCode === CloseCode.overLimit ? OVER_LIMIT : LOST, closeCode);
  }

  /** A refused token the app gave as a fixed string (or none) needs the app: say to call setToken. */
  #hinted(refusal: Refusal): Refusal {
    if (refusal.httpStatus !== 401 || this.#parts.tokenRefreshable()) return refusal;
    return { ...refusal, reason: `${refusal.reason}${SET_TOKEN_HINT}` };
  }

  #retry(attempt: number, reason: string, closeCode?: number, immediately = false): void {
    if (attempt !== this.#attempt) return;
    this.#enter({ name: 'waiting', reason, ...(closeCode === undefined ? {} : { closeCode }) });
    const { initialMs, maxMs } = this.#parts.backoff;
    const delay = immediately
      ? 0
      : Math.min(maxMs, initialMs * 2 ** this.#failures) * (0.75 + Math.random() / 2);
    this.#failures++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (attempt === this.#attempt) void this.#run(this.#nextAttempt());
    }, delay);
  }
}
