// The id length caps and how a too long id is quoted back.
import { describe, expect, test } from 'vitest';
import {
  idLengthProblem,
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
    expect(rowIdsProblem(long, long, [long])).toContain('table id');
    expect(rowIdsProblem('notes', long, [long])).toContain('row id');
    expect(rowIdsProblem('notes', 'r', ['text', long])).toContain('cell id');
    expect(rowIdsProblem('notes', 'r', ['text'])).toBeUndefined();
  });

  test('a long id is quoted by its start and length, never in full', () => {
    expect(shortId('short')).toBe('short');
    const quoted = shortId('h'.repeat(100_000));
    expect(quoted).toBe(`${'h'.repeat(32)}… (100000 characters)`);
    expect(idLengthProblem('row', 'h'.repeat(100_000))?.length).toBeLessThan(200);
  });
});
