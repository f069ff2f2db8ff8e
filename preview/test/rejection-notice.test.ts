// Unit tests of reading rejection notices out of raw sync frames, as the runtime writes them.
import { describe, expect, test } from 'vitest';
import { encodeRejectionNotice, type RejectionNotice } from '@datastore-designer/schema';
import { parseRejectionNotice } from '../src/index.ts';

const notice: RejectionNotice = {
  table: 'notes',
  row: 'n1',
  cells: ['text'],
  operation: 'update',
  rule: 'update',
  expression: 'row.author == user.id',
  reason: 'Only the author may change a note.',
};

describe('parseRejectionNotice', () => {
  test('reads a notice as the runtime writes it', () => {
    const rejection = parseRejectionNotice(encodeRejectionNotice('rejected-1', notice));
    expect(rejection).toMatchObject({ ...notice, local: false });
  });

  test.each(['limit', 'read'] as const)('reads a notice whose rule is %s', (rule) => {
    expect(parseRejectionNotice(encodeRejectionNotice('rejected-2', { ...notice, rule }))?.rule).toBe(rule);
  });

  test.each([
    ['ordinary content hashes', `server\n${JSON.stringify(['r1', 0, [1, 2]])}`],
    [
      'a content diff mentioning the word',
      `server\n${JSON.stringify([
        null,
        3,
        [
          [{ t: [{ r: [{ c: ['"rejected"', 'h'] }, 'h'] }, 'h'] }, 'h'],
          [{}, 'h'],
        ],
      ])}`,
    ],
    ['not JSON', 'server\n["rejected"'],
    ['a bare object instead of a one-cell stamp', `S\n${JSON.stringify(['r1', 0, { rejected: notice }])}`],
    ['no peer id', JSON.stringify(['r1', 0, { rejected: notice }])],
  ])('leaves other frames alone: %s', (_case, frame) => {
    expect(parseRejectionNotice(frame)).toBeUndefined();
  });
});
