// Browser tests of the built designer served by a real runtime: templates, canvas, rules, problems, undo, files, deploy.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import {
  assertDesignerBuilt,
  designerDist,
  dragBetween,
  launchChromium,
  openDesigner,
  typeInMonaco,
  type DesignerPage,
} from '../support/designer-browser.ts';

// SCREENSHOTS=1 also refreshes the README's pictures under docs/.
const docs = resolve(fileURLToPath(new URL('../../../docs', import.meta.url)));
const shoot = async (page: Page, name: string): Promise<void> => {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: resolve(docs, `designer-${name}.png`) });
};

let runtime: Runtime;
let browser: Browser;
let designer: DesignerPage;
let page: Page;

const tableNames = async (): Promise<string[]> =>
  (
    await page
      .locator('.react-flow__node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id') ?? ''))
  ).sort();

/** The project's draft as autosaved in localStorage. */
const savedDraft = async (): Promise<Record<string, unknown>> =>
  page.evaluate(() => {
    const id = /#\/project\/(.+)$/.exec(location.hash)?.[1];
    return JSON.parse(localStorage.getItem(`datastore-designer.draft.${id}`) ?? 'null');
  });

const exportBytes = async (): Promise<Buffer> => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export' }).click(),
  ]);
  const path = await download.path();
  return readFile(path);
};

