// Config diffs: every change named, and exactly the data-losing ones marked destructive.
import { describe, expect, test } from 'vitest';
import { type AppConfig, diffConfigs, templates } from '../src/index.ts';

const before: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' }, votes: { type: 'number' } }, rules: { create: 'true' } },
        tags: { fields: { name: { type: 'string' } } },
      },
    },
  },
};

const edit = (change: (config: AppConfig) => void): AppConfig => {
  const config = structuredClone(before);
  change(config);
  return config;
};

describe('diffConfigs', () => {
  test('no change, no diff', () => {
    expect(diffConfigs(before, structuredClone(before))).toEqual({ changes: [], destructive: false });
  });

  test('the order of a field’s settings is no change (a deployed config comes back in the schema’s order)', () => {
    const config = {
      format: 1,
      datastores: {
        board: {
          instances: 'single',
          sync: 'twoWay',
          tables: { notes: { fields: { author: { type: 'string', required: true, auto: 'creator' } } } },
        },
      },
    } as const;
    const reordered = structuredClone(config) as unknown as typeof before;
    reordered.datastores.board!.tables.notes!.fields.author = {
      type: 'string',
      auto: 'creator',
      required: true,
    };
    expect(diffConfigs(config as unknown as typeof before, reordered).changes).toEqual([]);
  });

  test('a first deploy adds everything', () => {
    expect(diffConfigs(undefined, before)).toEqual({
      changes: [expect.objectContaining({ path: '/datastores/board', kind: 'added', destructive: false })],
      destructive: false,
    });
  });

  test.each([
    [
      'a table removed',
      (c: AppConfig): unknown => delete c.datastores.board!.tables.tags,
      '/datastores/board/tables/tags',
      'removed',
      true,
    ],
    [
      'a field removed',
      (c: AppConfig): unknown => delete c.datastores.board!.tables.notes!.fields.votes,
      '/datastores/board/tables/notes/fields/votes',
      'removed',
      true,
    ],
    [
      'a field type changed',
      (c: AppConfig): unknown => (c.datastores.board!.tables.notes!.fields.votes = { type: 'string' }),
      '/datastores/board/tables/notes/fields/votes/type',
      'changed',
      true,
    ],
    [
      'a datastore removed',
      (c: AppConfig): unknown => delete c.datastores.board,
      '/datastores/board',
      'removed',
      true,
    ],
    [
      'a field added',
      (c: AppConfig): unknown => (c.datastores.board!.tables.tags!.fields.color = { type: 'string' }),
      '/datastores/board/tables/tags/fields/color',
      'added',
      false,
    ],
    [
      'a table added',
      (c: AppConfig): unknown => (c.datastores.board!.tables.more = { fields: { a: { type: 'boolean' } } }),
      '/datastores/board/tables/more',
      'added',
      false,
    ],
    [
      'a limit changed',
      (c: AppConfig): unknown => (c.datastores.board!.tables.notes!.fields.text!.maxLength = 5),
      '/datastores/board/tables/notes/fields/text',
      'changed',
      false,
    ],
    [
      'a rule changed',
      (c: AppConfig): unknown => (c.datastores.board!.tables.notes!.rules = { create: 'false' }),
      '/datastores/board/tables/notes/rules',
      'changed',
      false,
    ],
    [
      'the sync mode changed',
      (c: AppConfig): unknown => (c.datastores.board!.sync = 'serverToClient'),
      '/datastores/board/sync',
      'changed',
      false,
    ],
    [
      'a table made server-only',
      (c: AppConfig): unknown => (c.datastores.board!.tables.tags!.serverOnly = true),
      '/datastores/board/tables/tags/serverOnly',
      'changed',
      false,
    ],
  ] as const)('%s', (_name, change, path, kind, destructive) => {
    const diff = diffConfigs(before, edit(change));
    expect(diff.changes).toEqual([expect.objectContaining({ path, kind, destructive })]);
    expect(diff.destructive).toBe(destructive);
    expect(diff.changes[0]!.message.length).toBeGreaterThan(10);
  });

  test('changing the instance kind says where the stored data stays', () => {
    const diff = diffConfigs(
      before,
      edit((c): unknown => (c.datastores.board!.instances = 'perUser')),
    );
    expect(diff.destructive).toBe(false);
    expect(diff.changes).toEqual([
      expect.objectContaining({
        path: '/datastores/board/instances',
        message: expect.stringContaining('old kind'),
      }),
    ]);
  });

  test('switching between templates names each removal', () => {
    const [todo, chat] = templates;
    const diff = diffConfigs(todo!.config, chat!.config);
    expect(diff.destructive).toBe(true);
    expect(diff.changes.map((change) => change.path)).toEqual([
      '/datastores/board',
      '/datastores/chat',
      '/tests',
    ]);
  });
});
