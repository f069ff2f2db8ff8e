// Browser tests of an instance's backups in the Deploy view: back up, write, restore with a confirmation, and the
// plain words of a runtime that keeps no backups.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startRuntime } from '../../support/runtime.ts';
import { designerDist } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import { startFromTemplate, view } from '../support/designer-page.ts';

const workerDir = resolve(fileURLToPath(new URL('../../../runtime-worker', import.meta.url)));

const suite = designerSuite();

/** Deploys the To-do template as `app` on the runtime at `url` by typing in the Deploy view. */
const deployTodo = async (url: string, app: string): Promise<Page> => {
  const { page } = await suite.open(`${url}/`);
  await startFromTemplate(page, 'todo');
  await view(page, 'Deploy');
  await expect.poll(() => page.getByLabel('Runtime address').inputValue()).toBe(url);
  await page.getByLabel('App id', { exact: true }).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(app);
  await page.keyboard.press('Tab');
  await expect
    .poll(() => page.getByTestId('live-version').textContent(), { timeout: 15_000 })
    .toContain('Not deployed yet');
  await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
    .toContain('version 1');
  return page;
};

/** The admin data API's rows path of the To-do board's `lists` table in instance `main`. */
const listsPath = (url: string, app: string) =>
  `${url}/api/apps/${app}/datastores/board/instances/main/tables/lists/rows`;

const admin = { Authorization: 'Bearer local-admin-token', 'Content-Type': 'application/json' };

/** Writes a list row through the admin data API, as another app of the team would. */
const writeList = async (url: string, app: string, row: string, name: string): Promise<void> => {
  const put = await fetch(`${listsPath(url, app)}/${row}`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ name, owner: 'alice' }),
  });
  expect(put.status).toBe(200);
};

describe('instance backups in Chromium', () => {
  it('backs up an instance, and restores it after a write with a confirmation saying what is replaced', async () => {
    const app = 'backups-restore';
    const page = await deployTodo(suite.runtime.url, app);
    await writeList(suite.runtime.url, app, 'groceries', 'Groceries');
    await page.getByRole('button', { name: 'Refresh' }).click();

    // One shared instance: its backups open by themselves.
    const backups = page.getByTestId('backups-main');
    await expect.poll(() => backups.textContent(), { timeout: 15_000 }).toContain('No backups yet');
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => backups.getByRole('listitem').count(), { timeout: 15_000 }).toBe(1);
    expect(await backups.getByRole('listitem').textContent()).toContain('1 row');

    await writeList(suite.runtime.url, app, 'chores', 'Chores');
    await backups.getByRole('button', { name: 'Restore' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Restore this backup?' });
    const question = await dialog.textContent();
    expect(question).toMatch(/Replace the 2 rows of instance main with the backup taken at .+ \(1 row\)\?/);
    expect(question).toContain('A backup of the current content is taken first.');
    await dialog.getByRole('button', { name: 'Replace with this backup' }).click();

    await expect
      .poll(() => backups.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain('Restored instance main');
    // The backup of what was replaced is listed too, newest first, with its two rows.
    await expect.poll(() => backups.getByRole('listitem').count()).toBe(2);
    expect(await backups.getByRole('listitem').first().textContent()).toContain('2 rows');
    const rows = (await (
      await fetch(listsPath(suite.runtime.url, app), { headers: admin })
    ).json()) as Record<string, { name: string }>;
    expect(Object.keys(rows)).toEqual(['groceries']);
    expect(rows.groceries?.name).toBe('Groceries');
    // The instance's line shows its restored size.
    const line = page.getByTestId('instances').locator('tbody tr').first();
    await expect.poll(() => line.locator('td').nth(3).textContent()).toBe('1');
  });

  it('cancels a restore and leaves the content as it was', async () => {
    const app = 'backups-cancel';
    const page = await deployTodo(suite.runtime.url, app);
    await writeList(suite.runtime.url, app, 'groceries', 'Groceries');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const backups = page.getByTestId('backups-main');
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => backups.getByRole('listitem').count(), { timeout: 15_000 }).toBe(1);
    await writeList(suite.runtime.url, app, 'chores', 'Chores');
    await backups.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    const rows = (await (
      await fetch(listsPath(suite.runtime.url, app), { headers: admin })
    ).json()) as object;
    expect(Object.keys(rows).sort()).toEqual(['chores', 'groceries']);
  });

  it('says in plain words that a runtime without a backup bucket keeps no backups', async () => {
    // The same worker, without its BACKUPS bucket: the backup routes answer 501.
    const dir = await mkdtemp(join(tmpdir(), 'dd-no-backups-'));
    const config = join(dir, 'wrangler.json');
    await writeFile(
      config,
      JSON.stringify({
        name: 'datastore-designer-runtime',
        main: join(workerDir, 'src/index.ts'),
        compatibility_date: '2026-04-20',
        durable_objects: {
          bindings: [
            { name: 'CONTROL', class_name: 'ControlObject' },
            { name: 'INSTANCE', class_name: 'InstanceObject' },
            { name: 'DIRECTORY', class_name: 'AppDirectory' },
          ],
        },
        migrations: [
          { tag: 'v1', new_sqlite_classes: ['ControlObject', 'InstanceObject'] },
          { tag: 'v2', new_sqlite_classes: ['AppDirectory'] },
        ],
        assets: {
          directory: join(workerDir, 'public'),
          binding: 'ASSETS',
          not_found_handling: 'single-page-application',
          run_worker_first: ['/api/*', '/sync/*'],
        },
      }),
    );
    const bare = await startRuntime({ assetsDir: designerDist, config });
    try {
      const app = 'no-backups';
      const page = await deployTodo(bare.url, app);
      await writeList(bare.url, app, 'groceries', 'Groceries');
      await page.getByRole('button', { name: 'Refresh' }).click();
      const backups = page.getByTestId('backups-main');
      await expect
        .poll(() => backups.getByRole('status').textContent(), { timeout: 15_000 })
        .toContain('This runtime keeps no backups: it has no backup bucket.');
      expect(await backups.textContent()).not.toContain('501');
    } finally {
      await bare.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
