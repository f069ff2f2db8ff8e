// TinyBase 10.0.1's WebSocket sync frames: reading a client's frame and writing the hub's, without relaying.

import type { ContentHashes, MergeableChanges, TablesStamp, ValuesStamp } from 'tinybase';
import { emptyRecord } from './own-key.ts';

/** TinyBase's message types, numbered as on the wire. */
export const MessageType = {
  Response: 0,
  GetContentHashes: 1,
  ContentHashes: 2,
  ContentDiff: 3,
  GetTableDiff: 4,
  GetRowDiff: 5,
  GetCellDiff: 6,
  GetValueDiff: 7,
} as const;

/** The peer id the hub speaks as; TinyBase's own Durable Object uses the same one. */
export const SERVER_PEER_ID = 'S';

// TinyBase writes `undefined` (a deleted cell) as this character, since JSON has no undefined.
const UNDEFINED = '\uFFFC';

/** One decoded frame: who it was addressed to, its request id, type and body. */
export interface Frame {
  to: string;
  requestId: string | null;
  type: number;
  body: unknown;
}

const reviveUndefined = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value === UNDEFINED ? undefined : value;
  if (Array.isArray(value)) {
    // The parsed array is this frame's own: revived in place.
    for (let index = 0; index < value.length; index++) value[index] = reviveUndefined(value[index]);
    return value;
  }
  // No prototype: a "__proto__" id from a client stays an id instead of replacing the prototype.
  const result = emptyRecord<unknown>();
  for (const key in value) {
    if (Object.hasOwn(value, key)) result[key] = reviveUndefined((value as Record<string, unknown>)[key]);
  }
  return result;
};

/** Reads a client's frame; answers undefined for anything that is not `<peer>\n[requestId, type, body]`. */
export const parseFrame = (payload: string): Frame | undefined => {
  const split = payload.indexOf('\n');
  if (split < 0) return undefined;
  let message: unknown;
  try {
    message = reviveUndefined(JSON.parse(payload.slice(split + 1)));
  } catch {
    return undefined;
  }
  if (!Array.isArray(message) || message.length !== 3) return undefined;
  const [requestId, type, body] = message as [unknown, unknown, unknown];
  if (requestId !== null && typeof requestId !== 'string') return undefined;
  if (typeof type !== 'number' || !Number.isInteger(type) || type < 0 || type > 7) return undefined;
  return { to: payload.slice(0, split), requestId, type, body };
};

/** Whether JSON data holds `undefined` anywhere (JSON.stringify would drop or null it). */
const holdsUndefined = (value: unknown): boolean => {
  if (value === undefined) return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (holdsUndefined(value[index])) return true;
    return false;
  }
  for (const key in value) if (holdsUndefined((value as Record<string, unknown>)[key])) return true;
  return false;
};

/** Writes a frame from the hub, encoding `undefined` the way TinyBase's client expects. */
export const formatFrame = (requestId: string | null, type: number, body: unknown): string =>
  // A replacer makes JSON.stringify call back for every key; most bodies (no deleted cell) need none.
  `${SERVER_PEER_ID}\n${
    holdsUndefined(body)
      ? JSON.stringify([requestId, type, body], (_key, value: unknown) =>
          value === undefined ? UNDEFINED : value,
        )
      : JSON.stringify([requestId, type, body])
  }`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isHlc = (value: unknown): boolean => value === undefined || typeof value === 'string';

const isStampOf = (value: unknown, inner: (thing: unknown) => boolean): boolean =>
  Array.isArray(value) && value.length >= 1 && value.length <= 3 && isHlc(value[1]) && inner(value[0]);

const isStampMap = (value: unknown, inner: (thing: unknown) => boolean): boolean =>
  isObject(value) && Object.values(value).every((child) => isStampOf(child, inner));

const isAny = (): boolean => true;

/** True when a body has the shape of TinyBase tables changes (table → row → cell stamps). */
export const isTablesStamp = (value: unknown): value is TablesStamp =>
  isStampOf(value, (tables) =>
    isStampMap(tables, (rows) => isStampMap(rows, (cells) => isStampMap(cells, isAny))),
  );

/** True when a body has the shape of TinyBase values changes. */
export const isValuesStamp = (value: unknown): value is ValuesStamp =>
  isStampOf(value, (values) => isStampMap(values, isAny));

/** True when a body is `[tables, values]` or `[tables, values, 1]` (the hub treats both as changes). */
export const isMergeableChanges = (value: unknown): value is MergeableChanges =>
  Array.isArray(value) &&
  (value.length === 2 || (value.length === 3 && value[2] === 1)) &&
  isTablesStamp(value[0]) &&
  isValuesStamp(value[1]);

/** True when a body is a pair of content hashes. */
export const isContentHashes = (value: unknown): value is ContentHashes =>
  Array.isArray(value) && value.length === 2 && value.every((hash) => Number.isInteger(hash));

/** Frames longer than this many characters (at most three bytes each) are sent in fragments. */
export const MAX_FRAME_CHARS = 256 * 1024;

const FRAGMENT_ID_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * Splits a long frame into TinyBase's fragments (`S\n<id>\n<index>\n<total>\n<piece>`), which its client
 * reassembles: one WebSocket message stays well under the platform's size limit whatever the store's size.
 */
export const fragmentFrame = (frame: string, maxChars = MAX_FRAME_CHARS): string[] => {
  if (frame.length <= maxChars) return [frame];
  const split = frame.indexOf('\n');
  const peer = frame.slice(0, split);
  const remainder = frame.slice(split + 1);
  const pieces: string[] = [];
  for (let start = 0; start < remainder.length;) {
    let end = Math.min(start + maxChars, remainder.length);
    // Never cut a surrogate pair in two.
    const last = remainder.charCodeAt(end - 1);
    if (end < remainder.length && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(remainder.slice(start, end));
    start = end;
  }
  const random = crypto.getRandomValues(new Uint8Array(16));
  const id = Array.from(random, (byte) => FRAGMENT_ID_ALPHABET[byte % 64]).join('');
  return pieces.map((piece, index) => `${peer}\n${id}\n${index}\n${pieces.length}\n${piece}`);
};
