// The command-line tool against a real wrangler dev: deploy with If-Match and --force, pull, and test --runtime,
// whose scratch apps are always deleted, even when the run is interrupted.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppConfig, templates } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../test/support/runtime.ts';
import { runCli, startCli } from './run-cli.ts';

let runtime: Runtime;
let dir: string;

const file = async (name: string, content: unknown): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(content, null, 2));
  return path;
};
const template = (id: string): AppConfig =>
  structuredClone(templates.find((t) => t.id === id)!.config) as AppConfig;

const apps = async (): Promise<string[]> => {
  const response = await fetch(`${runtime.url}/api/apps`, {
    headers: { authorization: `Bearer ${runtime.adminToken}` },
  });
  return ((await response.json()) as { apps: Array<{ app: string }> }).apps.map((entry) => entry.app);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datastore-cli-'));
  runtime = await startRuntime();
});

afterAll(async () => {
  await runtime?.stop();
});

describe('datastore-designer against a runtime', () => {
  test('deploy shows the changes, deploys with If-Match, and refuses data-losing changes without --force', async () => {
    const config = template('todo');
    const path = await file('app.json', config);
    const target = ['--runtime', runtime.url, '--app', 'cli-app'];
    const first = await runCli(['deploy', path, ...target, '--admin-token', runtime.adminToken]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('App "cli-app" is new.');
    expect(first.stdout).toContain('  + Datastore "board" is added.');
    expect(first.stdout.trim().split('\n').at(-1)).toMatch(
      /^Deployed version 1 of "cli-app" \(\d+ changes\)\.$/,
    );

    const env = { DATASTORE_ADMIN_TOKEN: runtime.adminToken };
    const again = await runCli(['deploy', path, ...target], env);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout.trim().split('\n').at(-1)).toBe('No changes against version 1; nothing deployed.');

    delete config.datastores.board!.tables.todos!.fields.list;
    const smaller = await file('smaller.json', config);
    const refused = await runCli(['deploy', smaller, ...target], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      '  - Field "list" is removed from table "todos": its values in every instance will be lost. (loses data)',
    );
    expect(refused.stdout.trim().split('\n').at(-1)).toBe(
      'Refused: some changes lose stored data. Run again with --force to deploy anyway.',
    );
    const forced = await runCli(['deploy', smaller, ...target, '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Deployed version 2 of "cli-app"/);

    const pulled = await runCli(['pull', '--runtime', runtime.url, '--app', 'cli-app'], env);
    expect(pulled.code).toBe(0);
    expect(JSON.parse(pulled.stdout)).toEqual(config);
    expect(pulled.stderr).toContain('Pulled version 2 of "cli-app".');

    const wrongToken = await runCli([
      'pull',
      '--runtime',
      runtime.url,
      '--app',
      'cli-app',
      '--admin-token',
      'nope',
    ]);
    expect(wrongToken).toMatchObject({ code: 1, stdout: '' });
    expect(wrongToken.stderr).toContain('the runtime refused the admin token');
    const unknown = await runCli(['pull', '--runtime', runtime.url, '--app', 'no-such-app'], env);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
  });

  test('test --runtime runs every scenario live in scratch apps, gives the in-process verdicts, and deletes them', async () => {
    const path = await file('game.json', template('gameMatch'));
    const run = await runCli(['test', path, '--runtime', runtime.url, '--admin-token', runtime.adminToken]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      `Running 3 scenarios live on ${runtime.url}, each in a scratch app.`,
      'ok Players join a match by its link and play only as themselves',
      'ok The host removes players; scores and secrets are not for players to write',
      'ok Someone without a token cannot start a match',
      '3 passed, 0 failed',
    ]);
    expect((await apps()).filter((app) => app.startsWith('scratch-'))).toEqual([]);
    const config = template('gameMatch');
    config.datastores.match!.join = 'false';
    const failing = await runCli(['test', await file('closed.json', config), '--runtime', runtime.url], {
      DATASTORE_ADMIN_TOKEN: runtime.adminToken,
    });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(
      /FAIL Players join a match by its link and play only as themselves: step 4: it was refused by who can join by link: /,
    );
    expect(failing.stdout.trim().split('\n').at(-1)).toBe('2 passed, 1 failed');
  });

  test('an interrupted live run still deletes its scratch app', async () => {
    const config = template('todo');
    const steps: NonNullable<AppConfig['tests']>[number]['steps'] = [];
    for (let i = 0; i < 400; i++) {
      steps.push({ as: 'ada', set: ['todos', `t${i}`, { text: `To-do ${i}`, author: 'ada' }] });
    }
    config.tests = [{ name: 'long', datastore: 'board', steps }];
    const cli = startCli(['test', await file('long.json', config), '--runtime', runtime.url], {
      DATASTORE_ADMIN_TOKEN: runtime.adminToken,
    });
    const deadline = Date.now() + 60_000;
    while (!(await apps()).some((app) => app.startsWith('scratch-')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await apps()).some((app) => app.startsWith('scratch-'))).toBe(true);
    cli.child.kill('SIGINT');
    const run = await cli.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Interrupted: deleting the scratch app');
    expect((await apps()).filter((app) => app.startsWith('scratch-'))).toEqual([]);
  });
});
