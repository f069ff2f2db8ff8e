// Canvas and panel edits keep a config consistent: references and positions follow renames, ids stay valid.
import { describe, expect, it } from 'vitest';
import { templates, validateConfig, type AppConfig } from '@datastore-designer/schema';
import {
  addField,
  addTable,
  deleteTable,
  layoutOf,
  renameField,
  renameTable,
  setPosition,
  setReference,
  setRowRule,
  toId,
} from '../src/model/config-edits.ts';
import { placeOf } from '../src/model/problem-place.ts';

const todo = (): AppConfig => structuredClone(templates.find((t) => t.id === 'todo')?.config) as AppConfig;

describe('config edits', () => {
  it('renames a table with its references and position, keeping key order', () => {
    const config = todo();
    setPosition(config, 'board', 'lists', { x: 10.4, y: 20.6 });
    const order = Object.keys(config.datastores.board?.tables ?? {});
    renameTable(config, 'board', 'lists', 'groups');
    expect(Object.keys(config.datastores.board?.tables ?? {})).toEqual(
      order.map((t) => (t === 'lists' ? 'groups' : t)),
    );
    expect(config.datastores.board?.tables.todos?.fields.list?.references).toBe('groups');
    expect(layoutOf(config).board?.groups).toEqual({ x: 10, y: 21 });
    expect(validateConfig(config).ok).toBe(true);
  });

  it('adds tables and fields with free ids, and a reference makes the field text', () => {
    const config = todo();
    const first = addTable(config, 'board');
    const second = addTable(config, 'board');
    expect([first, second]).toEqual(['newTable', 'newTable2']);
    const field = addField(config, 'board', 'todos');
    config.datastores.board!.tables.todos!.fields[field] = { type: 'number', min: 0 };
    setReference(config, 'board', 'todos', field, first);
    expect(config.datastores.board?.tables.todos?.fields[field]).toEqual({
      type: 'string',
      references: 'newTable',
    });
    renameField(config, 'board', 'todos', field, 'group');
    expect(Object.keys(config.datastores.board?.tables.todos?.fields ?? {})).toContain('group');
    expect(validateConfig(config).ok).toBe(true);
  });

  it('leaves a dangling reference for the Problems panel when its table is deleted', () => {
    const config = todo();
    deleteTable(config, 'board', 'lists');
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    const problem = result.errors.find((p) => p.code === 'missing_reference');
    expect(problem).toBeDefined();
    expect(placeOf(problem?.path ?? '').selection).toEqual({ kind: 'field', table: 'todos', field: 'list' });
  });

  it('keeps rules in create, update, delete order and drops an empty rules object', () => {
    const config = todo();
    const table = 'lists';
    for (const kind of ['create', 'update', 'delete'] as const)
      setRowRule(config, 'board', table, kind, undefined);
    expect(config.datastores.board?.tables[table]?.rules).toBeUndefined();
    setRowRule(config, 'board', table, 'delete', 'false');
    setRowRule(config, 'board', table, 'create', 'true');
    expect(Object.keys(config.datastores.board?.tables[table]?.rules ?? {})).toEqual(['create', 'delete']);
  });

  it('keeps who can see rows when another rule is edited, and renames fields in it', () => {
    const config = todo();
    const table = config.datastores.board!.tables.todos!;
    table.rules = { ...table.rules, read: 'row.author == user.id' };
    setRowRule(config, 'board', 'todos', 'create', 'true');
    expect(table.rules?.read).toBe('row.author == user.id');
    renameField(config, 'board', 'todos', 'author', 'owner');
    expect(table.rules?.read).toBe('row.owner == user.id');
  });

  it("renames a field in its table's rules too", () => {
    const config = todo();
    const rules = config.datastores.board?.tables.todos?.rules ?? {};
    rules.update = 'row.author == user.id && newRow.author == user.id && has(row.authorNote)';
    renameField(config, 'board', 'todos', 'author', 'owner');
    expect(config.datastores.board?.tables.todos?.rules?.update).toBe(
      'row.owner == user.id && newRow.owner == user.id && has(row.authorNote)',
    );
  });

  it('turns words into ids', () => {
    expect(toId('Due date')).toBe('dueDate');
    expect(toId('  42 Things!')).toBe('things');
    expect(toId('***')).toBe('');
  });

  it('maps problem pointers to the place to select', () => {
    expect(placeOf('/datastores/board/tables/todos/rules/update')).toMatchObject({
      datastore: 'board',
      selection: { kind: 'table', table: 'todos', rule: 'update' },
    });
    expect(placeOf('/datastores/game/join').selection).toEqual({ kind: 'datastore', rule: 'join' });
    expect(placeOf('/format').selection).toEqual({ kind: 'datastore' });
  });
});
