// What the server writes for "Created by", "Created at" and "Last changed at", and how changes are judged beside them.
import { describe, expect, test } from 'vitest';
import {
  autoCellsForPut,
  autoChange,
  compileConfig,
  instanceFacts,
  judgeWrite,
  runTests,
  type AppConfig,
  type Scenario,
  type TableConfig,
  userFromClaims,
} from '../src/index.ts';

const notes: TableConfig = {
  fields: {
    text: { type: 'string', required: true },
    author: { type: 'string', required: true, auto: 'creator' },
    createdAt: { type: 'number', auto: 'createdAt' },
    updatedAt: { type: 'number', auto: 'updatedAt' },
  },
  rules: {
    create: 'newRow.author == user.id && newRow.createdAt == now && !("author" in changed)',
    update: "row.author == user.id && changed.all(f, f == 'text') && newRow.updatedAt == now",
    delete: 'row.author == user.id',
  },
};

const config = (tests: Scenario[] = []): AppConfig => ({
  format: 1,
  datastores: { board: { instances: 'single', sync: 'twoWay', tables: { notes } } },
  tests,
});

const board = compileConfig(config()).datastores.board!;
const now = 1_800_000_000_000;
const as = (sub: string) => ({
  user: userFromClaims({ sub }),
  instance: instanceFacts('single', 'main'),
  now,
  roomForNewRows: true,
});
const stored = { text: 'hi', author: 'ada', createdAt: 1, updatedAt: 2 };

describe('autoChange', () => {
  test('a create: auto cells set aside, classified without them, all three filled by the server', () => {
    expect(autoChange(notes, undefined, { text: 'x', author: 'eve', updatedAt: 5 }, 'bob', now)).toEqual({
      incoming: { text: 'x' },
      sent: ['author', 'updatedAt'],
      autoOnly: false,
      operation: 'create',
      cells: { author: 'bob', createdAt: now, updatedAt: now },
    });
  });

  test('an update: only updatedAt is written; a sent creator gets its stored value back', () => {
    expect(autoChange(notes, stored, { text: 'y', author: 'eve' }, 'bob', now)).toMatchObject({
      incoming: { text: 'y' },
      operation: 'update',
      autoOnly: false,
      cells: { author: 'ada', updatedAt: now },
    });
  });

  test('auto fields only: not a change to judge; a delete removes the auto cells too', () => {
    expect(autoChange(notes, stored, { author: 'eve' }, 'bob', now)).toMatchObject({ autoOnly: true });
    expect(autoChange(notes, undefined, { createdAt: 3 }, 'bob', now)).toMatchObject({
      autoOnly: true,
      cells: { createdAt: undefined },
    });
    const gone = { text: undefined, author: undefined, createdAt: undefined, updatedAt: undefined };
    expect(autoChange(notes, stored, gone, 'ada', now)).toMatchObject({
      operation: 'delete',
      autoOnly: false,
      cells: { author: undefined, createdAt: undefined, updatedAt: undefined },
    });
    // Deleting the last ordinary cell is a delete, whatever auto cells the row has.
    expect(autoChange(notes, stored, { text: undefined }, 'ada', now).operation).toBe('delete');
  });

  test('rows stored before a field became auto are never filled with creator or createdAt on update', () => {
    expect(autoChange(notes, { text: 'old' }, { text: 'new' }, 'bob', now).cells).toEqual({ updatedAt: now });
  });

  test('a cell named "__proto__" stays an ordinary (unknown) cell', () => {
    const incoming = JSON.parse('{"__proto__": "x", "text": "y"}') as Record<string, string>;
    expect(Object.keys(autoChange(notes, stored, incoming, 'ada', now).incoming).sort()).toEqual([
      '__proto__',
      'text',
    ]);
    expect(judgeWrite(board, 'notes', stored, incoming, as('ada'))).toMatchObject({
      allowed: false,
      rule: 'schema',
    });
  });
});

