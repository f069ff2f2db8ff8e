// Rules in plain words, for the designer's rule panels and the preview's rejection log.
import { expect, test } from 'vitest';
import { describeRule } from '../src/index.ts';

test.each([
  ['true', 'Anyone'],
  ['false', 'Nobody (only the server)'],
  ["user.id != ''", 'The user is signed in'],
  ['newRow.author == user.id', "The user is the new row's author"],
  ['row.author == user.id', "The user is the row's author"],
  [
    "row.author == user.id || 'admin' in user.roles",
    "The user is the row's author, or the user has the role admin",
  ],
  ['user.id in instance.members', 'The user is a member of this instance'],
  ['user.id == instance.owner', 'The user is the owner of this instance'],
  [
    "row.author == user.id && changed.all(f, f in ['text', 'pinned'])",
    "The user is the row's author, and only text, pinned change",
  ],
  ['newRow.votes <= 10', "The new row's votes is at most 10"],
  ['size(row.text) > 3', 'A custom rule'],
  ['row.author ==', 'A rule that cannot be read yet'],
])('%s', (expression, words) => {
  expect(describeRule(expression)).toBe(words);
});
