// The device's clock in plain words for a person's card: how far it is off and what to do about it.
import { CloseCode } from '@datastore-designer/schema/wire';
import type { StatusDetail } from '../connect.ts';

/** Below this, a clock difference is network delay or harmless drift, not worth a word. */
const WORTH_SAYING_MS = 60_000;

/**
 * What the card says about the device's clock, from the offset `connect()` learned (the runtime's clock minus the
 * device's) or a 4008 close whose reason names the clock; undefined when the clock is right.
 */
export const clockWords = (offsetMs: number | undefined, status: StatusDetail): string | undefined => {
  if (offsetMs !== undefined && Math.abs(offsetMs) >= WORTH_SAYING_MS) {
    const minutes = Math.round(Math.abs(offsetMs) / 60_000);
    const off = `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} ${offsetMs < 0 ? 'fast' : 'slow'}`;
    return `This device's clock is ${off}; set it to automatic time. Until then the preview corrects for it, so changes still sync.`;
  }
  if (status.closeCode === CloseCode.overLimit && /clock/i.test(status.reason)) {
    return "This device's clock is wrong, so the server stopped syncing with it; set it to automatic time.";
  }
  return undefined;
};
