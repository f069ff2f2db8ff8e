// The in-process scenario runner: every semantic of a config's tests, judged as the runtime judges writes.
import { describe, expect, test } from 'vitest';
import {
  type AppConfig,
  coverageGap,
  runTests,
  type Scenario,
  scenarioLine,
  stepSentence,
  summaryLine,
  validateConfig,
} from '../src/index.ts';

const notes = {
  fields: {
    text: { type: 'string', required: true, maxLength: 20 },
    author: { type: 'string', required: true },
    votes: { type: 'number', default: 0, min: 0 },
    createdAt: { type: 'number' },
  },
  rules: {
    create: 'newRow.author == user.id',
    update: "row.author == user.id || 'editor' in user.roles",
    delete: 'row.author == user.id',
  },
};

const configWith = (datastore: Record<string, unknown>, tests: Scenario[]): AppConfig => {
  const result = validateConfig({ format: 1, datastores: { board: datastore }, tests });
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.config;
};

const single = (tests: Scenario[], extra: Record<string, unknown> = {}) =>
  configWith({ instances: 'single', sync: 'twoWay', tables: { notes }, ...extra }, tests);

const scenario = (steps: Scenario['steps'], people?: Scenario['people']): Scenario => ({
  name: 'a scenario',
  datastore: 'board',
  ...(people ? { people } : {}),
  steps,
});

const outcomes = (config: AppConfig) =>
  runTests(config).scenarios.map((result) => result.steps.map((step) => [step.passed, step.outcome]));