describe('designer in Chromium', () => {
  beforeAll(async () => {
    assertDesignerBuilt();
    runtime = await startRuntime({ assetsDir: designerDist });
    browser = await launchChromium();
    designer = await openDesigner(browser, `${runtime.url}/`);
    page = designer.page;
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('starts from a template and shows its tables and relations', async () => {
    await page.getByRole('heading', { name: 'Start a new project' }).waitFor();
    await shoot(page, 'start');
    await page.click('[data-template="todo"]');
    await page.locator('.react-flow__node[data-id="todos"]').waitFor();
    expect(await tableNames()).toEqual(['lists', 'todos']);
    // todos.list references lists: one edge.
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await expect.poll(() => page.getByTestId('problems').textContent()).toContain('No problems');
    // Monaco is not part of the first load.
    expect(designer.requests.some((url) => /editor\.api|monaco/.test(url))).toBe(false);
  });

  it('adds a table and a field, and draws a reference by dragging a field onto a table', async () => {
    await page.getByRole('button', { name: '+ Add table' }).click();
    await page.locator('.react-flow__node[data-id="newTable"]').waitFor();
    const name = page.getByLabel('Table name', { exact: true });
    await name.fill('tags');
    await name.press('Enter');
    await page.locator('.react-flow__node[data-id="tags"]').waitFor();

    await page.locator('.react-flow__node[data-id="todos"] .table-node-header').click();
    await page.locator('.side-panel').getByRole('button', { name: '+ Add field' }).click();
    const field = page.getByLabel('Field name', { exact: true });
    await field.fill('tag');
    await field.press('Enter');
    await page.locator('.react-flow__node[data-id="todos"] [data-field="tag"]').waitFor();

    await dragBetween(
      page,
      '.react-flow__node[data-id="todos"] [data-field="tag"] .react-flow__handle',
      '.react-flow__node[data-id="tags"] .table-node-header',
    );
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await expect
      .poll(() =>
        page.locator('.react-flow__node[data-id="todos"] [data-field="tag"] .field-type').textContent(),
      )
      .toBe('→ tags');
    await expect
      .poll(async () => {
        const draft = (await savedDraft()) as {
          datastores: Record<string, { tables: Record<string, unknown> }>;
        };
        return JSON.stringify(draft.datastores.board?.tables.todos);
      })
      .toContain('"tag":{"type":"string","references":"tags"}');
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(400);
    await shoot(page, 'canvas');
  });

  it('writes a rule with the builder and shows it in plain words', async () => {
    await page.locator('.react-flow__node[data-id="tags"] .table-node-header').click();
    const create = page.locator('.rule[data-rule="create"]');
    await create.getByLabel('Who: who can add rows').selectOption('signedIn');
    await expect.poll(() => create.locator('code').textContent()).toBe("user.id != ''");
    expect((await page.getByTestId('rule-words-create').textContent())?.length).toBeGreaterThan(5);

    const del = page.locator('.rule[data-rule="delete"]');
    await del.getByLabel('Who: who can delete rows').selectOption('role');
    await del.getByLabel('Role').fill('editor');
    await expect.poll(() => del.locator('code').textContent()).toBe("'editor' in user.roles");
  });

  it('writes a rule in CEL with completion and an error mark, then fixes it from the Problems panel', async () => {
    const update = page.locator('.rule[data-rule="update"]');
    await update.getByLabel('Who: who can change rows').selectOption('custom');
    await typeInMonaco(page, '.rule[data-rule="update"]', 'newRow.', { closeHints: false });
    // Completion offers the table's own fields after newRow.
    await expect
      .poll(() => page.locator('.suggest-widget .monaco-list-row').allTextContents(), { timeout: 10_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('name')]));
    await shoot(page, 'rules');
    await page.keyboard.press('Escape');

    await typeInMonaco(page, '.rule[data-rule="update"]', 'row.colour == user.id');
    await update.locator('.squiggly-error').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => update.locator('.rule-status').textContent()).toBe('Needs fixing');
    const problem = page.getByTestId('problems').locator('.problem').filter({ hasText: 'tags' });
    await expect.poll(() => problem.count()).toBeGreaterThan(0);
    await shoot(page, 'problems');
    // A draft with problems cannot be deployed, and the Deploy tab says why.
    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => page.locator('.deploy').textContent()).toContain('cannot be deployed');
    expect(await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).count()).toBe(
      0,
    );
    await page.getByRole('button', { name: 'Show the problems' }).click();
    await page.getByTestId('problems').waitFor();

    // Click the problem: the place is selected and highlighted; fix the rule there.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
    await expect.poll(() => page.locator('[data-panel="datastore"]').count()).toBe(1);
    await problem.first().click();
    await page.locator('.rule.highlighted[data-rule="update"]').waitFor();
    await typeInMonaco(page, '.rule[data-rule="update"]', 'row.name == user.id');
    await expect.poll(() => update.locator('.squiggly-error').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('problems').textContent()).toContain('No problems');
  });

  it('undoes and redoes model changes from the keyboard', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
    const before = await tableNames();
    await page.getByRole('button', { name: '+ Add table' }).click();
    await expect.poll(tableNames).toHaveLength(before.length + 1);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(tableNames).toEqual(before);
    await page.keyboard.press('ControlOrMeta+Shift+Z');
    await expect.poll(tableNames).toHaveLength(before.length + 1);
    // Keyboard delete removes the selected table; undo brings it back.
    await page.locator('.react-flow__node[data-id="newTable"] .table-node-header').click();
    await page.keyboard.press('Delete');
    await expect.poll(tableNames).toEqual(before);
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(tableNames).toHaveLength(before.length + 1);
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(tableNames).toEqual(before);

    // Rename a field in place on the canvas: its rules follow; undo brings both back.
    const tags = page.locator('.react-flow__node[data-id="tags"]');
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    await tags.locator('[data-field="name"]').dblclick();
    const inline = tags.getByLabel('Field name', { exact: true });
    await inline.fill('title');
    await inline.press('Enter');
    await tags.locator('[data-field="title"]').waitFor();
    await tags.locator('.table-node-header').click();
    await expect
      .poll(() => page.locator('.rule[data-rule="update"]').textContent(), { timeout: 10_000 })
      .toContain('row.title');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
    await page.keyboard.press('ControlOrMeta+Z');
    await tags.locator('[data-field="name"]').waitFor();

    // Delete a field in place on its card, then undo.
    await tags.locator('.table-node-header').click();
    await tags.locator('[data-field="name"]').hover();
    await tags.getByRole('button', { name: 'Delete field name' }).click();
    await expect.poll(() => tags.locator('[data-field="name"]').count()).toBe(0);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
    await page.keyboard.press('ControlOrMeta+Z');
    await tags.locator('[data-field="name"]').waitFor();
  });

  it('edits the config as JSON and the canvas follows, and back', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'JSON' }).click();
    const editor = page.locator('.json-editor .monaco-editor');
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    // Find and replace, as a person would: rename the table "lists" everywhere.
    await page.keyboard.press('Control+H');
    const find = page.locator('.find-widget .find-part textarea');
    await find.fill('"lists"');
    await page.locator('.find-widget .replace-part textarea').fill('"groups"');
    await page.locator('.find-widget .replace-part [aria-label^="Replace All"]').click();
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Design' }).click();
    await page.locator('.react-flow__node[data-id="groups"]').waitFor();
    expect(await tableNames()).toEqual(['groups', 'tags', 'todos']);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    // A change on the canvas shows in the JSON; undo brings the old name back.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
    await page.keyboard.press('ControlOrMeta+Z');
    await expect.poll(tableNames).toEqual(['lists', 'tags', 'todos']);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'JSON' }).click();
    await expect.poll(() => page.locator('.json-editor .view-lines').textContent()).toContain('"lists"');
    await shoot(page, 'json');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Design' }).click();
  });

  it('keeps the draft across a reload', async () => {
    await expect.poll(() => page.locator('.save-state').textContent()).toBe('Saved');
    await page.reload();
    await page.locator('.react-flow__node[data-id="tags"]').waitFor();
    expect(await tableNames()).toEqual(['lists', 'tags', 'todos']);
  });

  it('exports the config and imports it back byte for byte, layout included', async () => {
    const exported = await exportBytes();
    const config = JSON.parse(exported.toString('utf8'));
    expect(Object.keys(config.datastores.board.tables)).toEqual(
      expect.arrayContaining(['todos', 'lists', 'tags']),
    );
    expect(config.designer.layout.board.tags).toEqual({ x: expect.any(Number), y: expect.any(Number) });

    await page.getByRole('link', { name: '← Projects' }).click();
    await page.getByTestId('import-input').setInputFiles({
      name: 'exported.json',
      mimeType: 'application/json',
      buffer: exported,
    });
    await page.locator('.react-flow__node[data-id="tags"]').waitFor();
    const position = await page
      .locator('.react-flow__node[data-id="tags"]')
      .evaluate((n) => (n as HTMLElement).style.transform);
    expect(position).toContain(`${config.designer.layout.board.tags.x}px`);
    const again = await exportBytes();
    expect(again.equals(exported)).toBe(true);
  });

  it('refuses a file that is not a config with a clear reason, and loses no project', async () => {
    await page.getByRole('link', { name: '← Projects' }).click();
    // The project list (the template and imported projects so far) must be on screen before it is counted.
    const yourProjects = page
      .locator('section', { has: page.getByRole('heading', { name: 'Your projects' }) })
      .locator('.project-open');
    await yourProjects.first().waitFor();
    const projects = await yourProjects.count();
    expect(projects).toBeGreaterThan(0);
    for (const [name, text, words] of [
      ['broken.json', '{"format": 1, "datastores": {', 'is not a config file'],
      ['shapeless.json', '{"format": 1, "datastores": {"main": {"tables": 3}}}', 'cannot be opened'],
    ] as const) {
      await page.getByTestId('import-input').setInputFiles({
        name,
        mimeType: 'application/json',
        buffer: Buffer.from(text),
      });
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(`"${name}" ${words}`);
      expect(await yourProjects.count()).toBe(projects);
    }
    await yourProjects.filter({ hasText: 'exported' }).first().click();
    await page.locator('.react-flow__node[data-id="tags"]').waitFor();
  });

  it('deploys to the local runtime, shows the version and lists it', async () => {
    await page.getByRole('button', { name: 'Deploy', exact: true }).first().click();
    await expect.poll(() => page.getByLabel('Runtime address').inputValue()).toBe(runtime.url);
    await expect
      .poll(() => page.getByTestId('live-version').textContent(), { timeout: 15_000 })
      .toContain('Not deployed yet');
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 1');
    await expect.poll(() => page.getByTestId('versions').textContent()).toContain('Version 1');
    const live = await fetch(`${runtime.url}/api/apps/exported/config`, {
      headers: { Authorization: `Bearer ${runtime.adminToken}` },
    });
    expect(live.status).toBe(200);
    expect(((await live.json()) as { version: number }).version).toBe(1);
    await expect
      .poll(() => page.locator('.deploy').textContent())
      .toContain('Nothing has changed since the live version');

    // Deleting a field loses data: the diff warns, the runtime answers 409, the person confirms.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Design' }).click();
    await page.locator('.react-flow__node[data-id="todos"] [data-field="done"]').click();
    await page.getByRole('button', { name: 'Delete field', exact: true }).click();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Deploy' }).click();
    await expect
      .poll(() => page.locator('.changes').textContent(), { timeout: 15_000 })
      .toContain('loses data');
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    // The template's scenarios tick "done": without the field, one fails, and the designer asks first.
    await page.getByRole('button', { name: 'Deploy with failing tests' }).click();
    await page.getByRole('button', { name: 'Deploy anyway and lose that data' }).waitFor();
    await shoot(page, 'deploy');
    await page.getByRole('button', { name: 'Deploy anyway and lose that data' }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 2');
    await expect.poll(() => page.getByTestId('live-version').textContent()).toContain('version 2');

    // Roll back to version 1: it goes live again as version 3.
    await page
      .getByTestId('versions')
      .locator('li')
      .filter({ hasText: 'Version 1' })
      .getByRole('button')
      .click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('as version 3');
    await expect.poll(() => page.getByTestId('versions').textContent()).toContain('Version 3');

    // Someone else deploys meanwhile (version 4): the designer's deploy over version 3 is refused and says so.
    const admin = { Authorization: `Bearer ${runtime.adminToken}`, 'Content-Type': 'application/json' };
    const current = (await (
      await fetch(`${runtime.url}/api/apps/exported/config`, { headers: admin })
    ).json()) as {
      config: unknown;
    };
    const other = await fetch(`${runtime.url}/api/apps/exported/config`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify(current.config),
    });
    expect(await other.json()).toEqual({ version: 4 });
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('Someone else deployed version 4');
    await expect.poll(() => page.getByTestId('live-version').textContent()).toContain('version 4');
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByRole('button', { name: 'Deploy anyway and lose that data' }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 5');
    // The browser logs the runtime's expected 409 (destructive change) itself; anything else is a fault.
    expect(designer.errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    // Nothing was fetched from outside the page's origin.
    expect(
      designer.requests.filter(
        (url) => !url.startsWith(runtime.url) && !url.startsWith('blob:') && !url.startsWith('data:'),
      ),
    ).toEqual([]);
  });

  it('mounts the multi-user preview on the draft', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => page.locator('.dd-preview [data-deploy]').getAttribute('data-deploy'), { timeout: 20_000 })
      .toBe('deployed');
    expect(await page.locator('.dd-preview').getAttribute('data-preview-app')).toBe('exported-preview');
  });

  it('lists the instances of a multi datastore with their members and deletes one', async () => {
    await page.getByRole('link', { name: '← Projects' }).click();
    await page.click('[data-template="gameMatch"]');
    await page.locator('.react-flow__node').first().waitFor();
    const app = await page.evaluate(() => {
      const id = /#\/project\/(.+)$/.exec(location.hash)?.[1];
      const list = JSON.parse(localStorage.getItem('datastore-designer.projects') ?? '[]') as {
        id: string;
        app: string;
      }[];
      return list.find((p) => p.id === id)?.app ?? '';
    });
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Deploy' }).click();
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 1');
    const ds = Object.keys(
      (
        (await (
          await fetch(`${runtime.url}/api/apps/${app}/config`, {
            headers: { Authorization: `Bearer ${runtime.adminToken}` },
          })
        ).json()) as {
          config: { datastores: Record<string, unknown> };
        }
      ).config.datastores,
    )[0];
    const created = await fetch(`${runtime.url}/api/apps/${app}/datastores/${ds}/instances`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${runtime.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ owner: 'alice' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByTestId('instances').locator('tr').filter({ hasText: id });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('alice');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByTestId('instances').count(), { timeout: 10_000 }).toBe(0);
  });

  it('opens an app deployed on the runtime as a new project', async () => {
    await page.getByRole('link', { name: '← Projects' }).click();
    const deployed = page.getByTestId('deployed-apps');
    await expect.poll(() => deployed.textContent(), { timeout: 10_000 }).toContain('exported');
    // Preview apps are the preview's own business, not the person's.
    expect(await deployed.textContent()).not.toContain('exported-preview');
    await deployed.getByRole('button', { name: /^exported/ }).click();
    await page.locator('.react-flow__node[data-id="todos"]').waitFor();
    expect(await tableNames()).toEqual(['lists', 'tags', 'todos']);
  });

  it('lays out a canvas of 100 tables and selects one of them', async () => {
    const tables: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      tables[`table${i}`] = {
        fields: {
          name: { type: 'string', required: true },
          count: { type: 'number' },
          ...(i > 0 ? { parent: { type: 'string', references: `table${Math.floor((i - 1) / 3)}` } } : {}),
        },
        rules: { create: "user.id != ''" },
      };
    }
    const big = { format: 1, datastores: { big: { instances: 'single', sync: 'twoWay', tables } } };
    await page.getByRole('link', { name: '← Projects' }).click();
    await page.getByTestId('import-input').setInputFiles({
      name: 'hundred.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(big)),
    });
    // Every table placed by elkjs and shown.
    await expect
      .poll(() => page.locator('.react-flow__node:not([style*="hidden"])').count(), { timeout: 20_000 })
      .toBe(100);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(99);
    // Selecting a table still works with 100 on the canvas (`npm run bench` measures how fast).
    await page.locator('.react-flow__node[data-id="table0"] .table-node-header').click();
    await page
      .locator('[data-panel="table"]')
      .getByRole('heading', { name: /table0/ })
      .waitFor();
  });
});
