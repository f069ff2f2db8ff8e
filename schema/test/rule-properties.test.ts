// Property test: every rule that validates also compiles, evaluates and explains a denial without throwing.
import { parse } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type AppConfig,
  checkRule,
  compileConfig,
  compileRule,
  type RuleContext,
  type TableConfig,
  validateConfig,
} from '../src/index.ts';

const table: TableConfig = {
  fields: {
    text: { type: 'string' },
    author: { type: 'string' },
    votes: { type: 'number' },
    pinned: { type: 'boolean' },
    list: { type: 'string', references: 'notes' },
  },
};

// Fixed seeds: a failure prints its seed and path, and the same run reproduces it.
const SEED = 20261201;

// Texts that trip a parser that cuts rules by position: operators, parentheses and quotes inside strings.
const tricky = fc.constantFrom('a', '', '&&', '(', ')', "')'", '!(', ') == (', '\\"', '|| true', 'é 🙂');
const stringLiteral = fc
  .tuple(tricky, fc.boolean())
  .map(([text, single]) =>
    single
      ? `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
      : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  );

const paren = (text: string): string => `(${text})`;

// A type alias, not an interface: fast-check's typed letrec needs an index-compatible record.
type Rules = { str: string; num: string; list: string; bool: string; scoped: string };

// Rules by the type they produce, so most of them type-check; `scoped` is a macro's body over its variable `x`.
const rules = fc.letrec<Rules>((tie) => {
  const str = tie('str');
  const num = tie('num');
  const list = tie('list');
  const bool = tie('bool');
  return {
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('row.author', 'newRow.text', 'row.list', 'user.id', 'user.tenant', 'instance.owner'),
      stringLiteral,
      fc.tuple(str, str).map(([a, b]) => `${a} + ${b}`),
      str.map(paren),
      fc.tuple(bool, str, str).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    ),
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('row.votes', 'newRow.votes', 'now', '0', '1', '10', '2.5', 'size(user.roles)'),
      fc.tuple(num, fc.constantFrom('+', '-', '*'), num).map(([a, op, b]) => `${a} ${op} ${b}`),
      num.map((a) => `-${a}`),
      num.map(paren),
      fc.tuple(bool, num, num).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    ),
    list: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('user.roles', 'changed', 'instance.members', "['text', 'pinned']", '[]'),
      list.map(paren),
      fc.tuple(list, tie('scoped')).map(([l, body]) => `${l}.filter(x, ${body})`),
      list.map((l) => `${l}.map(x, x + 'a')`),
    ),
    scoped: fc.oneof(
      { depthSize: 'small' },
      str.map((s) => `x == ${s}`),
      list.map((l) => `x in ${l}`),
      str.map((s) => `x.startsWith(${s})`),
      bool,
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('true', 'false', 'row.pinned', 'has(row.list)', 'has(newRow.text)'),
      fc.tuple(str, fc.constantFrom('==', '!='), str).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc
        .tuple(num, fc.constantFrom('<', '<=', '>', '>=', '==', '!='), num)
        .map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(str, list).map(([a, l]) => `${a} in ${l}`),
      bool.map((b) => `!${b}`),
      bool.map((b) => `!(${b})`),
      bool.map(paren),
      fc.tuple(bool, bool).map(([a, b]) => `${a} && ${b}`),
      fc.tuple(bool, bool).map(([a, b]) => `${paren(a)} && ${paren(b)}`),
      fc.tuple(bool, bool).map(([a, b]) => `${a} || ${b}`),
      fc.tuple(bool, bool).map(([a, b]) => `${paren(a)} == ${b}`),
      fc.tuple(bool, bool, bool).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
      fc
        .tuple(list, fc.constantFrom('all', 'exists', 'exists_one'), tie('scoped'))
        .map(([l, macro, body]) => `${l}.${macro}(x, ${body})`),
      fc
        .tuple(str, fc.constantFrom('startsWith', 'endsWith', 'contains'), str)
        .map(([a, f, b]) => `${a}.${f}(${b})`),
      str.map((s) => `size(${s}) > 2`),
      // Shapes that are wrong on purpose: the checker must refuse them, never the runtime.
      fc.tuple(str, num).map(([a, b]) => `${a} == ${b}`),
      bool.map((b) => `${b} &&`),
      bool.map((b) => `(${b}`),
    ),
  };
});

const row = fc.record(
  {
    text: fc.constantFrom('', 'a', 'hello'),
    author: fc.constantFrom('ada', 'bob', ''),
    votes: fc.constantFrom(0, 1, 2.5, -3, 1e308),
    pinned: fc.boolean(),
    list: fc.constantFrom('l1', ''),
  },
  { requiredKeys: [] },
);

const context: fc.Arbitrary<RuleContext> = fc.record({
  user: fc.record({
    id: fc.constantFrom('ada', 'bob', ''),
    roles: fc.subarray(['admin', 'text', 'editor']),
    tenant: fc.constantFrom('', 'acme'),
  }),
  instance: fc.record({
    id: fc.constantFrom('main', 'ada'),
    owner: fc.constantFrom('', 'ada'),
    members: fc.subarray(['ada', 'bob']),
  }),
  row,
  newRow: row,
  changed: fc.subarray(['text', 'author', 'votes', 'pinned', 'list']),
  now: fc.constantFrom(0, 1_700_000_000_000),
});

// Whether the rule as a whole is an `&&` chain (a part may be a `?:` that swallows the `&&` after it).
const isAndChain = (rule: string): boolean => parse(rule).ast.op === '&&';

describe('every rule that validates runs', () => {
  test('5,000 generated rules: validate ⇒ compile, evaluate and explain without throwing', () => {
    let valid = 0;
    fc.assert(
      fc.property(rules.bool, fc.array(context, { minLength: 3, maxLength: 3 }), (rule, contexts) => {
        if (checkRule(rule, 'update', table).length > 0) return;
        valid++;
        const compiled = compileRule(rule, 'update', table);
        for (const facts of contexts) {
          const verdict = compiled(facts);
          expect(typeof verdict.allowed).toBe('boolean');
          expect(verdict.expression).toBe(rule);
          expect(verdict.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: 5000 },
    );
    // The generator must mostly make rules that check, or the property says little.
    expect(valid).toBeGreaterThan(1500);
  }, 120_000);

  test('a denied `&&` chain is explained by the part that said no, not by the whole rule', () => {
    let explained = 0;
    fc.assert(
      fc.property(
        fc.array(rules.bool, { minLength: 2, maxLength: 4 }),
        fc.boolean(),
        context,
        (parts, wrap, facts) => {
          const rule = parts.map((part) => (wrap ? paren(part) : part)).join(' && ');
          if (checkRule(rule, 'update', table).length > 0 || !isAndChain(rule)) return;
          const verdict = compileRule(rule, 'update', table)(facts);
          if (verdict.allowed) return;
          explained++;
          // The reason starts with one part's own text, which is a piece of the rule as written.
          expect(verdict.reason.startsWith(`${rule} `)).toBe(false);
          const part = verdict.reason.replace(/ (is false|could not be decided: .*)$/s, '');
          expect(rule).toContain(part);
        },
      ),
      { seed: SEED + 1, numRuns: 2000 },
    );
    expect(explained).toBeGreaterThan(100);
  }, 120_000);

  test('a whole config with generated rules in every kind deploys and compiles', () => {
    fc.assert(
      fc.property(rules.bool, rules.bool, (update, create) => {
        const config: AppConfig = {
          format: 1,
          datastores: {
            board: {
              instances: 'single',
              sync: 'twoWay',
              tables: { notes: { ...table, rules: { create, update } } },
            },
          },
        };
        const result = validateConfig(config);
        if (result.ok) expect(() => compileConfig(result.config)).not.toThrow();
      }),
      { seed: SEED + 2, numRuns: 500 },
    );
  }, 120_000);
});

describe('rules that once broke the runtime', () => {
  const facts: RuleContext = {
    user: { id: 'ada', roles: [], tenant: '' },
    row: { author: 'ada' },
    newRow: { author: 'ada' },
    changed: ['author'],
    now: 0,
  };

  test.each([
    ["row.author == user.id && !('author' in changed)", "!('author' in changed) is false"],
    ["(row.author == user.id) == false && 'text' in changed", '(row.author == user.id) == false is false'],
    ["row.author == user.id && ((row.author == 'x') == true)", "(row.author == 'x') == true is false"],
    ["'a && (b' != row.author && !(row.author == 'ada')", "!(row.author == 'ada') is false"],
    [
      "row.author == user.id && (row.text == ')' || false)",
      `row.text == ')' || false could not be decided: "text" is not set`,
    ],
  ])('%s checks, runs and explains', (rule, reason) => {
    expect(checkRule(rule, 'update', table)).toEqual([]);
    expect(compileRule(rule, 'update', table)(facts).reason).toBe(reason);
  });

  test('a context the rule cannot be run on denies with the rule itself', () => {
    const verdict = compileRule(
      'row.author == user.id && true',
      'update',
      table,
    )({ ...facts, now: Number.NaN });
    expect(verdict).toMatchObject({ allowed: false });
    expect(verdict.reason).toContain('row.author == user.id && true');
  });
});
