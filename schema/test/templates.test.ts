// Every template is a valid config whose rules behave as its description promises.
import { describe, expect, test } from 'vitest';
import {
  blankConfig,
  compileConfig,
  instanceFacts,
  judgeRowChange,
  type RuleUser,
  type TemplateId,
  templates,
  runTests,
  scenarioLine,
  validateConfig,
} from '../src/index.ts';

const now = Date.now();
const user = (id: string, roles: string[] = [], tenant = ''): RuleUser => ({ id, roles, tenant });
const compiledTemplate = (id: TemplateId) =>
  compileConfig(templates.find((template) => template.id === id)!.config);

describe('templates', () => {
  test('there are the five starting points, each valid, with a title and a description', () => {
    expect(templates.map((template) => template.id)).toEqual([
      'todo',
      'chat',
      'gameMatch',
      'personalNotes',
      'tenantCrm',
    ]);
    for (const template of templates) {
      expect(validateConfig(template.config)).toMatchObject({ ok: true, errors: [] });
      expect(template.title.length).toBeGreaterThan(3);
      expect(template.description.length).toBeGreaterThan(20);
    }
  });

  test('the blank config is valid and fresh each time', () => {
    expect(validateConfig(blankConfig()).ok).toBe(true);
    expect(blankConfig()).not.toBe(blankConfig());
  });

  test('templates cannot be changed by accident', () => {
    expect(() => {
      (templates[0]!.config as { format: number }).format = 2;
    }).toThrow();
  });

  test('to-do: anyone signed in ticks a to-do, only its author or an admin deletes it', () => {
    const todos = compiledTemplate('todo').datastores.board!.tables.todos!;
    const instance = instanceFacts('single', 'main');
    const stored = { text: 'Buy milk', author: 'ada', done: false };
    expect(judgeRowChange(todos, stored, { done: true }, { user: user('bob'), instance, now }).allowed).toBe(
      true,
    );
    // Only its author edits the text; "author" is written by the server, so changing it is not a change at all.
    expect(
      judgeRowChange(todos, stored, { text: 'Sell milk' }, { user: user('bob'), instance, now }).allowed,
    ).toBe(false);
    expect(
      judgeRowChange(todos, stored, { author: 'bob' }, { user: user('bob'), instance, now }),
    ).toMatchObject({ allowed: true, autoOnly: true });
    expect(
      judgeRowChange(todos, undefined, { text: 'New' }, { user: user('bob'), instance, now }),
    ).toMatchObject({ allowed: true, newRow: { text: 'New', author: 'bob', done: false } });
    const gone = { text: undefined, author: undefined, done: undefined };
    expect(judgeRowChange(todos, stored, gone, { user: user('bob'), instance, now }).allowed).toBe(false);
    expect(judgeRowChange(todos, stored, gone, { user: user('cy', ['admin']), instance, now }).allowed).toBe(
      true,
    );
  });

  test('chat: people edit only the text of their own messages', () => {
    const messages = compiledTemplate('chat').datastores.chat!.tables.messages!;
    const instance = instanceFacts('single', 'main');
    const stored = { channel: 'general', text: 'hi', author: 'ada', sentAt: now };
    expect(
      judgeRowChange(messages, stored, { text: 'hello' }, { user: user('ada'), instance, now }).allowed,
    ).toBe(true);
    expect(
      judgeRowChange(messages, stored, { sentAt: 1 }, { user: user('ada'), instance, now }).allowed,
    ).toBe(false);
    expect(
      judgeRowChange(messages, stored, { text: 'x' }, { user: user('bob'), instance, now }).allowed,
    ).toBe(false);
  });

  test('game match: multi with join by link, a server-only table, players start at score 0', () => {
    const match = compiledTemplate('gameMatch').datastores.match!;
    expect(match.config.instances).toBe('multi');
    expect(match.tables.secrets!.serverOnly).toBe(true);
    const instance = instanceFacts('multi', 'm1', { owner: 'ada', members: ['ada'] });
    expect(match.join({ user: user('bob'), instance, now }).allowed).toBe(true);
    const players = match.tables.players!;
    expect(
      judgeRowChange(players, undefined, { userId: 'bob', name: 'Bob' }, { user: user('bob'), instance, now })
        .allowed,
    ).toBe(true);
    expect(
      judgeRowChange(
        players,
        undefined,
        { userId: 'bob', name: 'Bob', score: 99 },
        { user: user('bob'), instance, now },
      ).allowed,
    ).toBe(false);
  });

  test('personal notes: only the owner of the notebook opens and writes it', () => {
    const notes = compiledTemplate('personalNotes').datastores.notes!;
    const mine = instanceFacts('perUser', 'ada');
    expect(notes.connect({ user: user('ada'), instance: mine, now }).allowed).toBe(true);
    expect(notes.connect({ user: user('bob'), instance: mine, now }).allowed).toBe(false);
    expect(
      judgeRowChange(
        notes.tables.notes!,
        undefined,
        { title: 'Ideas' },
        { user: user('ada'), instance: mine, now },
      ).allowed,
    ).toBe(true);
  });

  test('tenant CRM: members of an organisation open its records; sales add deals; the price list is server-only writing', () => {
    const crm = compiledTemplate('tenantCrm');
    const acme = instanceFacts('perTenant', 'acme');
    expect(crm.datastores.crm!.connect({ user: user('ada', [], 'acme'), instance: acme, now }).allowed).toBe(
      true,
    );
    expect(crm.datastores.crm!.connect({ user: user('ada'), instance: acme, now }).allowed).toBe(false);
    const deals = crm.datastores.crm!.tables.deals!;
    const deal = { company: 'c1', title: 'Renewal' };
    expect(
      judgeRowChange(deals, undefined, deal, { user: user('ada', ['sales'], 'acme'), instance: acme, now })
        .allowed,
    ).toBe(true);
    expect(
      judgeRowChange(deals, undefined, deal, { user: user('bob', [], 'acme'), instance: acme, now }).allowed,
    ).toBe(false);
    expect(crm.datastores.catalog!.config.sync).toBe('serverToClient');
  });
});

describe('the templates’ scenarios', () => {
  test.each(templates.map((template) => [template.id, template] as const))(
    '%s ships with two to four scenarios, and every one passes',
    (_id, template) => {
      const tests = template.config.tests ?? [];
      expect(tests.length).toBeGreaterThanOrEqual(2);
      expect(tests.length).toBeLessThanOrEqual(4);
      const run = runTests(template.config);
      expect(run.scenarios.filter((scenario) => !scenario.passed).map(scenarioLine)).toEqual([]);
    },
  );
});
