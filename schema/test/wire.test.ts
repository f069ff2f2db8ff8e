// Unit tests of what crosses the wire: rejection notices, close codes, error codes and token requests.
import { describe, expect, test } from 'vitest';
import {
  CLOSE_MEANINGS,
  CloseCode,
  closeMeaning,
  decodeRejectionNotice,
  encodeRejectionNotice,
  ERROR_CODES,
  errorBody,
  readTokenRequest,
  REJECTION_RULES,
  type RejectionNotice,
} from '../src/index.ts';

const notice: RejectionNotice = {
  table: 'notes',
  row: 'n1',
  cells: ['text'],
  operation: 'update',
  rule: 'update',
  expression: 'row.author == user.id',
  reason: 'Only the author may change a note.',
};

describe('rejection notices', () => {
  test('are a Response frame with a one-cell stamp body, from the server peer', () => {
    const frame = encodeRejectionNotice('rejected-7', notice);
    expect(frame.split('\n')[0]).toBe('S');
    expect(JSON.parse(frame.slice(2))).toEqual(['rejected-7', 0, [{ rejected: [notice] }]]);
  });

  test.each(Object.keys(REJECTION_RULES))('read back what was written, rule %s', (rule) => {
    const written = { ...notice, rule } as RejectionNotice;
    expect(decodeRejectionNotice(encodeRejectionNotice('r', written))).toEqual(written);
  });

  test.each([
    ['a content diff', `S\n${JSON.stringify([null, 3, [[{}, ''], [{}, ''], 1]])}`],
    ['a response of another shape', `S\n${JSON.stringify(['r', 0, { rejected: notice }])}`],
    ['a request mentioning the word', `S\n${JSON.stringify(['r', 4, [{ rejected: [notice] }]])}`],
    ['no peer line', JSON.stringify(['r', 0, [{ rejected: [notice] }]])],
    ['broken JSON', 'S\n["rejected"'],
  ])('leave other frames alone: %s', (_case, frame) => {
    expect(decodeRejectionNotice(frame)).toBeUndefined();
  });

  test('fill odd fields with safe values rather than trusting them', () => {
    const odd = { table: 1, row: null, cells: ['a', 2], operation: 'drop', rule: 'toString', reason: 'x' };
    expect(decodeRejectionNotice(`S\n${JSON.stringify(['r', 0, [{ rejected: [odd] }]])}`)).toEqual({
      table: '',
      row: '',
      cells: ['a'],
      operation: 'update',
      rule: 'schema',
      expression: '',
      reason: 'x',
    });
  });
});

describe('close codes', () => {
  test('every named code has a meaning, and only those do', () => {
    expect(Object.keys(CLOSE_MEANINGS).map(Number).sort()).toEqual(Object.values(CloseCode).sort());
    expect(closeMeaning(1006)).toBeUndefined();
    expect(closeMeaning(Number('constructor'))).toBeUndefined();
  });

  test('reconnecting cannot help after access withdrawn or instance deleted, and can after the others', () => {
    const final = Object.entries(CLOSE_MEANINGS)
      .filter(([, meaning]) => !meaning.retry)
      .map(([code]) => Number(code));
    expect(final).toEqual([CloseCode.accessWithdrawn, CloseCode.instanceDeleted]);
    expect(closeMeaning(CloseCode.viewChanged)).toMatchObject({ code: 'view_changed', retry: true });
  });
});

describe('error codes', () => {
  test('are snake_case, each with its sentence', () => {
    for (const [code, sentence] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(sentence.length).toBeGreaterThan(10);
    }
  });

  test('errorBody carries the sentence, the code and any extra fields', () => {
    expect(errorBody('version_conflict', 'Someone deployed meanwhile.', { version: 3 })).toEqual({
      error: 'Someone deployed meanwhile.',
      code: 'version_conflict',
      version: 3,
    });
  });
});

describe('readTokenRequest', () => {
  test('keeps sub, roles and tenant', () => {
    expect(readTokenRequest({ sub: 'alice', roles: ['admin'], tenant: 'acme', extra: 1 })).toEqual({
      sub: 'alice',
      roles: ['admin'],
      tenant: 'acme',
    });
  });

  test.each([
    [null, 'JSON object'],
    [[], 'JSON object'],
    [{ sub: '' }, '"sub"'],
    [{ sub: 'a', roles: 'admin' }, '"roles"'],
    [{ sub: 'a', roles: [1] }, '"roles"'],
    [{ sub: 'a', tenant: 5 }, '"tenant"'],
  ])('refuses %j in plain words', (body, words) => {
    expect(readTokenRequest(body)).toContain(words);
  });
});
