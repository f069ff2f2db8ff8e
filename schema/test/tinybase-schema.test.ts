// TinyBase schemas generated from configs: right types and defaults, server-only tables left out of synced stores.
import { createStore } from 'tinybase';
import { describe, expect, test } from 'vitest';
import { tablesSchemaFor, templates, typescriptFor } from '../src/index.ts';

const match = templates.find((template) => template.id === 'gameMatch')!.config;

describe('tablesSchemaFor', () => {
  test('gives each field its type and default and leaves out server-only tables', () => {
    const schema = tablesSchemaFor(match.datastores.match!);
    expect(Object.keys(schema)).toEqual(['players', 'moves']);
    expect(schema.players).toEqual({
      userId: { type: 'string' },
      name: { type: 'string' },
      score: { type: 'number', default: 0 },
    });
    expect(Object.keys(tablesSchemaFor(match.datastores.match!, { includeServerOnly: true }))).toContain(
      'secrets',
    );
  });

  test('is a TablesSchema TinyBase accepts and enforces', () => {
    const store = createStore().setTablesSchema(tablesSchemaFor(match.datastores.match!));
    store.setRow('players', 'p1', { userId: 'ada', name: 'Ada', score: 'many' as unknown as number });
    expect(store.getRow('players', 'p1')).toEqual({ userId: 'ada', name: 'Ada', score: 0 });
  });
});

describe('typescriptFor', () => {
  test('declares a typed store per datastore', () => {
    const source = typescriptFor(match);
    expect(source).toContain("import type { MergeableStore } from 'tinybase/with-schemas';");
    expect(source).toContain('export const matchTablesSchema = {');
    expect(source).toContain('export type MatchStore = MergeableStore<[typeof matchTablesSchema, {}]>;');
    expect(source).not.toContain('secrets');
  });
});
