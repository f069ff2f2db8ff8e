// Table-driven tests of validateConfig: each invalid config must name the exact place (JSON Pointer) and code.
import { describe, expect, test } from 'vitest';
import { parseConfigText, templates, validateConfig } from '../src/index.ts';

type Json = Record<string, unknown>;

/** A valid config with one datastore "board" and one table "notes" to break in one place at a time. */
const base = (): Json => ({
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true, maxLength: 500 },
            author: { type: 'string', required: true },
            votes: { type: 'number', default: 0, min: 0 },
            pinned: { type: 'boolean', default: false },
            list: { type: 'string', references: 'lists' },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: "row.author == user.id && changed.all(f, f in ['text', 'pinned'])",
            delete: "row.author == user.id || 'admin' in user.roles",
          },
        },
        lists: { fields: { name: { type: 'string' } } },
      },
    },
  },
});

const board = (config: Json): Json => (config.datastores as Json).board as Json;
const notes = (config: Json): Json => (board(config).tables as Json).notes as Json;
const fields = (config: Json): Json => notes(config).fields as Json;
const rules = (config: Json): Json => notes(config).rules as Json;

const broken = (change: (config: Json) => void): Json => {
  const config = base();
  change(config);
  return config;
};

const N = '/datastores/board/tables/notes';
const F = `${N}/fields`;

