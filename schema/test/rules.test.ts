// Rule semantics: what each kind of rule may use, how it is typed, and what it answers for create/update/delete.
import { describe, expect, test } from 'vitest';
import {
  type AppConfig,
  checkRule,
  compileConfig,
  compileRule,
  instanceFacts,
  judgeRowChange,
  type RuleUser,
  type TableConfig,
  userFromClaims,
} from '../src/index.ts';

const notes: TableConfig = {
  fields: {
    text: { type: 'string', required: true, maxLength: 10 },
    author: { type: 'string', required: true },
    votes: { type: 'number', default: 0, min: 0, max: 10 },
    pinned: { type: 'boolean', default: false },
    list: { type: 'string', references: 'lists' },
  },
  rules: {
    create: 'newRow.author == user.id && newRow.votes == 0',
    update: "row.author == user.id && changed.all(f, f in ['text', 'pinned', 'votes'])",
    delete: "row.author == user.id || 'admin' in user.roles",
  },
};

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: { notes, lists: { fields: { name: { type: 'string' } } } },
    },
    games: {
      instances: 'multi',
      sync: 'twoWay',
      join: "'player' in user.roles",
      tables: {
        moves: { fields: { by: { type: 'string' } }, rules: { create: 'user.id in instance.members' } },
      },
    },
  },
};

const ada: RuleUser = { id: 'ada', roles: [], tenant: 'acme' };
const bob: RuleUser = { id: 'bob', roles: ['admin'], tenant: '' };
const now = 1_700_000_000_000;
const compiled = compileConfig(config);
const table = compiled.datastores.board!.tables.notes!;
const instance = instanceFacts('single', 'main');
const judge = (
  user: RuleUser,
  before: Record<string, string | number | boolean> | undefined,
  incoming: Record<string, string | number | boolean | undefined>,
) => judgeRowChange(table, before, incoming, { user, instance, now });

describe('checkRule types rules against their variables and fields', () => {
  test.each([
    ['newRow.author == user.id', 'create', []],
    ['row.votes + 1 <= 10', 'update', []],
    ['now - row.votes > 60000', 'update', []],
    ['has(row.list) && row.list != ""', 'update', []],
    ["user.id in instance.members && 'x' in user.roles && user.tenant == ''", 'connect', []],
    ["user.id != ''", 'createInstance', []],
    ['row.nothing == 1', 'update', ['rule_unknown_name']],
    ['row.text > 1', 'update', ['rule_type']],
    ['newRow.pinned == "yes"', 'create', ['rule_type']],
    ['row.votes', 'update', ['rule_not_bool']],
    ['instance.id == "x"', 'createInstance', ['rule_unknown_name']],
    ['newRow.author == user.id', 'connect', ['rule_unknown_name']],
    ["row.text.matches('a')", 'update', ['rule_forbidden_function']],
    ["matches(row.text, 'a')", 'update', ['rule_forbidden_function']],
    ['(', 'update', ['rule_syntax']],
  ] as const)('%s as a %s rule', (expression, kind, codes) => {
    expect(checkRule(expression, kind, notes).map((problem) => problem.code)).toEqual(codes);
  });

  test.each([
    ['newRow.', 'a name is missing at the end'],
    ['(row.text == "a"', 'a closing ")" is missing at the end'],
    ["row.text == 'a", 'a text in quotes is not closed'],
    ['row.text = "a"', 'To compare, write "=="'],
    ['row.text ==', 'it stops in the middle'],
    ['row..text', 'a name is expected where "." is'],
  ])('a syntax error in %s is said in plain words', (expression, words) => {
    const [problem] = checkRule(expression, 'update', notes);
    expect(problem?.code).toBe('rule_syntax');
    expect(problem?.message).toContain(words);
    expect(problem?.message).not.toMatch(/IDENTIFIER|EOF|RPAREN|token/);
  });

  test('gives the position of the faulty part', () => {
    const [problem] = checkRule("row.author == user.id || row.txt == 'a'", 'update', notes);
    expect(problem?.position).toEqual({ start: 29, end: 32 });
  });
});

