// The device's clock corrected by the runtime's, so a store on a wrong device clock still converges.
//
// TinyBase ignores stamps more than five minutes ahead of its own clock, and the runtime refuses writes stamped
// that far ahead of its clock. A device whose clock is that far off either way can therefore never converge with
// the runtime. The store runs on this clock instead (`createMergeableStore(id, clock.now)`), which the runtime's
// `GET /api/health` (`{"now": <ms since the epoch>}`) sets each time the client connects.

/** A clock that reads the device's time plus the offset last learned from the runtime. */
export interface ServerClock {
  /** Milliseconds since the epoch by the runtime's clock (the device's until the runtime has been asked). */
  now(): number;
  /** How far the runtime's clock is ahead of the device's (negative: behind), in milliseconds. */
  readonly offsetMs: number;
  /** Asks the runtime for its time and keeps the offset; false when it could not be learned. */
  learn(fetchHealth: () => Promise<unknown>): Promise<boolean>;
}

/** A server clock on top of a device clock (`Date.now` unless a test gives another). */
export const createServerClock = (deviceNow: () => number = Date.now): ServerClock => {
  let offsetMs = 0;
  return {
    now: () => deviceNow() + offsetMs,
    get offsetMs() {
      return offsetMs;
    },
    async learn(fetchHealth) {
      const sent = deviceNow();
      let answer: unknown;
      try {
        answer = await fetchHealth();
      } catch {
        return false;
      }
      const received = deviceNow();
      const serverNow =
        typeof answer === 'object' && answer !== null ? (answer as { now?: unknown }).now : undefined;
      if (typeof serverNow !== 'number' || !Number.isFinite(serverNow)) return false;
      // The runtime read its clock about half way through the round trip.
      offsetMs = Math.round(serverNow - (sent + received) / 2);
      return true;
    },
  };
};