const cases: Array<[string, unknown, string, string]> = [
  ['a list instead of an object', [], '', 'not_an_object'],
  ['a string instead of an object', 'config', '', 'not_an_object'],
  ['format missing', broken((c) => delete c.format), '/format', 'missing'],
  ['format 2', broken((c) => (c.format = 2)), '/format', 'bad_format'],
  ['format as text', broken((c) => (c.format = '1')), '/format', 'bad_format'],
  ['datastores missing', broken((c) => delete c.datastores), '/datastores', 'missing'],
  ['datastores a list', broken((c) => (c.datastores = [])), '/datastores', 'not_an_object'],
  ['unknown top-level key', broken((c) => (c.version = 3)), '/version', 'unknown_key'],
  [
    'datastore id with a capital first',
    broken((c) => ((c.datastores as Json).Board = board(c))),
    '/datastores/Board',
    'bad_id',
  ],
  [
    'datastore id with a dash',
    broken((c) => ((c.datastores as Json)['my-board'] = board(c))),
    '/datastores/my-board',
    'bad_id',
  ],
  [
    'datastore id too long',
    broken((c) => ((c.datastores as Json)['a'.repeat(65)] = board(c))),
    `/datastores/${'a'.repeat(65)}`,
    'bad_id',
  ],
  [
    'datastore is not an object',
    broken((c) => ((c.datastores as Json).board = 'x')),
    '/datastores/board',
    'not_an_object',
  ],
  ['instances missing', broken((c) => delete board(c).instances), '/datastores/board/instances', 'missing'],
  [
    'instances unknown',
    broken((c) => (board(c).instances = 'perTeam')),
    '/datastores/board/instances',
    'bad_choice',
  ],
  ['sync unknown', broken((c) => (board(c).sync = 'oneWay')), '/datastores/board/sync', 'bad_choice'],
  ['sync missing', broken((c) => delete board(c).sync), '/datastores/board/sync', 'missing'],
  ['tables missing', broken((c) => delete board(c).tables), '/datastores/board/tables', 'missing'],
  ['unknown datastore key', broken((c) => (board(c).mode = 'x')), '/datastores/board/mode', 'unknown_key'],
  ['title a number', broken((c) => (board(c).title = 5)), '/datastores/board/title', 'wrong_type'],
  [
    'createInstance on single',
    broken((c) => (board(c).createInstance = 'true')),
    '/datastores/board/createInstance',
    'multi_only',
  ],
  ['join on single', broken((c) => (board(c).join = 'true')), '/datastores/board/join', 'multi_only'],
  [
    'maxInstancesPerUser on single',
    broken((c) => (board(c).maxInstancesPerUser = 3)),
    '/datastores/board/maxInstancesPerUser',
    'multi_only',
  ],
  [
    'deleteIdleAfterDays on single',
    broken((c) => (board(c).deleteIdleAfterDays = 3)),
    '/datastores/board/deleteIdleAfterDays',
    'multi_only',
  ],
  [
    'maxInstancesPerUser zero',
    broken((c) => Object.assign(board(c), { instances: 'multi', maxInstancesPerUser: 0 })),
    '/datastores/board/maxInstancesPerUser',
    'out_of_range',
  ],
  [
    'maxInstancesPerUser not whole',
    broken((c) => Object.assign(board(c), { instances: 'multi', maxInstancesPerUser: 1.5 })),
    '/datastores/board/maxInstancesPerUser',
    'wrong_type',
  ],
  [
    'table id with a space',
    broken((c) => ((board(c).tables as Json)['my notes'] = notes(c))),
    '/datastores/board/tables/my notes',
    'bad_id',
  ],
  ['table without fields key', broken((c) => delete notes(c).fields), `${N}/fields`, 'missing'],
  ['table with no fields', broken((c) => (notes(c).fields = {})), `${N}/fields`, 'no_fields'],
  ['unknown table key', broken((c) => (notes(c).private = true)), `${N}/private`, 'unknown_key'],
  ['serverOnly as text', broken((c) => (notes(c).serverOnly = 'yes')), `${N}/serverOnly`, 'wrong_type'],
  ['unknown rule kind', broken((c) => (rules(c).view = 'true')), `${N}/rules/view`, 'unknown_key'],
  ['rule not a string', broken((c) => (rules(c).create = true)), `${N}/rules/create`, 'wrong_type'],
  [
    'field id starting with a digit',
    broken((c) => (fields(c)['1st'] = { type: 'string' })),
    `${F}/1st`,
    'bad_id',
  ],
  ['field without type', broken((c) => (fields(c).text = { required: true })), `${F}/text/type`, 'missing'],
  ['field of type date', broken((c) => (fields(c).text = { type: 'date' })), `${F}/text/type`, 'bad_choice'],
  ['field not an object', broken((c) => (fields(c).text = 'string')), `${F}/text`, 'not_an_object'],
  [
    'unknown field key',
    broken((c) => ((fields(c).text as Json).unique = true)),
    `${F}/text/unique`,
    'unknown_key',
  ],
  [
    'required as text',
    broken((c) => ((fields(c).text as Json).required = 'yes')),
    `${F}/text/required`,
    'wrong_type',
  ],
  [
    'maxLength negative',
    broken((c) => ((fields(c).text as Json).maxLength = -1)),
    `${F}/text/maxLength`,
    'out_of_range',
  ],
  [
    'maxLength as text',
    broken((c) => ((fields(c).text as Json).maxLength = '5')),
    `${F}/text/maxLength`,
    'wrong_type',
  ],
  [
    'maxLength on a number',
    broken((c) => ((fields(c).votes as Json).maxLength = 5)),
    `${F}/votes/maxLength`,
    'limit_not_for_type',
  ],
  [
    'min on a string',
    broken((c) => ((fields(c).text as Json).min = 1)),
    `${F}/text/min`,
    'limit_not_for_type',
  ],
  [
    'min above max',
    broken((c) => Object.assign(fields(c).votes as Json, { min: 10, max: 5 })),
    `${F}/votes/min`,
    'min_above_max',
  ],
  [
    'default of the wrong type',
    broken((c) => ((fields(c).votes as Json).default = 'zero')),
    `${F}/votes/default`,
    'default_type',
  ],
  [
    'boolean default on a string',
    broken((c) => ((fields(c).text as Json).default = false)),
    `${F}/text/default`,
    'default_type',
  ],
  [
    'default below min',
    broken((c) => ((fields(c).votes as Json).default = -1)),
    `${F}/votes/default`,
    'default_invalid',
  ],
  [
    'default longer than maxLength',
    broken((c) => ((fields(c).text as Json).default = 'x'.repeat(501))),
    `${F}/text/default`,
    'default_invalid',
  ],
  [
    'default null',
    broken((c) => ((fields(c).text as Json).default = null)),
    `${F}/text/default`,
    'wrong_type',
  ],
  [
    'reference to a missing table',
    broken((c) => ((fields(c).list as Json).references = 'boards')),
    `${F}/list/references`,
    'missing_reference',
  ],
  [
    'reference with a bad id',
    broken((c) => ((fields(c).list as Json).references = 'My Lists')),
    `${F}/list/references`,
    'bad_id',
  ],
  [
    'reference on a number field',
    broken((c) => Object.assign(fields(c).votes as Json, { references: 'lists' })),
    `${F}/votes/type`,
    'reference_not_string',
  ],
  [
    'synced table referencing a server-only table',
    broken((c) => (((board(c).tables as Json).lists as Json).serverOnly = true)),
    `${F}/list/references`,
    'reference_server_only',
  ],
  [
    'rule naming an unknown field',
    broken((c) => (rules(c).create = 'newRow.writer == user.id')),
    `${N}/rules/create`,
    'rule_unknown_name',
  ],
  [
    'rule comparing a number with text',
    broken((c) => (rules(c).update = "row.votes == 'many'")),
    `${N}/rules/update`,
    'rule_type',
  ],
  [
    'rule that is not a yes/no',
    broken((c) => (rules(c).delete = 'row.text')),
    `${N}/rules/delete`,
    'rule_not_bool',
  ],
  [
    'rule using matches',
    broken((c) => (rules(c).create = "newRow.text.matches('^(a+)+$')")),
    `${N}/rules/create`,
    'rule_forbidden_function',
  ],
  [
    'rule with a syntax error',
    broken((c) => (rules(c).create = 'newRow.author ==')),
    `${N}/rules/create`,
    'rule_syntax',
  ],
  ['empty rule', broken((c) => (rules(c).create = '  ')), `${N}/rules/create`, 'rule_syntax'],
  [
    'rule too long',
    broken((c) => (rules(c).create = 'true && '.repeat(600) + 'true')),
    `${N}/rules/create`,
    'rule_too_long',
  ],
  [
    'unknown user attribute',
    broken((c) => (rules(c).create = "user.email != ''")),
    `${N}/rules/create`,
    'rule_unknown_name',
  ],
  [
    'connect rule using row',
    broken((c) => (board(c).connect = 'row.author == user.id')),
    '/datastores/board/connect',
    'rule_unknown_name',
  ],
  [
    'connect rule not bool',
    broken((c) => (board(c).connect = 'user.roles')),
    '/datastores/board/connect',
    'rule_not_bool',
  ],
  [
    'createInstance rule using instance',
    broken((c) =>
      Object.assign(board(c), { instances: 'multi', createInstance: 'instance.owner == user.id' }),
    ),
    '/datastores/board/createInstance',
    'rule_unknown_name',
  ],
  [
    'join rule with a type error',
    broken((c) => Object.assign(board(c), { instances: 'multi', join: 'user.roles == 1' })),
    '/datastores/board/join',
    'rule_type',
  ],
  ['designer section a list', broken((c) => (c.designer = [])), '/designer', 'not_an_object'],
];

