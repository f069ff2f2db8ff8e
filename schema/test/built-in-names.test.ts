// Ids named like built-ins of Object.prototype ("constructor", "toString", "valueOf") are ordinary ids everywhere.
import { expect, test } from 'vitest';
import {
  type AppConfig,
  applyDefaults,
  compileConfig,
  diffConfigs,
  instanceFacts,
  judgeRowChange,
  type TableConfig,
  validateConfig,
  validateRow,
} from '../src/index.ts';

// Typed as plain strings: TypeScript itself reads `.constructor` and `.toString` as Object's own.
const DATASTORE: string = 'constructor';
const TABLE: string = 'toString';
const TEXT_FIELD: string = 'toString';
const NUMBER_FIELD: string = 'valueOf';

const table: TableConfig = {
  fields: {
    [TEXT_FIELD]: { type: 'string', required: true },
    [NUMBER_FIELD]: { type: 'number', default: 7 },
  },
  rules: { create: 'newRow.toString == user.id && newRow.valueOf == 7' },
};
const config: AppConfig = {
  format: 1,
  datastores: { [DATASTORE]: { instances: 'single', sync: 'twoWay', tables: { [TABLE]: table } } },
};

const tableOf = (app: AppConfig): TableConfig => app.datastores[DATASTORE]!.tables[TABLE]!;

test('a config using built-in names is valid, and references to them must exist for real', () => {
  expect(validateConfig(config).errors).toEqual([]);
  const dangling = structuredClone(config);
  tableOf(dangling).fields.link = {
    type: 'string',
    references: 'hasOwnProperty',
  };
  expect(validateConfig(dangling).errors).toEqual([
    expect.objectContaining({
      code: 'missing_reference',
      path: '/datastores/constructor/tables/toString/fields/link/references',
    }),
  ]);
});

test('rows: required and defaults see fields named like built-ins, and unknown built-in names are unknown', () => {
  expect(validateRow(table, {}).map((problem) => problem.code)).toEqual(['required']);
  expect(applyDefaults(table, { toString: 'ada' })).toEqual({ toString: 'ada', valueOf: 7 });
  expect(validateRow(table, { toString: 'ada', hasOwnProperty: 'x' })).toEqual([
    expect.objectContaining({ field: 'hasOwnProperty', code: 'unknown_field' }),
  ]);
});

test('judging a change: a __proto__ cell is an unknown field, and rules read built-in-named fields', () => {
  const compiled = compileConfig(config).datastores[DATASTORE]!.tables[TABLE]!;
  const context = {
    user: { id: 'ada', roles: [], tenant: '' },
    instance: instanceFacts('single', 'main'),
    now: 1,
  };
  const allowed = judgeRowChange(compiled, undefined, { toString: 'ada' }, context);
  expect(allowed).toMatchObject({
    operation: 'create',
    allowed: true,
    newRow: { toString: 'ada', valueOf: 7 },
  });
  const sneaky = judgeRowChange(
    compiled,
    undefined,
    JSON.parse('{"toString": "ada", "__proto__": "x"}'),
    context,
  );
  expect(sneaky).toMatchObject({
    allowed: false,
    rule: 'schema',
    problems: [expect.objectContaining({ field: '__proto__' })],
  });
});

test.each(['constructor', 'in', 'null', 'true', 'false'])(
  '"%s" cannot be a field name: rules could not use it',
  (name) => {
    const reserved = structuredClone(config);
    tableOf(reserved).fields[name] = { type: 'string' };
    expect(validateConfig(reserved).errors).toEqual([
      expect.objectContaining({
        code: 'reserved_id',
        path: `/datastores/constructor/tables/toString/fields/${name}`,
      }),
    ]);
  },
);

test('diffs name changes to built-in-named ids', () => {
  const after = structuredClone(config);
  delete tableOf(after).fields[NUMBER_FIELD];
  expect(diffConfigs(config, after)).toEqual({
    changes: [
      expect.objectContaining({
        path: '/datastores/constructor/tables/toString/fields/valueOf',
        kind: 'removed',
      }),
    ],
    destructive: true,
  });
});
