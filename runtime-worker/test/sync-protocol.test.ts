// Frames as TinyBase 10.0.1 writes and reads them: undefined cells, and fragments of long frames.
import { expect, test } from 'vitest';
import { formatFrame, fragmentFrame, parseFrame } from '../src/sync-protocol.ts';

test('a deleted cell survives the round trip as undefined, not null', () => {
  const frame = formatFrame('r1', 3, [[{ t: [{ r: [{ c: [undefined, 'h'] }] }] }], [{}], 1]);
  expect(frame.startsWith('S\n')).toBe(true);
  const parsed = parseFrame(frame);
  expect(parsed?.body).toEqual([[{ t: [{ r: [{ c: [undefined, 'h'] }] }] }], [{}], 1]);
  expect(parseFrame('no newline')).toBeUndefined();
  expect(parseFrame('\n[1,2]')).toBeUndefined();
  expect(parseFrame('\n["x",9,""]')).toBeUndefined();
});

test('long frames are cut into fragments TinyBase reassembles, never inside a surrogate pair', () => {
  const body = `${'x'.repeat(10)}😀${'y'.repeat(20)}`;
  const frame = formatFrame(null, 3, body);
  const pieces = fragmentFrame(frame, 10);
  expect(pieces.length).toBeGreaterThan(1);
  const fragment = /^S\n([-0-9A-Z_a-z]{16})\n(\d+)\n(\d+)\n([\s\S]*)$/;
  const parts = pieces.map((piece) => fragment.exec(piece));
  expect(parts.every((match) => match !== null)).toBe(true);
  expect(new Set(parts.map((match) => match?.[1])).size).toBe(1);
  expect(parts.map((match) => Number(match?.[2]))).toEqual(pieces.map((_piece, index) => index));
  expect(parts.every((match) => Number(match?.[3]) === pieces.length)).toBe(true);
  expect(parts.map((match) => match?.[4]).join('')).toBe(frame.slice(2));
  expect(parts.every((match) => !/[\uD800-\uDBFF]$/.test(match?.[4] ?? ''))).toBe(true);
  expect(fragmentFrame('S\nshort', 10)).toEqual(['S\nshort']);
});