describe('compiled rules', () => {
  test('create: the author must be the user, defaults are filled before the rule sees newRow', () => {
    const allowed = judge(ada, undefined, { text: 'hi', author: 'ada' });
    expect(allowed).toMatchObject({
      operation: 'create',
      allowed: true,
      defaults: { votes: 0, pinned: false },
    });
    expect(allowed.newRow).toEqual({ text: 'hi', author: 'ada', votes: 0, pinned: false });
    const forged = judge(ada, undefined, { text: 'hi', author: 'bob' });
    expect(forged).toMatchObject({ operation: 'create', allowed: false, rule: 'create' });
    expect(forged.reason).toBe('newRow.author == user.id is false');
    expect(forged.expression).toBe(notes.rules?.create);
  });

  test('update: row is the stored row, newRow the merge, changed the touched fields', () => {
    const stored = { text: 'hi', author: 'ada', votes: 0, pinned: false };
    expect(judge(ada, stored, { pinned: true })).toMatchObject({ operation: 'update', allowed: true });
    expect(judge(bob, stored, { pinned: true })).toMatchObject({ operation: 'update', allowed: false });
    const authorChange = judge(ada, stored, { author: 'bob' });
    expect(authorChange).toMatchObject({ allowed: false, reason: expect.stringContaining('changed.all') });
  });

  test('delete: the row is gone when no cell is left; newRow is empty', () => {
    const stored = { text: 'hi', author: 'ada', votes: 0 };
    const all = { text: undefined, author: undefined, votes: undefined };
    expect(judge(ada, stored, all)).toMatchObject({ operation: 'delete', allowed: true, newRow: {} });
    expect(judge(bob, stored, all)).toMatchObject({ operation: 'delete', allowed: true });
    expect(judge({ ...bob, roles: [] }, stored, all)).toMatchObject({ operation: 'delete', allowed: false });
  });

  test('deleting some cells is an update, and a required cell cannot be deleted', () => {
    const stored = { text: 'hi', author: 'ada', votes: 3, pinned: true };
    expect(judge(ada, stored, { pinned: undefined })).toMatchObject({ operation: 'update', allowed: true });
    expect(judge(ada, stored, { text: undefined })).toMatchObject({
      operation: 'update',
      allowed: false,
      rule: 'schema',
      problems: [expect.objectContaining({ field: 'text', code: 'required' })],
    });
  });

  test('the schema is checked before the rule: types, limits, unknown fields, required', () => {
    const cases: Array<[Record<string, string | number | boolean>, string]> = [
      [{ text: 5 as unknown as string, author: 'ada' }, 'wrong_type'],
      [{ text: 'x'.repeat(11), author: 'ada' }, 'too_long'],
      [{ text: 'hi', author: 'ada', votes: 11 }, 'too_big'],
      [{ text: 'hi', author: 'ada', color: 'red' }, 'unknown_field'],
      [{ author: 'ada' }, 'required'],
    ];
    for (const [incoming, code] of cases) {
      const judgement = judge(ada, undefined, incoming);
      expect(judgement).toMatchObject({ allowed: false, rule: 'schema' });
      expect(judgement.problems.map((problem) => problem.code)).toContain(code);
    }
  });

  test('an unset field makes a rule fail to evaluate, which denies; has() tests for it', () => {
    const rule = compileRule("row.list == ''", 'update', notes);
    const verdict = rule({ user: ada, row: { text: 'a' }, newRow: {}, changed: [], now });
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('"list" is not set') });
    expect(compileRule('!has(row.list)', 'update', notes)({ user: ada, row: {}, now }).allowed).toBe(true);
  });

  test('numbers mix with integer literals and now', () => {
    const recent = compileRule('now - row.votes < 60000 && newRow.votes + 1 <= 10', 'update', notes);
    expect(recent({ user: ada, row: { votes: now - 1000 }, newRow: { votes: 9 }, now }).allowed).toBe(true);
    expect(recent({ user: ada, row: { votes: now - 100000 }, newRow: { votes: 9 }, now }).allowed).toBe(
      false,
    );
    expect(recent({ user: ada, row: { votes: now - 1000 }, newRow: { votes: 9.5 }, now }).allowed).toBe(
      false,
    );
  });

  test('a table without a rule of a kind denies that kind', () => {
    const lists = compiled.datastores.board!.tables.lists!;
    const judgement = judgeRowChange(lists, undefined, { name: 'x' }, { user: bob, instance, now });
    expect(judgement).toMatchObject({ allowed: false, rule: 'create', expression: '' });
    expect(judgement.reason).toContain('no create rule');
  });

  test('instance rules get their defaults and see user and instance', () => {
    const board = compiled.datastores.board!;
    expect(board.connect({ user: ada, instance, now }).allowed).toBe(true);
    expect(board.connect({ user: userFromClaims({}), instance, now }).allowed).toBe(false);
    expect(board.join({ user: ada, instance, now })).toMatchObject({ allowed: false, expression: 'false' });
    const games = compiled.datastores.games!;
    const match = instanceFacts('multi', 'abc', { owner: 'ada', members: ['ada'] });
    expect(games.join({ user: { ...bob, roles: ['player'] }, instance: match, now }).allowed).toBe(true);
    expect(games.createInstance({ user: bob, now }).allowed).toBe(true);
    const move = judgeRowChange(
      games.tables.moves!,
      undefined,
      { by: 'x' },
      { user: bob, instance: match, now },
    );
    expect(move.allowed).toBe(false);
    const own = judgeRowChange(
      games.tables.moves!,
      undefined,
      { by: 'x' },
      { user: ada, instance: match, now },
    );
    expect(own.allowed).toBe(true);
  });
});

describe('rule facts', () => {
  test('userFromClaims normalises roles and tenant', () => {
    expect(userFromClaims({ sub: 'ada', roles: ['a', 'b'], tenant: 'acme' })).toEqual({
      id: 'ada',
      roles: ['a', 'b'],
      tenant: 'acme',
    });
    expect(userFromClaims({ sub: 'ada', roles: ['a', 1], tenant: 5 })).toEqual({
      id: 'ada',
      roles: [],
      tenant: '',
    });
    expect(userFromClaims({ sub: 'ada', roles: 'admin' })).toEqual({ id: 'ada', roles: [], tenant: '' });
  });

  test('instanceFacts follows the instance kind', () => {
    expect(instanceFacts('single', 'main')).toEqual({ id: 'main', owner: '', members: [] });
    expect(instanceFacts('perUser', 'ada')).toEqual({ id: 'ada', owner: 'ada', members: ['ada'] });
    expect(instanceFacts('perTenant', 'acme')).toEqual({ id: 'acme', owner: '', members: [] });
    expect(instanceFacts('multi', 'x1', { owner: 'ada', members: ['ada', 'bob'] })).toEqual({
      id: 'x1',
      owner: 'ada',
      members: ['ada', 'bob'],
    });
  });
});
