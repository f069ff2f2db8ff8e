// The card's words about a wrong device clock.
import { expect, test } from 'vitest';
import { clockWords } from '../src/pane/clock-words.ts';

const online = { status: 'online', reason: '' } as const;

test('a clock a minute or more off is named fast or slow, in whole minutes', () => {
  expect(clockWords(-10 * 60_000, online)).toMatch(
    /^This device's clock is 10 minutes fast; set it to automatic time/,
  );
  expect(clockWords(3 * 60_000 + 20_000, online)).toMatch(/clock is 3 minutes slow/);
  expect(clockWords(-60_000, online)).toMatch(/clock is 1 minute fast/);
});

test('a right clock says nothing; a 4008 close naming the clock does', () => {
  expect(clockWords(0, online)).toBeUndefined();
  expect(clockWords(-59_000, online)).toBeUndefined();
  expect(clockWords(undefined, online)).toBeUndefined();
  const closed = {
    status: 'offline',
    reason: "The device's clock is ahead of the server's.",
    closeCode: 4008,
  } as const;
  expect(clockWords(0, closed)).toMatch(/clock is wrong.*automatic time/);
  expect(clockWords(0, { ...closed, reason: 'At most 200 messages per second.' })).toBeUndefined();
});
