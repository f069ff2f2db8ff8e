// Who can see rows (`read` rules): what they may name, what a person sees, the writes they refuse, the runner.
import { describe, expect, test } from 'vitest';
import {
  compileConfig,
  configJsonSchema,
  diffConfigs,
  judgeWrite,
  runTests,
  validateConfig,
  type AppConfig,
  type Scenario,
} from '../src/index.ts';

const withRead = (read: string, extra: Record<string, unknown> = {}): AppConfig =>
  ({
    format: 1,
    datastores: {
      sales: {
        instances: 'single',
        sync: 'twoWay',
        tables: {
          deals: {
            fields: {
              title: { type: 'string' },
              owner: { type: 'string', auto: 'creator' },
              opened: { type: 'number', auto: 'createdAt' },
              touched: { type: 'number', auto: 'updatedAt' },
            },
            rules: { create: 'true', update: 'true', delete: 'true', read },
          },
          notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } },
          ...extra,
        },
      },
    },
  }) as AppConfig;

const POINTER = '/datastores/sales/tables/deals/rules/read';
const ONLY_FIXED = 'Who can see rows may only use fields that never change: Created by, Created at';

const ann = { id: 'ann', roles: [], tenant: '' };
const bob = { id: 'bob', roles: ['manager'], tenant: '' };
const main = { id: 'main', owner: '', members: [] };
const OWN_OR_MANAGER = "row.owner == user.id || 'manager' in user.roles";

describe('a read rule in a config', () => {
  test('user, instance and the fields that never change are accepted', () => {
    for (const rule of [
      OWN_OR_MANAGER,
      'row.opened > 0',
      "instance.owner == user.id || user.tenant == 'x'",
      'true',
    ]) {
      expect(validateConfig(withRead(rule)).errors, rule).toEqual([]);
    }
  });

  test.each([
    ['a field that can change', "row.title == 'x'", 'row.title'],
    ['a field the server updates', 'row.touched > 0', 'row.touched'],
    ['newRow', 'newRow.owner == user.id', 'newRow'],
    ['changed', "'title' in changed", 'changed'],
    ['now', 'now > 0', 'now'],
  ])('%s is refused in plain words, with a pointer', (_what, rule, name) => {
    const result = validateConfig(withRead(rule));
    expect(result.errors).toHaveLength(1);
    const [problem] = result.errors;
    expect(problem).toMatchObject({ path: POINTER, code: 'rule_read_changing' });
    expect(problem?.message).toContain(ONLY_FIXED);
    expect(problem?.message).toContain(`"${name}" can change`);
    expect(problem?.message).toContain('row.owner, row.opened');
    expect(problem?.position).toBeDefined();
  });

  test('a table without such fields is told to add a Created by field', () => {
    const config = withRead('true');
    const deals = config.datastores.sales!.tables.notes!;
    deals.rules = { ...deals.rules, read: "row.text == ''" };
    const [problem] = validateConfig(config).errors;
    expect(problem?.path).toBe('/datastores/sales/tables/notes/rules/read');
    expect(problem?.message).toContain('add a field filled with who created it (Created by)');
  });

  test('a read rule that does not answer yes or no is refused like any rule', () => {
    expect(validateConfig(withRead('row.owner')).errors[0]).toMatchObject({
      path: POINTER,
      code: 'rule_not_bool',
    });
  });

  test('the JSON Schema has a place for it', () => {
    const schema = JSON.stringify(configJsonSchema);
    expect(schema).toContain('"read"');
    expect(schema).toContain('Who can see rows');
  });

  test('changing or adding a read rule is not a destructive change', () => {
    const diff = diffConfigs(withRead('true'), withRead(OWN_OR_MANAGER));
    expect(diff.changes.length).toBeGreaterThan(0);
    expect(diff.changes.every((change) => !change.destructive)).toBe(true);
  });
});

