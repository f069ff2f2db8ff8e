// The whole write judgement as a pure function: sync mode, server-only and unknown tables, values, the ceiling.
import { describe, expect, test } from 'vitest';
import { compileConfig, judgeValueWrite, judgeWrite, type AppConfig } from '../src/index.ts';

const config = (sync: 'twoWay' | 'serverToClient'): AppConfig => ({
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync,
      tables: {
        notes: {
          fields: { text: { type: 'string', required: true }, votes: { type: 'number', default: 0 } },
          rules: { create: 'true', update: 'true', delete: 'false' },
        },
        secrets: { serverOnly: true, fields: { note: { type: 'string' } }, rules: { create: 'true' } },
      },
    },
  },
});
const context = {
  user: { id: 'ann', roles: [], tenant: '' },
  instance: { id: 'main', owner: '', members: [] },
  now: 0,
  roomForNewRows: true,
};
const twoWay = compileConfig(config('twoWay')).datastores.board!;
const readOnly = compileConfig(config('serverToClient')).datastores.board!;

describe('judgeWrite', () => {
  test('an allowed create comes back with its defaults', () => {
    expect(judgeWrite(twoWay, 'notes', undefined, { text: 'hi' }, context)).toEqual({
      operation: 'create',
      allowed: true,
      defaults: { votes: 0 },
      auto: {},
      autoOnly: false,
    });
  });

  test('unknown and server-only tables are unknownTable, whatever their rules', () => {
    expect(judgeWrite(twoWay, 'nope', undefined, { text: 'x' }, context)).toMatchObject({
      allowed: false,
      rule: 'unknownTable',
      reason: 'There is no table "nope" in this datastore.',
    });
    expect(judgeWrite(twoWay, 'secrets', undefined, { note: 'x' }, context)).toMatchObject({
      allowed: false,
      rule: 'unknownTable',
    });
    expect(judgeWrite(twoWay, 'constructor', undefined, { note: 'x' }, context)).toMatchObject({
      rule: 'unknownTable',
    });
  });

  test('serverToClient makes every client write readOnly, even one the rules allow', () => {
    expect(judgeWrite(readOnly, 'notes', undefined, { text: 'hi' }, context)).toMatchObject({
      operation: 'create',
      allowed: false,
      rule: 'readOnly',
    });
    expect(judgeWrite(readOnly, 'notes', { text: 'a' }, { text: undefined }, context)).toMatchObject({
      operation: 'delete',
      rule: 'readOnly',
    });
  });

  test('schema and rule refusals keep their rule and expression', () => {
    expect(judgeWrite(twoWay, 'notes', undefined, { votes: 1 }, context)).toMatchObject({ rule: 'schema' });
    expect(judgeWrite(twoWay, 'notes', { text: 'a' }, { text: undefined }, context)).toMatchObject({
      operation: 'delete',
      rule: 'delete',
      expression: 'false',
    });
  });

  test('at the ceiling, creates the rule allows are refused as limit; updates still pass', () => {
    const full = { ...context, roomForNewRows: false };
    expect(judgeWrite(twoWay, 'notes', undefined, { text: 'hi' }, full)).toMatchObject({
      operation: 'create',
      allowed: false,
      rule: 'limit',
      reason: expect.stringContaining('no new rows'),
    });
    expect(judgeWrite(twoWay, 'notes', { text: 'a' }, { text: 'b' }, full)).toMatchObject({ allowed: true });
  });
});

test('judgeValueWrite refuses every value write', () => {
  expect(judgeValueWrite('theme', false)).toMatchObject({
    allowed: false,
    rule: 'values',
    operation: 'create',
  });
  expect(judgeValueWrite('theme', true)).toMatchObject({ operation: 'update' });
});
