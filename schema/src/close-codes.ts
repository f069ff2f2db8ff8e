// The WebSocket close codes the runtime closes open sync sockets with, and what each one means to a client.

/** The close codes of open sync sockets, by name. */
export const CloseCode = {
  tokenExpired: 4001,
  accessWithdrawn: 4003,
  instanceDeleted: 4004,
  viewChanged: 4005,
  overLimit: 4008,
  invalidFrame: 1007,
  tooBig: 1009,
} as const;

/** One of the runtime's close codes. */
export type CloseCodeNumber = (typeof CloseCode)[keyof typeof CloseCode];

/** What a close code means: in plain words, with its short code, and whether a client should reconnect. */
export interface CloseMeaning {
  code: string;
  reason: string;
  /** True when reconnecting can help (with a fresh token, or a fresh copy); false when it cannot. */
  retry: boolean;
}

/** The meaning of every close code the runtime sends. */
export const CLOSE_MEANINGS: Readonly<Record<CloseCodeNumber, CloseMeaning>> = {
  4001: { code: 'token_expired', reason: 'The sign-in token expired.', retry: true },
  4003: {
    code: 'access_withdrawn',
    reason:
      'Access to this data was withdrawn (removed as a member, or the rules no longer let this user in).',
    retry: false,
  },
  4004: { code: 'instance_deleted', reason: 'This instance was deleted.', retry: false },
  4005: {
    code: 'view_changed',
    reason: 'What this user may see changed: reconnect for a fresh copy.',
    retry: true,
  },
  4008: {
    code: 'over_limit',
    reason: 'Over a limit (messages per second or sockets per user), or the device clock is far off.',
    retry: true,
  },
  1007: { code: 'invalid_frame', reason: 'A message was not a valid TinyBase sync frame.', retry: true },
  1009: { code: 'too_big', reason: 'A message was larger than the runtime accepts.', retry: true },
};

/** The meaning of a close code, or undefined for codes the runtime does not send (network drops and the like). */
export const closeMeaning = (closeCode: number): CloseMeaning | undefined =>
  Object.hasOwn(CLOSE_MEANINGS, closeCode) ? CLOSE_MEANINGS[closeCode as CloseCodeNumber] : undefined;
