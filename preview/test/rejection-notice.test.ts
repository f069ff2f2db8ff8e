// Unit tests of reading rejection notices out of raw sync frames, in both shapes the runtime may send.
import { describe, expect, test } from 'vitest';
import { parseRejectionNotice } from '../src/index.ts';

const notice = {
  table: 'notes',
  row: 'n1',
  cells: ['text'],
  operation: 'update',
  rule: 'update',
  expression: 'row.author == user.id',
  reason: 'Only the author may change a note.',
};

describe('parseRejectionNotice', () => {
  test.each([
    ['one-cell stamp', [{ rejected: [notice] }]],
    ['bare object', { rejected: notice }],
  ])('reads a notice sent as a %s', (_shape, body) => {
    const rejection = parseRejectionNotice(`server\n${JSON.stringify(['rejected-1', 0, body])}`);
    expect(rejection).toMatchObject({ ...notice, local: false });
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
    ['no peer id', JSON.stringify(['r1', 0, { rejected: notice }])],
  ])('leaves other frames alone: %s', (_case, frame) => {
    expect(parseRejectionNotice(frame)).toBeUndefined();
  });
});
