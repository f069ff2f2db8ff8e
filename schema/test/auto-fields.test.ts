// Server-written ("auto") fields: which kinds go with which field types, what they may not be combined with.
import { describe, expect, test } from 'vitest';
import { diffConfigs, validateConfig, validateRow, type AppConfig, type FieldConfig } from '../src/index.ts';

/** A config whose table "notes" has `text` plus the given extra fields. */
const withFields = (extra: Record<string, unknown>): unknown => ({
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: { text: { type: 'string', required: true }, ...extra },
          rules: { create: 'newRow.author == user.id', delete: 'row.author == user.id' },
        },
        lists: { fields: { name: { type: 'string' } } },
      },
    },
  },
});

const F = '/datastores/board/tables/notes/fields';

describe('auto fields in a config', () => {
  test('creator on text, createdAt and updatedAt on numbers are accepted, required or not', () => {
    const config = withFields({
      author: { type: 'string', auto: 'creator', required: true },
      created: { type: 'number', auto: 'createdAt' },
      changed: { type: 'number', auto: 'updatedAt', required: true },
    });
    expect(validateConfig(config).errors).toEqual([]);
  });

  test.each([
    ['creator on a number field', { type: 'number', auto: 'creator' }, 'auto', 'auto_not_for_type'],
    ['createdAt on a text field', { type: 'string', auto: 'createdAt' }, 'auto', 'auto_not_for_type'],
    ['updatedAt on a yes/no field', { type: 'boolean', auto: 'updatedAt' }, 'auto', 'auto_not_for_type'],
    [
      'creator with a default',
      { type: 'string', auto: 'creator', default: 'x' },
      'default',
      'auto_with_setting',
    ],
    [
      'creator with maxLength',
      { type: 'string', auto: 'creator', maxLength: 9 },
      'maxLength',
      'auto_with_setting',
    ],
    [
      'creator with references',
      { type: 'string', auto: 'creator', references: 'lists' },
      'references',
      'auto_with_setting',
    ],
    ['createdAt with min', { type: 'number', auto: 'createdAt', min: 0 }, 'min', 'auto_with_setting'],
    ['updatedAt with max', { type: 'number', auto: 'updatedAt', max: 9 }, 'max', 'auto_with_setting'],
    [
      'updatedAt with a default',
      { type: 'number', auto: 'updatedAt', default: 0 },
      'default',
      'auto_with_setting',
    ],
    ['an unknown kind', { type: 'string', auto: 'editor' }, 'auto', 'bad_choice'],
    ['a kind that is not text', { type: 'string', auto: true }, 'auto', 'bad_choice'],
  ])('%s is refused at its place', (_name, author, key, code) => {
    const result = validateConfig(withFields({ author }));
    expect(result.ok).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ path: `${F}/author/${key}`, code }));
    for (const error of result.errors) expect(error.message).not.toMatch(/undefined|\[object/);
  });

  test('every forbidden setting is named at once, each with its own pointer', () => {
    const result = validateConfig(
      withFields({ author: { type: 'number', auto: 'createdAt', default: 1, min: 0, max: 5 } }),
    );
    // (The rules, which compare author with user.id, are refused too: only the field's own problems count here.)
    const own = result.errors.filter((e) => e.path.startsWith(`${F}/`));
    expect(own.map((e) => e.path).sort()).toEqual(
      [`${F}/author/default`, `${F}/author/max`, `${F}/author/min`].sort(),
    );
    expect(own[0]?.message).toContain('filled by the server with the time the row was created');
  });
});

describe('auto fields in rows', () => {
  const table = (
    withFields({
      author: { type: 'string', auto: 'creator', required: true },
      created: { type: 'number', auto: 'createdAt', required: true },
    }) as AppConfig
  ).datastores.board!.tables.notes!;

  test('a required auto field counts as present on create', () => {
    expect(validateRow(table, { text: 'hello' })).toEqual([]);
  });

  test('an auto cell that is there is still checked for its kind', () => {
    expect(validateRow(table, { text: 'hello', created: 'yesterday' })).toContainEqual(
      expect.objectContaining({ field: 'created', code: 'wrong_type' }),
    );
  });

  test('a required field that is not auto is still required', () => {
    const field: FieldConfig = { type: 'string', required: true };
    expect(validateRow({ fields: { text: field } }, {})).toContainEqual(
      expect.objectContaining({ field: 'text', code: 'required' }),
    );
  });
});

describe('auto fields in a deploy', () => {
  test('making a field auto, or plain again, loses no data', () => {
    const plain = withFields({ author: { type: 'string', required: true } }) as AppConfig;
    const auto = withFields({ author: { type: 'string', required: true, auto: 'creator' } }) as AppConfig;
    expect(diffConfigs(plain, auto).destructive).toBe(false);
    expect(diffConfigs(auto, plain).destructive).toBe(false);
  });
});