describe('runTests', () => {
  test('set merges cells as one change, defaults are filled, rules decide, and rows are seen', () => {
    const run = runTests(
      single([
        scenario(
          [
            { as: 'alice', set: ['notes', 'n1', { text: 'Hi', author: 'alice' }] },
            { as: 'alice', sees: ['notes', 'n1', { text: 'Hi', votes: 0 }] },
            { as: 'sam', set: ['notes', 'n1', { text: 'Mine now' }], expect: { refused: 'update' } },
            { as: 'ed', set: ['notes', 'n1', { text: 'Edited' }], expect: 'accepted' },
            { as: 'bob', sees: ['notes', 'n1', { text: 'Edited', author: 'alice' }] },
            { as: 'sam', delete: ['notes', 'n1'], expect: 'refused' },
            { as: 'sam', sees: ['notes', 'n2', null] },
            { as: '', connect: 'refused' },
            { as: 'sam', connect: 'accepted' },
            { as: 'alice', delete: ['notes', 'n1'] },
            { as: 'bob', sees: ['notes', 'n1', null] },
          ],
          { ed: { roles: ['editor'] } },
        ),
      ]),
    );
    expect(run.scenarios[0]?.steps.filter((step) => !step.passed)).toEqual([]);
    expect(run.scenarios[0]?.steps[2]?.outcome).toEqual({
      kind: 'refused',
      rule: 'update',
      reason: expect.any(String),
    });
    expect(run.scenarios[0]?.steps.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(summaryLine(run.scenarios)).toBe('1 passed, 0 failed');
  });

  test('a failing step says what happened instead, and the summary counts scenarios', () => {
    const config = single([
      {
        ...scenario([{ as: 'alice', set: ['notes', 'n1', { text: 'Hi', author: 'bob' }] }]),
        name: 'forged author',
      },
      { ...scenario([{ as: 'alice', sees: ['notes', 'n1', { text: 'Hi' }] }]), name: 'fresh instance' },
      {
        ...scenario([
          { as: 'alice', set: ['notes', 'n1', { text: 'Hi', author: 'alice' }] },
          { as: 'alice', set: ['notes', 'n1', { text: 'Hi' }] },
          { as: 'alice', delete: ['notes', 'n9'] },
        ]),
        name: 'nothing to change',
      },
    ]);
    const run = runTests(config);
    expect(run.scenarios.map(scenarioLine)).toEqual([
      expect.stringMatching(/^FAIL forged author: step 1: it was refused by who can add rows: /),
      'FAIL fresh instance: step 1: the row is not in their copy',
      'FAIL nothing to change: step 2: nothing to change: notes › n1 already holds these values',
    ]);
    expect(run.scenarios[2]?.steps[2]).toMatchObject({ passed: false, outcome: { kind: 'unchanged' } });
    expect(summaryLine(run.scenarios)).toBe('0 passed, 3 failed');
    expect([run.passed, run.failed]).toEqual([0, 3]);
  });

  test('schema refusals can be tested, since cells are not checked against the fields', () => {
    const run = runTests(
      single([
        scenario([
          {
            as: 'a',
            set: ['notes', 'n1', { text: 'x'.repeat(21), author: 'a' }],
            expect: { refused: 'schema' },
          },
          { as: 'a', set: ['notes', 'n1', { text: 7, author: 'a' }], expect: { refused: 'schema' } },
          { as: 'a', set: ['notes', 'n1', { author: 'a' }], expect: { refused: 'schema' } },
          {
            as: 'a',
            set: ['notes', 'n1', { text: 'ok', author: 'a', colour: 'red' }],
            expect: { refused: 'schema' },
          },
        ]),
      ]),
    );
    expect(run.scenarios[0]?.passed).toBe(true);
  });

  test('serverToClient datastores refuse every client write; server steps write through the data API', () => {
    const run = runTests(
      single(
        [
          scenario([
            { as: 'a', set: ['notes', 'n1', { text: 'x', author: 'a' }], expect: { refused: 'readOnly' } },
            { server: true, set: ['notes', 'n1', { text: 'From the server', author: 'srv' }] },
            { server: true, set: ['notes', 'n1', { votes: 3 }] },
            { as: 'a', sees: ['notes', 'n1', { text: 'From the server', votes: 3 }] },
            { server: true, set: ['notes', 'n2', { votes: 1 }], expect: { refused: 'schema' } },
            { as: 'a', delete: ['notes', 'n1'], expect: { refused: 'readOnly' } },
            { server: true, delete: ['notes', 'n1'] },
            { as: 'a', sees: ['notes', 'n1', null] },
          ]),
        ],
        { sync: 'serverToClient' },
      ),
    );
    expect(run.scenarios[0]?.steps.filter((step) => !step.passed)).toEqual([]);
  });

  test('server-only tables are never seen and refuse client writes as unknownTable', () => {
    const config = configWith(
      {
        instances: 'single',
        sync: 'twoWay',
        tables: {
          notes,
          secrets: { serverOnly: true, fields: { code: { type: 'string' } }, rules: { create: 'true' } },
        },
      },
      [
        scenario([
          { server: true, set: ['secrets', 's1', { code: '42' }] },
          { as: 'a', sees: ['secrets', 's1', null] },
          { as: 'a', set: ['secrets', 's2', { code: '1' }], expect: { refused: 'unknownTable' } },
        ]),
      ],
    );
    expect(outcomes(config)[0]?.map(([passed]) => passed)).toEqual([true, true, true]);
  });

  test('perUser and perTenant: each person acts on the instance they would open', () => {
    const perUser = configWith({ instances: 'perUser', sync: 'twoWay', tables: { notes } }, [
      scenario([
        { as: 'a', set: ['notes', 'n1', { text: 'mine', author: 'a' }] },
        { as: 'b', sees: ['notes', 'n1', null] },
        { as: 'a', sees: ['notes', 'n1', { text: 'mine' }] },
        { as: '', set: ['notes', 'n1', { text: 'x', author: '' }], expect: { refused: 'connect' } },
        { as: 'b', server: true, set: ['notes', 'n2', { text: 'for b', author: 's' }] },
        { as: 'b', sees: ['notes', 'n2', { text: 'for b' }] },
        { as: 'a', sees: ['notes', 'n2', null] },
      ]),
    ]);
    expect(runTests(perUser).scenarios[0]?.steps.filter((step) => !step.passed)).toEqual([]);
    const perTenant = configWith({ instances: 'perTenant', sync: 'twoWay', tables: { notes } }, [
      scenario(
        [
          { as: 'a', set: ['notes', 'n1', { text: 'acme', author: 'a' }] },
          { as: 'b', sees: ['notes', 'n1', { text: 'acme' }] },
          { as: 'c', sees: ['notes', 'n1', null] },
          { as: 'd', connect: 'refused' },
        ],
        { a: { tenant: 'acme' }, b: { tenant: 'acme' }, c: { tenant: 'globex' } },
      ),
    ]);
    expect(runTests(perTenant).scenarios[0]?.steps.filter((step) => !step.passed)).toEqual([]);
  });

  test('multi: create, join, invite with local names; membership is required besides connect', () => {
    const config = configWith(
      {
        instances: 'multi',
        sync: 'twoWay',
        createInstance: "'host' in user.roles",
        join: "user.tenant == 'acme'",
        maxInstancesPerUser: 2,
        tables: { notes },
      },
      [
        scenario(
          [
            { as: 'guest', createInstance: 'g0', expect: { refused: 'createInstance' } },
            { as: 'host', createInstance: 'g1' },
            { as: 'host', createInstance: 'g2' },
            { as: 'host', createInstance: 'g3', expect: { refused: 'limit' } },
            { as: 'host', set: ['notes', 'n1', { text: 'hi', author: 'host' }], instance: 'g1' },
            { as: 'guest', sees: ['notes', 'n1', null], instance: 'g1' },
            { as: 'guest', connect: 'refused', instance: 'g1' },
            {
              as: 'guest',
              set: ['notes', 'n2', { text: 'x', author: 'guest' }],
              instance: 'g1',
              expect: { refused: 'connect' },
            },
            { as: 'guest', join: 'g1', expect: { refused: 'join' } },
            { as: 'colleague', join: 'g1' },
            { as: 'colleague', sees: ['notes', 'n1', { text: 'hi' }], instance: 'g1' },
            { as: 'colleague', invite: 'guest', instance: 'g1', expect: { refused: 'members' } },
            { as: 'host', invite: 'guest', instance: 'g1' },
            { as: 'guest', sees: ['notes', 'n1', { text: 'hi' }], instance: 'g1' },
            { as: 'host', sees: ['notes', 'n1', null], instance: 'g2' },
            { as: 'host', connect: 'accepted', instance: 'g0' },
          ],
          { host: { roles: ['host'] }, colleague: { tenant: 'acme' } },
        ),
      ],
    );
    const steps = runTests(config).scenarios[0]?.steps ?? [];
    expect(steps.filter((step) => !step.passed).map((step) => step.step)).toEqual([16]);
    expect(steps[15]?.message).toMatch(/they may not open it: There is no instance "g0"/);
  });

  test('scenarios never share data', () => {
    const config = single([
      scenario([{ as: 'a', set: ['notes', 'n1', { text: 'one', author: 'a' }] }]),
      scenario([{ as: 'a', sees: ['notes', 'n1', null] }]),
    ]);
    expect(runTests(config).passed).toBe(2);
  });

  test('time cells are compared by presence only', () => {
    const config = single([
      scenario([
        { server: true, set: ['notes', 'n1', { text: 'x', author: 'a', createdAt: 1 }] },
        { as: 'a', sees: ['notes', 'n1', { createdAt: 999 }] },
        { as: 'a', sees: ['notes', 'n1', { updatedAt: 1 }] },
      ]),
    ]);
    expect(runTests(config).scenarios[0]?.steps.map((step) => step.passed)).toEqual([true, true, false]);
  });

  test('coverage says, per rule, whether a step made it allow and one made it deny', () => {
    const run = runTests(
      single([
        scenario([
          { as: 'a', set: ['notes', 'n1', { text: 'x', author: 'a' }] },
          { as: 'b', set: ['notes', 'n1', { text: 'y' }], expect: 'refused' },
          { as: 'a', delete: ['notes', 'n1'] },
        ]),
      ]),
    );
    expect(run.coverage.map((entry) => [entry.path, entry.allowed, entry.denied])).toEqual([
      ['/datastores/board/connect', true, false],
      ['/datastores/board/tables/notes/rules/create', true, false],
      ['/datastores/board/tables/notes/rules/update', false, true],
      ['/datastores/board/tables/notes/rules/delete', true, false],
    ]);
    expect(run.coverage.map(coverageGap)).toEqual([
      'who can open it (board): never tested refusing',
      'who can add rows in notes: never tested refusing',
      'who can change rows in notes: never tested allowing',
      'who can delete rows in notes: never tested refusing',
    ]);
  });

  test('steps read as plain sentences', () => {
    expect(
      stepSentence({ as: 'sam', set: ['notes', 'n1', { text: 'x' }], expect: { refused: 'update' } }),
    ).toBe('sam sets notes › n1 › text — expected: refused by who can change rows');
    expect(stepSentence({ as: '', connect: 'refused' })).toBe(
      'Someone without a token opens the instance — expected: refused',
    );
    expect(stepSentence({ as: 'bob', sees: ['notes', 'n1', null] })).toBe('bob does not see notes › n1');
  });
});
