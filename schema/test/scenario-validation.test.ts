// The tests section of a config: its structure and plain-words problems, each at its JSON Pointer.
import { describe, expect, test } from 'vitest';
import { type AppConfig, diffConfigs, validateConfig } from '../src/index.ts';

const base = (tests: unknown, instances = 'single'): unknown => ({
  format: 1,
  datastores: {
    board: {
      instances,
      sync: 'twoWay',
      tables: {
        notes: {
          fields: { text: { type: 'string' }, author: { type: 'string' } },
          rules: { create: 'true' },
        },
      },
    },
  },
  tests,
});

const problems = (tests: unknown, instances?: string) => {
  const result = validateConfig(base(tests, instances));
  return result.errors.map(({ path, code, message }) => ({ path, code, message }));
};

describe('the tests section', () => {
  test('a well-formed scenario of every step kind is valid and kept as written', () => {
    const tests = [
      {
        name: 'A stranger cannot change Alice’s note',
        datastore: 'board',
        people: { alice: { roles: ['editor'], tenant: 'acme' }, sam: {} },
        steps: [
          { as: 'alice', set: ['notes', 'n1', { text: 'Hi', author: 'alice' }], expect: 'accepted' },
          { as: 'sam', set: ['notes', 'n1', { text: 'Mine' }], expect: { refused: 'update' } },
          { as: 'sam', delete: ['notes', 'n1'], expect: 'refused' },
          { as: 'bob', sees: ['notes', 'n1', { text: 'Hi' }] },
          { as: 'sam', sees: ['notes', 'n2', null] },
          { as: '', connect: 'refused' },
          { server: true, set: ['notes', 'n3', { text: 'From the back end' }] },
        ],
      },
    ];
    const result = validateConfig(base(tests));
    expect(result.errors).toEqual([]);
    expect(result.config?.tests).toEqual(tests);
  });

  test('an unknown datastore or table, and a malformed step, are problems with pointers and plain words', () => {
    expect(
      problems([
        { name: 'x', datastore: 'nope', steps: [] },
        {
          name: 'y',
          datastore: 'board',
          steps: [
            { as: 'a', set: ['missing', 'r', { a: 1 }] },
            { as: 'a', set: ['notes', 'r'] },
            { as: 'a', sees: ['notes', 'r', { text: ['x'] }] },
            { as: 'a', set: ['notes', 'r', { text: 'x' }], delete: ['notes', 'r'] },
            { as: 'a' },
            { set: ['notes', 'r', { text: 'x' }] },
            { as: 'a', delete: ['notes', 'r'], expect: { refused: 'nobody' } },
            { as: 'a', connect: 'maybe' },
            { as: 'a', sees: ['notes', 'r', null], expect: 'accepted' },
            { as: 'a', set: ['notes', 'r', { text: 'x' }], colour: 'red' },
          ],
        },
      ]),
    ).toEqual([
      {
        path: '/tests/0/datastore',
        code: 'unknown_datastore',
        message: 'There is no datastore "nope" in this config.',
      },
      {
        path: '/tests/1/steps/0/set/0',
        code: 'unknown_table',
        message: 'There is no table "missing" in this datastore.',
      },
      {
        path: '/tests/1/steps/1/set',
        code: 'bad_step',
        message: 'This step must be written as "set": ["<table>", "<row>", {<cells>}].',
      },
      {
        path: '/tests/1/steps/2/sees/2/text',
        code: 'wrong_type',
        message: 'Cell "text" must hold text, a number or true/false.',
      },
      {
        path: '/tests/1/steps/3',
        code: 'bad_step',
        message: 'A step does one thing; this one has set and delete. Split it into 2 steps.',
      },
      {
        path: '/tests/1/steps/4',
        code: 'bad_step',
        message: 'A step needs one action: set, delete, sees, connect, createInstance, join, invite.',
      },
      {
        path: '/tests/1/steps/5/as',
        code: 'missing',
        message: 'Say who does this step with "as" (a user id; "" for someone without a token).',
      },
      {
        path: '/tests/1/steps/6/expect/refused',
        code: 'bad_choice',
        message:
          '"nobody" is not a rule a refusal can name; use one of create, update, delete, read, schema, readOnly, unknownTable, limit, connect, createInstance, join, members.',
      },
      {
        path: '/tests/1/steps/7/connect',
        code: 'bad_choice',
        message: '"connect" must be "accepted" or "refused".',
      },
      {
        path: '/tests/1/steps/8/expect',
        code: 'bad_step',
        message: 'A sees step holds its own expectation; remove "expect".',
      },
      {
        path: '/tests/1/steps/9/colour',
        code: 'unknown_key',
        message: '"colour" is not part of a step. Remove it or check its spelling.',
      },
    ]);
  });

  test('multi steps need an instance created earlier, and multi-only steps are refused elsewhere', () => {
    expect(
      problems(
        [
          {
            name: 'game',
            datastore: 'board',
            steps: [
              { as: 'a', set: ['notes', 'r', { text: 'x' }] },
              { as: 'a', join: 'game' },
              { as: 'a', createInstance: 'game' },
              { as: 'b', join: 'game' },
              { as: 'a', createInstance: 'game' },
              { as: 'a', invite: 'c', instance: 'other' },
            ],
          },
        ],
        'multi',
      ).map(({ path, code }) => ({ path, code })),
    ).toEqual([
      { path: '/tests/0/steps/0/instance', code: 'bad_step' },
      { path: '/tests/0/steps/1/join', code: 'unknown_instance_name' },
      { path: '/tests/0/steps/4/createInstance', code: 'duplicate_name' },
      { path: '/tests/0/steps/5/instance', code: 'unknown_instance_name' },
    ]);
    expect(problems([{ name: 'n', datastore: 'board', steps: [{ as: 'a', createInstance: 'g' }] }])).toEqual([
      {
        path: '/tests/0/steps/0/createInstance',
        code: 'multi_only',
        message:
          'A createInstance step only applies when instances is "multi"; this datastore\'s are "single".',
      },
    ]);
  });

  test('a server step on per-user instances says whose instance; people are checked', () => {
    expect(
      problems(
        [
          {
            name: 'n',
            datastore: 'board',
            people: { '': {}, a: { roles: 'admin' }, b: { role: [] } },
            steps: [{ server: true, set: ['notes', 'r', { text: 'x' }] }],
          },
        ],
        'perUser',
      ).map(({ path, code }) => ({ path, code })),
    ).toEqual([
      { path: '/tests/0/people/', code: 'bad_id' },
      { path: '/tests/0/people/a/roles', code: 'wrong_type' },
      { path: '/tests/0/people/b/role', code: 'unknown_key' },
      { path: '/tests/0/steps/0/as', code: 'missing' },
    ]);
  });

  test('tests that are not a list, or scenarios without names, are problems too', () => {
    expect(problems({}).map(({ path }) => path)).toEqual(['/tests']);
    expect(
      problems([{ datastore: 'board', steps: 'none' }]).map(({ path, code }) => ({ path, code })),
    ).toEqual([
      { path: '/tests/0/name', code: 'missing' },
      { path: '/tests/0/steps', code: 'wrong_type' },
    ]);
  });

  test('changing the tests is a harmless change', () => {
    const before = validateConfig(base([])).config as AppConfig;
    const after = validateConfig(
      base([{ name: 'n', datastore: 'board', steps: [{ as: 'a', connect: 'accepted' }] }]),
    ).config as AppConfig;
    const diff = diffConfigs(before, after);
    expect(diff.destructive).toBe(false);
    expect(diff.changes).toEqual([
      expect.objectContaining({ path: '/tests', kind: 'changed', destructive: false }),
    ]);
    expect(diffConfigs(after, after).changes).toEqual([]);
  });
});