describe('judgeWrite with auto fields', () => {
  test('rules see the server’s values in newRow, and changed never lists auto fields', () => {
    expect(judgeWrite(board, 'notes', undefined, { text: 'x', author: 'eve' }, as('bob'))).toEqual({
      operation: 'create',
      allowed: true,
      defaults: {},
      auto: { author: 'bob', createdAt: now, updatedAt: now },
      autoOnly: false,
    });
    expect(judgeWrite(board, 'notes', stored, { text: 'y', updatedAt: 7 }, as('ada'))).toMatchObject({
      allowed: true,
      auto: { updatedAt: now },
    });
    expect(judgeWrite(board, 'notes', stored, { text: 'y' }, as('bob'))).toMatchObject({
      allowed: false,
      rule: 'update',
    });
  });

  test('a wrong type in an auto field is not a schema problem: the server replaces it', () => {
    expect(judgeWrite(board, 'notes', stored, { text: 'z', author: 42 }, as('ada'))).toMatchObject({
      allowed: true,
      auto: { author: 'ada', updatedAt: now },
    });
  });

  test('a change to auto fields only is not judged, even by someone the rules would refuse', () => {
    expect(judgeWrite(board, 'notes', stored, { author: 'bob' }, as('bob'))).toMatchObject({
      allowed: true,
      autoOnly: true,
      auto: { author: 'ada' },
    });
  });
});

describe('where clients may not write at all', () => {
  test('a change to auto fields only of a read-only datastore is refused like any other write there', () => {
    const readOnly = compileConfig({
      format: 1,
      datastores: { board: { instances: 'single', sync: 'serverToClient', tables: { notes } } },
    }).datastores.board!;
    expect(judgeWrite(readOnly, 'notes', stored, { author: 'bob' }, as('bob'))).toMatchObject({
      allowed: false,
      rule: 'readOnly',
    });
  });
});

describe('the server data API', () => {
  test('a new row gets all three (creator is ""), an existing one keeps creator and createdAt', () => {
    expect(autoCellsForPut(notes, undefined, { text: 'x' }, now)).toEqual({
      author: '',
      createdAt: now,
      updatedAt: now,
    });
    expect(autoCellsForPut(notes, stored, { text: 'x' }, now)).toEqual({
      author: 'ada',
      createdAt: 1,
      updatedAt: now,
    });
    expect(autoCellsForPut(notes, { text: 'old' }, { text: 'x' }, now)).toEqual({ updatedAt: now });
    expect(autoCellsForPut(notes, stored, { text: 'x', author: 'svc', updatedAt: 9 }, now)).toEqual({
      createdAt: 1,
    });
  });
});

describe('scenarios in process', () => {
  test('a forged creator becomes the sender; auto-only changes are accepted and change nothing', () => {
    const run = runTests(
      config([
        {
          name: 'Bob cannot put Ada there',
          datastore: 'board',
          steps: [
            { as: 'bob', set: ['notes', 'n1', { text: 'Mine', author: 'ada' }] },
            { as: 'ada', sees: ['notes', 'n1', { author: 'bob', createdAt: 0, updatedAt: 0 }] },
            { as: 'ada', set: ['notes', 'n1', { author: 'ada' }] },
            { as: 'ada', sees: ['notes', 'n1', { author: 'bob' }] },
            { as: 'ada', set: ['notes', 'n1', { text: 'Ours' }], expect: { refused: 'update' } },
            { server: true, set: ['notes', 'n2', { text: 'From the back end' }] },
            { as: 'ada', sees: ['notes', 'n2', { author: '' }] },
            { as: 'bob', delete: ['notes', 'n1'] },
            { as: 'ada', sees: ['notes', 'n1', null] },
          ],
        },
      ]),
    );
    expect(run.scenarios[0]?.steps.filter((step) => !step.passed)).toEqual([]);
    expect(run.passed).toBe(1);
  });
});