describe('validateConfig refuses each broken config at the exact place', () => {
  test('there are at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  test.each(cases)('%s', (_name, config, path, code) => {
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ path, code }));
    for (const error of result.errors) {
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.message).not.toMatch(/undefined|\[object/);
    }
  });
});

describe('validateConfig', () => {
  test('accepts the base config and every template', () => {
    expect(validateConfig(base())).toEqual({ ok: true, config: base(), errors: [] });
    for (const template of templates) expect(validateConfig(template.config).errors).toEqual([]);
  });

  test('answers every problem at once', () => {
    const config = broken((c) => {
      c.format = 2;
      (fields(c).votes as Json).default = 'zero';
      rules(c).create = 'newRow.writer == user.id';
      board(c).join = 'true';
    });
    const paths = validateConfig(config).errors.map((error) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/format',
        `${F}/votes/default`,
        `${N}/rules/create`,
        '/datastores/board/join',
      ]),
    );
  });

  test('escapes ~ and / in pointers', () => {
    const config = broken((c) => ((board(c).tables as Json)['a/b~c'] = notes(c)));
    expect(validateConfig(config).errors.map((error) => error.path)).toContain(
      '/datastores/board/tables/a~1b~0c',
    );
  });

  test('a rule problem carries its position in the expression', () => {
    const config = broken((c) => (rules(c).create = 'newRow.author == user.id && newRow.writer == 1'));
    const [problem] = validateConfig(config).errors;
    expect(problem?.position).toEqual({ start: 35, end: 41 });
    expect('newRow.author == user.id && newRow.writer == 1'.slice(35, 41)).toBe('writer');
    expect(problem?.message).toContain('writer');
    expect(problem?.message).toContain('text, author, votes, pinned, list');
  });

  test('accepts $schema and a designer section, and keeps them', () => {
    const config = {
      ...base(),
      $schema: './config.schema.json',
      designer: { positions: { notes: { x: 1, y: 2 } } },
    };
    const result = validateConfig(config);
    expect(result.ok).toBe(true);
    expect(result.config).toEqual(config);
  });

  test('accepts integer literals and now mixed with number fields', () => {
    const config = broken((c) => {
      (fields(c).votes as Json).max = 10;
      rules(c).update =
        'newRow.votes + 1 <= 10 && newRow.votes != 0 && now - row.votes > 0 && newRow.votes * 2 >= 1.5';
    });
    expect(validateConfig(config).errors).toEqual([]);
  });

  test('parseConfigText reports malformed JSON at the root', () => {
    const result = parseConfigText('{"format": 1,');
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ path: '', code: 'invalid_json' })]);
    expect(parseConfigText(JSON.stringify(base())).ok).toBe(true);
  });
});
