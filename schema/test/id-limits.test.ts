// The id caps (length, whole text) and how a too long id is quoted back.
import { describe, expect, test } from 'vitest';
import {
  idLengthProblem,
  idProblem,
  MAX_NAME_ID_LENGTH,
  MAX_ROW_ID_LENGTH,
  rowIdsProblem,
  shortId,
} from '../src/index.ts';

describe('id length caps', () => {
  test('ids up to the cap fit; one more character is a problem naming the cap', () => {
    expect(idLengthProblem('row', 'r'.repeat(MAX_ROW_ID_LENGTH))).toBeUndefined();
    expect(idLengthProblem('row', 'r'.repeat(MAX_ROW_ID_LENGTH + 1))).toContain(
      `at most ${MAX_ROW_ID_LENGTH} characters`,
    );
    expect(idLengthProblem('table', 't'.repeat(MAX_NAME_ID_LENGTH))).toBeUndefined();
    expect(idLengthProblem('cell', 'c'.repeat(MAX_NAME_ID_LENGTH + 1))).toContain('cell ids');
  });

  test('a row is checked table first, then row, then each cell', () => {
    const long = 'x'.repeat(600);
    expect(rowIdsProblem(long, long, [long])?.message).toContain('table id');
    expect(rowIdsProblem('notes', long, [long])?.message).toContain('row id');
    expect(rowIdsProblem('notes', 'r', ['text', long])?.message).toContain('cell id');
    expect(rowIdsProblem('notes', 'r', ['text'])).toBeUndefined();
  });

  test('a long id is quoted by its start and length, never in full', () => {
    expect(shortId('short')).toBe('short');
    const quoted = shortId('h'.repeat(100_000));
    expect(quoted).toBe(`${'h'.repeat(32)}… (100000 characters)`);
    expect(idLengthProblem('row', 'h'.repeat(100_000))?.length).toBeLessThan(200);
  });

  test('an id holding half of a surrogate pair is refused, a whole pair (an emoji) is not', () => {
    expect(idProblem('row', 'note-\uD83D')).toMatchObject({ code: 'id_malformed' });
    expect(idProblem('row', '\uDE00-note')?.message).toContain('half of a surrogate pair');
    expect(idProblem('row', 'a\uDE00\uD83Db')).toMatchObject({ code: 'id_malformed' });
    expect(idProblem('row', 'note-\uD83D\uDE00')).toBeUndefined();
    expect(idProblem('cell', 'plain')).toBeUndefined();
    expect(rowIdsProblem('notes', 'r', ['text', 'bad\uD800'])).toMatchObject({ code: 'id_malformed' });
    // Too long comes first, whatever else is wrong.
    expect(idProblem('row', '\uD800'.repeat(600))).toMatchObject({ code: 'id_too_long' });
  });
});
