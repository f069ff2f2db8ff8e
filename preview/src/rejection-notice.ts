// Reads the runtime's rejection notices out of raw TinyBase sync frames, with when and where they came from.
import { decodeRejectionNotice, type RejectionNotice } from '@datastore-designer/schema/wire';

export type { RejectedOperation } from '@datastore-designer/schema/wire';

/** One write the runtime (or, for read-only datastores, this client) refused, and why. */
export interface Rejection extends RejectionNotice {
  /** True when this client refused the write itself before sending it (serverToClient datastores). */
  local: boolean;
  /** When the notice arrived, in milliseconds since the epoch. */
  at: number;
}

/** Returns the rejection a frame carries, or undefined for every other frame (which TinyBase then handles). */
export const parseRejectionNotice = (frame: string): Rejection | undefined => {
  const notice = decodeRejectionNotice(frame);
  return notice && { ...notice, local: false, at: Date.now() };
};
