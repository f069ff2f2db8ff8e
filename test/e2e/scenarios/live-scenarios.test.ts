// Scenarios run live (scratch apps on a real wrangler dev, real TinyBase clients over WebSockets) give the same
// verdicts as in process, for every template; the tests section round-trips through the runtime as written.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppConfig, runTests, type ScenarioResult, templates } from '@datastore-designer/schema';
import { runLiveTests } from '@datastore-designer/preview/live-scenarios';
import { WebSocket } from 'ws';
import { autoNoteFields, notesBoard } from '../../support/configs.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime();
});

afterAll(async () => {
  await runtime?.stop();
});

/** What a verdict is made of: per step, passed or not, and the kind and rule of what happened. */
const verdicts = (results: ScenarioResult[]) =>
  results.map((result) => ({
    name: result.name,
    passed: result.passed,
    steps: result.steps.map((step) => ({
      step: step.step,
      passed: step.passed,
      kind: step.outcome.kind,
      rule: step.outcome.kind === 'refused' ? step.outcome.rule : undefined,
    })),
  }));

const live = (config: AppConfig, scratch: string[] = []) =>
  runLiveTests(config, {
    url: runtime.url,
    adminToken: runtime.adminToken,
    WebSocket: WebSocket as never,
    onScratchApp: (app, state) => {
      if (state === 'created') scratch.push(app);
    },
  });

const appsNow = async () =>
  ((await api<{ apps: Array<{ app: string }> }>(runtime, 'GET', '/api/apps')).body.apps ?? []).map(
    (entry) => entry.app,
  );

describe('live scenarios', () => {
  test.each(templates.map((template) => [template.id, template] as const))(
    '%s: every scenario gives the same verdict live as in process, and the scratch apps are deleted',
    async (_id, template) => {
      const scratch: string[] = [];
      const results = await live(template.config, scratch);
      expect(verdicts(results)).toEqual(verdicts(runTests(template.config).scenarios));
      expect(results.every((result) => result.passed)).toBe(true);
      expect(scratch.length).toBe(template.config.tests?.length);
      const apps = await appsNow();
      expect(scratch.filter((app) => apps.includes(app))).toEqual([]);
    },
  );

  test('a broken rule fails at the same step live and in process, with the rule that decided', async () => {
    const config = structuredClone(templates.find((template) => template.id === 'todo')!.config) as AppConfig;
    config.datastores.board!.tables.todos!.rules!.delete = 'true';
    const inProcess = runTests(config).scenarios;
    const results = await live(config);
    expect(verdicts(results)).toEqual(verdicts(inProcess));
    expect(results[0]).toMatchObject({ passed: false, failedStep: 4 });
    expect(results[0]?.steps[3]?.outcome).toEqual({ kind: 'accepted' });
  });

  test('server-written fields: a forged creator, a change to them alone and a server PUT agree in both runners', async () => {
    const config: AppConfig = {
      ...notesBoard({
        fields: autoNoteFields,
        rules: { create: "user.id != ''", update: 'row.author == user.id', delete: 'row.author == user.id' },
      }),
      tests: [
        {
          name: 'The server writes who and when',
          datastore: 'board',
          steps: [
            { as: 'bob', set: ['notes', 'n1', { text: 'Mine', author: 'ada', createdAt: 1 }] },
            { as: 'ada', sees: ['notes', 'n1', { author: 'bob', createdAt: 0, updatedAt: 0 }] },
            { as: 'ada', set: ['notes', 'n1', { author: 'ada' }] },
            { as: 'ada', sees: ['notes', 'n1', { author: 'bob' }] },
            { as: 'ada', set: ['notes', 'n1', { text: 'Ours' }], expect: { refused: 'update' } },
            { server: true, set: ['notes', 'n2', { text: 'From the back end' }] },
            { as: 'ada', sees: ['notes', 'n2', { author: '', createdAt: 0 }] },
            { as: 'bob', delete: ['notes', 'n1'] },
            { as: 'ada', sees: ['notes', 'n1', null] },
          ],
        },
      ],
    };
    const inProcess = runTests(config).scenarios;
    const results = await live(config);
    expect(verdicts(results)).toEqual(verdicts(inProcess));
    expect(results.every((result) => result.passed)).toBe(true);
  });

  test('nothing to change fails in both runners, and stale data never leaks between scenarios', async () => {
    const config: AppConfig = {
      ...notesBoard({ fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } }),
      tests: [
        {
          name: 'writes',
          datastore: 'board',
          steps: [
            { as: 'a', set: ['notes', 'n1', { text: 'x' }] },
            { as: 'b', set: ['notes', 'n1', { text: 'x' }] },
            { as: 'b', delete: ['notes', 'n2'] },
          ],
        },
        { name: 'fresh', datastore: 'board', steps: [{ as: 'a', sees: ['notes', 'n1', null] }] },
      ],
    };
    const results = await live(config);
    expect(verdicts(results)).toEqual(verdicts(runTests(config).scenarios));
    expect(results.map((result) => result.steps.map((step) => step.outcome.kind))).toEqual([
      ['accepted', 'unchanged', 'unchanged'],
      ['seen'],
    ]);
  });

  test('the runtime stores and returns the tests section exactly as deployed', async () => {
    const config = templates.find((template) => template.id === 'gameMatch')!.config;
    expect((await api(runtime, 'PUT', '/api/apps/round-trip/config', { body: config })).status).toBe(200);
    const pulled = await api<{ config: AppConfig }>(runtime, 'GET', '/api/apps/round-trip/config');
    expect(pulled.body.config.tests).toEqual(config.tests);
    const broken = { ...config, tests: [{ name: 'x', datastore: 'nope', steps: [] }] };
    const refused = await api<{ errors: Array<{ path: string }> }>(
      runtime,
      'PUT',
      '/api/apps/round-trip/config',
      {
        body: broken,
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error) => error.path)).toEqual(['/tests/0/datastore']);
  });
});
