// A rule naming something that does not exist says what the thing it was looked up on has instead.
import { describe, expect, test } from 'vitest';
import { checkRule, type TableConfig } from '../src/index.ts';

const notes: TableConfig = {
  fields: {
    title: { type: 'string', required: true },
    author: { type: 'string' },
    done: { type: 'boolean', default: false },
  },
};

const messageOf = (expression: string, kind: Parameters<typeof checkRule>[1] = 'create') => {
  const problems = checkRule(expression, kind, notes);
  expect(problems).toHaveLength(1);
  expect(problems[0]?.code).toBe('rule_unknown_name');
  return problems[0]?.message ?? '';
};

describe('unknown names in rules', () => {
  test('a misspelled field of newRow lists the table’s fields and the one meant', () => {
    expect(messageOf("newRow.titel == 'x'")).toBe(
      '"titel" is not a field of newRow: this table\'s fields are title, author, done. Did you mean "title"?',
    );
  });

  test('an unknown field of row lists the table’s fields, without a guess when none is close', () => {
    expect(messageOf('row.colour == user.id', 'update')).toBe(
      '"colour" is not a field of row: this table\'s fields are title, author, done.',
    );
  });

  test('unknown parts of user and instance list what they have', () => {
    expect(messageOf("user.name == 'x'")).toBe(
      '"name" is not part of user. A user has id, roles and tenant.',
    );
    expect(messageOf("instance.title == 'x'")).toBe(
      '"title" is not part of instance. An instance has id, owner and members.',
    );
  });
});
