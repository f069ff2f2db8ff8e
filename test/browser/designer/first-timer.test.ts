// What a first-timer tripped on in the designer, each typed and clicked as a person does, checked on the saved draft.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import { typeInMonaco } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import { savedDraft, savedProjects, startFromTemplate, tableHeader, view } from '../support/designer-page.ts';

const suite = designerSuite();

/** A fresh designer page on the runtime. */
const fresh = async (): Promise<Page> => (await suite.open()).page;

/** The saved rules of one table of the `board` datastore. */
const savedRules = async (p: Page, table: string) =>
  ((await savedDraft(p)) as AppConfig | null)?.datastores.board?.tables[table]?.rules ?? {};

const adminHeaders = () => ({
  Authorization: `Bearer ${suite.runtime.adminToken}`,
  'Content-Type': 'application/json',
});

describe('a first-timer in the designer', () => {
  it('types spaces in the Design tab’s rule editor (Monaco beside the canvas)', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    await tableHeader(p, 'todos').click();
    const del = p.locator('.rule[data-rule="delete"]');
    await del.getByLabel('Who: who can delete rows').selectOption('custom');
    await typeInMonaco(p, '.rule[data-rule="delete"]', "user.id != '' && 'admin' in user.roles");
    await expect
      .poll(async () => (await savedRules(p, 'todos')).delete)
      .toBe("user.id != '' && 'admin' in user.roles");
  });

  it('types a role of two words in the Role box', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    await tableHeader(p, 'todos').click();
    const del = p.locator('.rule[data-rule="delete"]');
    await del.getByLabel('Who: who can delete rows').selectOption('role');
    const role = del.getByLabel('Role');
    await role.click();
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.type('team lead');
    await p.keyboard.press('Tab');
    await expect.poll(async () => (await savedRules(p, 'todos')).delete).toBe("'team lead' in user.roles");
    expect(await role.inputValue()).toBe('team lead');
    await expect.poll(() => del.locator('code').textContent()).toBe("'team lead' in user.roles");
  });

  it('reaches “Who shares the data” and “Who writes” with Tab and picks with the arrow keys', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    // The title box is named by its label.
    const title = p.getByLabel('Title (for people)', { exact: true });
    await title.click();
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.type('Our team board');
    await p.keyboard.press('Tab');
    // Tab lands on the chosen instance kind; an arrow picks the next one.
    await expect
      .poll(() => p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name))
      .toBe('instances');
    // Each group is announced by the heading above it, and the focused choice is in that group.
    const shares = p.getByRole('radiogroup', { name: 'Who shares the data', exact: true });
    expect(await shares.locator('input:focus').count()).toBe(1);
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('Tab');
    await expect
      .poll(() => p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name))
      .toBe('sync');
    const writes = p.getByRole('radiogroup', { name: 'Who writes', exact: true });
    expect(await writes.locator('input:focus').count()).toBe(1);
    await p.keyboard.press('ArrowDown');
    await expect
      .poll(async () => {
        const ds = ((await savedDraft(p)) as AppConfig).datastores.board;
        return [ds?.title, ds?.instances, ds?.sync];
      })
      .toEqual(['Our team board', 'perUser', 'serverToClient']);
  });

  it('names the field panel’s “Holds” box by its label', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    await p.locator('.react-flow__node[data-id="todos"] [data-field="done"]').click();
    await p.getByLabel('Holds', { exact: true }).selectOption('string');
    await expect
      .poll(async () => ((await savedDraft(p)) as AppConfig).datastores.board?.tables.todos?.fields.done)
      .toEqual({ type: 'string' });
  });

  it('says in the Problems bar that invalid JSON in the JSON tab is not the draft', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    await view(p, 'JSON');
    const editor = p.locator('.json-editor .monaco-editor');
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await p.keyboard.press('ControlOrMeta+End');
    await p.keyboard.type(' oops');
    const problems = p.getByTestId('problems');
    await expect.poll(() => problems.textContent()).toContain('1 problem to fix');
    expect(await problems.textContent()).not.toContain('No problems');
    for (let i = 0; i < ' oops'.length; i++) await p.keyboard.press('Backspace');
    await expect.poll(() => problems.textContent()).toContain('No problems');
  });

  it('asks before rolling back, and rolls back only when the person agrees', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    await view(p, 'Deploy');
    const deploy = p.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true });
    await deploy.click();
    await expect
      .poll(() => p.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 1');
    await view(p, 'Design');
    const title = p.getByLabel('Title (for people)', { exact: true });
    await title.click();
    await p.keyboard.type(' v2');
    await view(p, 'Deploy');
    await deploy.click();
    await expect
      .poll(() => p.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 2');
    const back = p.getByTestId('versions').locator('li').filter({ hasText: 'Version 1' }).getByRole('button');
    const asked: string[] = [];
    p.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await back.click();
    await expect.poll(() => asked).toHaveLength(1);
    expect(asked[0]).toContain('Roll back to version 1?');
    await p.waitForTimeout(300);
    expect(await p.getByTestId('versions').locator('li').count()).toBe(2);
    p.once('dialog', (dialog) => void dialog.accept());
    await back.click();
    await expect
      .poll(() => p.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('as version 3');
  });

  it('waits for the live version before deploying again, so a slow runtime is not taken for someone else', async () => {
    const p = await fresh();
    await startFromTemplate(p, 'todo');
    await view(p, 'Deploy');
    // An app of its own, so what other tests deployed is not live there.
    await p.getByLabel('App id', { exact: true }).click();
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.type('slow-lookup');
    await p.keyboard.press('Tab');
    await expect
      .poll(() => p.getByTestId('live-version').textContent(), { timeout: 15_000 })
      .toContain('Not deployed yet');
    const deploy = p.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true });
    await deploy.click();
    await expect
      .poll(() => p.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 1');
    await view(p, 'Design');
    await p.getByLabel('Title (for people)', { exact: true }).click();
    await p.keyboard.type(' v2');
    // The runtime is slow to say what is live when the person comes back to Deploy.
    let answer: () => void = () => undefined;
    let noteAsked: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const asked = new Promise<void>((resolve) => (noteAsked = resolve));
    await p.route(
      (url) => url.pathname === '/api/apps',
      async (route) => {
        noteAsked();
        await held;
        await route.continue();
      },
    );
    await view(p, 'Deploy');
    await asked;
    expect(await p.getByTestId('live-version').textContent()).toBe('Connecting…');
    expect(await deploy.isDisabled()).toBe(true);
    answer();
    await deploy.click();
    await expect
      .poll(() => p.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 2 is live');
    expect(await p.getByTestId('deploy-status').textContent()).not.toContain('meanwhile');
  });

  it('opens a deployed app once, unchanged, and an exported file keeps its app id', async () => {
    const p = await fresh();
    // An app deployed from a file, without a canvas layout.
    const config: AppConfig = {
      format: 1,
      datastores: {
        shop: {
          instances: 'single',
          sync: 'twoWay',
          tables: { items: { fields: { name: { type: 'string' } }, rules: { create: "user.id != ''" } } },
        },
      },
    };
    const put = await fetch(`${suite.runtime.url}/api/apps/corner-shop/config`, {
      method: 'PUT',
      headers: adminHeaders(),
      body: JSON.stringify(config),
    });
    expect(put.status).toBe(200);
    await p.reload();
    const deployed = p.getByTestId('deployed-apps');
    for (let time = 0; time < 2; time++) {
      await deployed.getByRole('button', { name: /^corner-shop/ }).click();
      await p.locator('.react-flow__node[data-id="items"]').waitFor();
      await view(p, 'Deploy');
      await expect
        .poll(() => p.locator('.deploy').textContent(), { timeout: 15_000 })
        .toContain('Nothing has changed since the live version');
      await p.getByRole('link', { name: '← Projects' }).click();
    }
    expect((await savedProjects(p)).filter((project) => project.app === 'corner-shop')).toHaveLength(1);

    await p.getByTestId('import-input').setInputFiles({
      name: 'my-shop.datastore.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(config)),
    });
    await p.locator('.react-flow__node[data-id="items"]').waitFor();
    expect((await savedProjects(p)).map((project) => project.app)).toContain('my-shop');
  });
});