describe('what a person sees', () => {
  const table = compileConfig(withRead(OWN_OR_MANAGER)).datastores.sales!.tables;

  test('per table: everything, nothing, or row by row', () => {
    expect(table.deals!.visibility(bob, main)).toBe('all');
    expect(table.deals!.visibility(ann, main)).toBe('perRow');
    expect(table.notes!.visibility(ann, main)).toBe('all');
    const none = compileConfig(withRead("'manager' in user.roles && row.owner == user.id")).datastores.sales!
      .tables.deals!;
    expect(none.visibility(ann, main)).toBe('none');
    expect(none.visibility(bob, main)).toBe('perRow');
  });

  test('a row is seen by its creator and by managers, and hidden from others', () => {
    const row = { title: 'Big', owner: 'ann', opened: 1 };
    expect(table.deals!.mayRead(ann, main, row)).toBe(true);
    expect(table.deals!.mayRead(bob, main, row)).toBe(true);
    expect(table.deals!.mayRead({ ...ann, id: 'cy' }, main, row)).toBe(false);
  });

  test('a row without the field the rule needs is hidden', () => {
    expect(table.deals!.mayRead(ann, main, { title: 'x' })).toBe(false);
  });

  test('server-only tables are seen by nobody', () => {
    const config = withRead('true', {
      secrets: { serverOnly: true, fields: { note: { type: 'string' } } },
    });
    const secrets = compileConfig(config).datastores.sales!.tables.secrets!;
    expect(secrets.visibility(bob, main)).toBe('none');
    expect(secrets.mayRead(bob, main, { note: 'x' })).toBe(false);
  });
});

describe('writes and who can see rows', () => {
  const datastore = compileConfig(withRead('row.owner == user.id')).datastores.sales!;
  const context = { user: ann, instance: main, now: 5, roomForNewRows: true };
  const hidden = { title: 'Secret plan', owner: 'bob', opened: 1 };

  test.each([
    ['an update', { title: 'mine now' }],
    ['a delete', { title: undefined, owner: undefined, opened: undefined }],
  ])('%s of a row they cannot see is refused, as a create, saying nothing of it', (_what, incoming) => {
    const verdict = judgeWrite(datastore, 'deals', hidden, incoming, context);
    expect(verdict).toMatchObject({ allowed: false, rule: 'read' });
    const words = JSON.stringify(verdict);
    expect(words).not.toContain('Secret');
    expect(words).not.toContain('bob');
    expect(verdict.operation).toBe(Object.values(incoming)[0] === undefined ? 'delete' : 'create');
  });

  test('a create reusing a hidden row’s id is refused', () => {
    expect(judgeWrite(datastore, 'deals', hidden, { title: 'x' }, context)).toMatchObject({
      allowed: false,
      rule: 'read',
      operation: 'create',
    });
  });

  test('a create they could see afterwards is allowed; one they could not is refused', () => {
    expect(judgeWrite(datastore, 'deals', undefined, { title: 'x' }, context).allowed).toBe(true);
    const nobody = compileConfig(withRead('row.opened < 0')).datastores.sales!;
    expect(judgeWrite(nobody, 'deals', undefined, { title: 'x' }, context)).toMatchObject({
      allowed: false,
      rule: 'read',
    });
  });

  test('their own rows and tables without a read rule are judged as before', () => {
    const own = { title: 'Mine', owner: 'ann', opened: 1 };
    expect(judgeWrite(datastore, 'deals', own, { title: 'x' }, context).allowed).toBe(true);
    expect(judgeWrite(datastore, 'notes', undefined, { text: 'x' }, context).allowed).toBe(true);
  });
});

describe('the in-process runner', () => {
  const scenario: Scenario = {
    name: 'reps see their own deals, managers all',
    datastore: 'sales',
    people: { bob: { roles: ['manager'] } },
    steps: [
      { as: 'ann', set: ['deals', 'd1', { title: 'Ann’s' }] },
      { as: 'cy', set: ['deals', 'd2', { title: 'Cy’s' }] },
      { as: 'ann', sees: ['deals', 'd1', { title: 'Ann’s' }] },
      { as: 'ann', sees: ['deals', 'd2', null] },
      { as: 'bob', sees: ['deals', 'd2', { title: 'Cy’s' }] },
      { as: 'ann', set: ['deals', 'd2', { title: 'taken' }], expect: { refused: 'read' } },
      { as: 'cy', sees: ['deals', 'd2', { title: 'Cy’s' }] },
    ],
  };

  test('hidden rows are absent from a copy, and writes to them are refused by who can see rows', () => {
    const config = { ...withRead(OWN_OR_MANAGER), tests: [scenario] };
    expect(validateConfig(config).errors).toEqual([]);
    const run = runTests(config);
    expect(run.scenarios[0]?.steps.filter((step) => !step.passed)).toEqual([]);
    expect(run.failed).toBe(0);
  });

  test('a scenario expecting a hidden row to be seen fails', () => {
    const wrong: Scenario = {
      ...scenario,
      steps: [...scenario.steps.slice(0, 2), { as: 'ann', sees: ['deals', 'd2', { title: 'Cy’s' }] }],
    };
    expect(runTests({ ...withRead(OWN_OR_MANAGER), tests: [wrong] }).failed).toBe(1);
  });
});
