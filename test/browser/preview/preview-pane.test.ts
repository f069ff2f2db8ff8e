// The preview pane in Chromium against a real runtime: shared edits, refused edits, offline merge, read-only, multi.
import type { AppConfig } from '@datastore-designer/schema';
import type { Page } from 'playwright-core';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { notesBoard } from '../../support/configs.ts';
import { addRow, paneSuite, rowIdsWith, typeInto, userColumn } from './preview-page.ts';

const boardConfig: AppConfig = {
  format: 1,
  datastores: {
    board: {
      title: 'Team board',
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true },
            author: { type: 'string', required: true },
            done: { type: 'boolean', default: false },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: 'row.author == user.id',
            delete: "row.author == user.id || 'admin' in user.roles",
          },
        },
      },
    },
  },
};

const suite = paneSuite();
let page: Page | undefined;
let appCount = 0;
const freshApp = () => `pane-${process.pid}-${++appCount}`;

/** expect.poll with room for a busy machine (its default gives up after one second). */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

const online = (sub: string) =>
  userColumn(page!, sub).locator('[data-status="online"]').waitFor({ timeout: 15_000 });

describe('PreviewPane', () => {
  test('two people see each other’s allowed edits, with the latency of the change', async () => {
    page = await suite.open(freshApp(), boardConfig);
    await online('alice');
    await online('bob');
    await addRow(page, 'alice', 'notes', { text: 'Buy milk' });
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Buy milk')).toHaveLength(1);
    await addRow(page, 'bob', 'notes', { text: 'Call the plumber' });
    await poll(() => rowIdsWith(page!, 'alice', 'notes', 'text', 'Call the plumber')).toHaveLength(1);
    await poll(() => userColumn(page!, 'alice').getByTestId('latency').textContent()).toMatch(
      /reached (.+, )?Bob in \d+ ms/,
    );
  });

  test('a forbidden edit flashes, reverts, and shows the rule in words and in CEL', async () => {
    page = await suite.open(freshApp(), boardConfig);
    await online('alice');
    await online('bob');
    await addRow(page, 'alice', 'notes', { text: 'Alice’s note' });
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Alice’s note')).toHaveLength(1);
    const [rowId] = await rowIdsWith(page, 'bob', 'notes', 'text', 'Alice’s note');
    const bobCell = userColumn(page, 'bob').getByLabel(`text of ${rowId}`, { exact: true });
    await typeInto(page, bobCell, 'Bob was here');
    await page.keyboard.press('Enter');
    const refusal = userColumn(page, 'bob').locator('.dd-rejection').first();
    await refusal.waitFor();
    await userColumn(page, 'bob').locator(`tr[data-row="${rowId}"].dd-flash`).waitFor({ timeout: 1000 });
    await poll(() => refusal.textContent()).toContain('row.author == user.id');
    await poll(() => refusal.locator('.dd-rule-words').textContent()).not.toBe('');
    await poll(() => bobCell.inputValue()).toBe('Alice’s note');
    expect(await userColumn(page, 'alice').getByLabel(`text of ${rowId}`, { exact: true }).inputValue()).toBe(
      'Alice’s note',
    );
    expect(await userColumn(page, 'alice').locator('.dd-rejection').count()).toBe(0);
    // The wire trace says what became of each change and where received rows came from.
    const trace = (sub: string) => userColumn(page!, sub).locator('details.dd-trace').textContent();
    await poll(() => trace('alice')).toContain('— accepted');
    await poll(() => trace('bob')).toContain('— refused');
    expect(await trace('bob')).toContain('refused by the server');
    expect(await trace('bob')).toContain('— from Alice');
    expect(await trace('bob')).toContain('— from the server, undoing my refused change');
    expect(await trace('alice')).toContain('— from the server, confirming my change');
  });

  test('edits made offline merge when the person comes back online', async () => {
    page = await suite.open(freshApp(), boardConfig);
    await online('alice');
    await online('bob');
    await userColumn(page, 'bob').getByLabel('Bob online').uncheck();
    await userColumn(page, 'bob').locator('[data-status="offline"]').waitFor();
    await addRow(page, 'bob', 'notes', { text: 'Written offline' });
    await addRow(page, 'alice', 'notes', { text: 'Written online' });
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Written offline')).toHaveLength(1);
    await page.waitForTimeout(500);
    expect(await rowIdsWith(page, 'alice', 'notes', 'text', 'Written offline')).toHaveLength(0);
    expect(await rowIdsWith(page, 'bob', 'notes', 'text', 'Written online')).toHaveLength(0);
    await userColumn(page, 'bob').getByLabel('Bob online').check();
    await online('bob');
    await poll(() => rowIdsWith(page!, 'alice', 'notes', 'text', 'Written offline')).toHaveLength(1);
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Written online')).toHaveLength(1);
  });

  test('three people side by side (screenshot for the docs)', async () => {
    page = await suite.open(freshApp(), boardConfig);
    await page.getByRole('button', { name: 'Add', exact: true }).first().click();
    await online('alice');
    await online('bob');
    await online('sam');
    await addRow(page, 'alice', 'notes', { text: 'Plan the offsite' });
    await addRow(page, 'sam', 'notes', { text: 'Sam’s idea' });
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Sam’s idea')).toHaveLength(1);
    const [rowId] = await rowIdsWith(page, 'sam', 'notes', 'text', 'Plan the offsite');
    const samCell = userColumn(page, 'sam').getByLabel(`text of ${rowId}`, { exact: true });
    await typeInto(page, samCell, 'Cancel the offsite');
    await page.keyboard.press('Enter');
    await userColumn(page, 'sam').locator('.dd-rejection').first().waitFor();
    await userColumn(page, 'bob').locator('details.dd-trace summary').click();
    await userColumn(page, 'sam').locator('details.dd-trace summary').click();
    const samTrace = () => userColumn(page!, 'sam').locator('details.dd-trace').textContent();
    await poll(samTrace).toContain('— refused');
    await poll(samTrace).toContain('— accepted');
    // The docs' picture of three people comes from test/browser/designer/screens.test.ts (SCREENSHOTS=1).
    const path = resolve(tmpdir(), `preview-three-users-${process.pid}.png`);
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    expect(await userColumn(page, 'sam').locator('.dd-rejection').count()).toBeGreaterThan(0);
  });

  test('a serverToClient datastore shows read-only grids', async () => {
    const config: AppConfig = {
      format: 1,
      datastores: {
        prices: {
          instances: 'single',
          sync: 'serverToClient',
          tables: { items: { fields: { name: { type: 'string' }, price: { type: 'number' } } } },
        },
      },
    };
    const app = freshApp();
    page = await suite.open(app, config);
    await online('alice');
    const response = await fetch(
      `${suite.runtime.url}/api/apps/${app}-preview/datastores/prices/instances/main/tables/items/rows/tea`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${suite.runtime.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Tea', price: 3 }),
      },
    );
    expect(response.status).toBe(200);
    const cell = userColumn(page, 'bob').getByLabel('name of tea', { exact: true });
    await poll(() => cell.inputValue()).toBe('Tea');
    expect(await cell.getAttribute('readonly')).not.toBeNull();
    await cell.press('End');
    await page.keyboard.type(' with milk');
    await cell.press('Enter');
    expect(await cell.inputValue()).toBe('Tea');
    expect(await userColumn(page, 'bob').getByRole('button', { name: 'Add', exact: true }).count()).toBe(0);
    expect(
      await userColumn(page, 'bob')
        .getByRole('button', { name: /^delete / })
        .count(),
    ).toBe(0);
    expect(await userColumn(page, 'bob').getByText('Read-only').count()).toBe(1);

    // The pane can still add data the way the app's back end would: through the server data API.
    await typeInto(page, userColumn(page, 'alice').getByLabel('new name', { exact: true }), 'Coffee');
    await userColumn(page, 'alice').getByRole('button', { name: 'Add as the server' }).click();
    await poll(() => rowIdsWith(page!, 'bob', 'items', 'name', 'Coffee')).toHaveLength(1);
  });

  test('multi: create a space, invite someone, let another join with the id, edit together', async () => {
    const config: AppConfig = {
      format: 1,
      datastores: {
        match: {
          instances: 'multi',
          sync: 'twoWay',
          join: "user.tenant == 'globex'",
          tables: {
            moves: {
              fields: { square: { type: 'number', required: true }, by: { type: 'string', required: true } },
              rules: { create: 'newRow.by == user.id && user.id in instance.members' },
            },
          },
        },
      },
    };
    page = await suite.open(freshApp(), config);
    const alice = userColumn(page, 'alice');
    const bob = userColumn(page, 'bob');
    await alice.getByRole('button', { name: 'Create a new space' }).click();
    await online('alice');
    const spaceId = (await alice.getByTestId('open-space').getAttribute('data-space')) ?? '';
    expect(spaceId).not.toBe('');

    // Before the invitation Bob is refused.
    await bob.getByLabel('Bob space').selectOption(spaceId);
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await bob.locator('[data-status="refused"]').waitFor({ timeout: 15_000 });

    await alice.getByRole('button', { name: 'Invite' }).click();
    await alice.getByText('Invited Bob').waitFor();
    await bob.getByRole('button', { name: 'Join with the id' }).waitFor();
    await bob.getByLabel('Bob online').check();
    await online('bob');

    await addRow(page, 'alice', 'moves', { square: '4' });
    await poll(() => rowIdsWith(page!, 'bob', 'moves', 'by', 'alice')).toHaveLength(1);
    await addRow(page, 'bob', 'moves', { square: '5' });
    await poll(() => rowIdsWith(page!, 'alice', 'moves', 'by', 'bob')).toHaveLength(1);

    // Sam was not invited, but the join rule lets people of his organisation in with the id.
    await page.locator('.dd-toolbar').getByRole('button', { name: 'Add', exact: true }).click();
    const sam = userColumn(page, 'sam');
    await sam.getByLabel('Sam space').selectOption(spaceId);
    await sam.getByRole('button', { name: 'Join with the id' }).click();
    await online('sam');
    await poll(() => rowIdsWith(page!, 'sam', 'moves', 'by', 'bob')).toHaveLength(1);
  });

  test('multi: joining with the id after a refused Open connects at once, without touching Online', async () => {
    const config: AppConfig = {
      format: 1,
      datastores: {
        match: {
          instances: 'multi',
          sync: 'twoWay',
          join: "user.id != ''",
          tables: { moves: { fields: { square: { type: 'number' } }, rules: { create: "user.id != ''" } } },
        },
      },
    };
    page = await suite.open(freshApp(), config);
    const alice = userColumn(page, 'alice');
    const bob = userColumn(page, 'bob');
    await alice.getByRole('button', { name: 'Create a new space' }).click();
    await online('alice');
    const spaceId = (await alice.getByTestId('open-space').getAttribute('data-space')) ?? '';
    await bob.getByLabel('Bob space').selectOption(spaceId);
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await bob.locator('[data-status="refused"]').waitFor({ timeout: 15_000 });
    await bob.getByRole('button', { name: 'Join with the id' }).click();
    await bob.getByText('Joined').waitFor();
    await online('bob');
  });

  test('the latency line says a refused change reached nobody, and who got a change only on coming online', async () => {
    page = await suite.open(freshApp(), boardConfig);
    await online('alice');
    await online('bob');
    await addRow(page, 'alice', 'notes', { text: 'Alice’s note' });
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Alice’s note')).toHaveLength(1);
    // Bob may not change Alice's note: his line says so instead of "not reached anyone (yet)".
    const [rowId] = await rowIdsWith(page, 'bob', 'notes', 'text', 'Alice’s note');
    const bobCell = userColumn(page, 'bob').getByLabel(`text of ${rowId}`, { exact: true });
    await bobCell.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Bob was here');
    await page.keyboard.press('Enter');
    await poll(() => userColumn(page!, 'bob').getByTestId('latency').textContent()).toBe(
      'Your last change was refused, so it reached nobody else.',
    );
    // Bob was offline when Alice wrote her next note: he got it on coming back, which is no latency.
    await userColumn(page, 'bob').getByLabel('Bob online').uncheck();
    await userColumn(page, 'bob').locator('[data-status="offline"]').waitFor();
    await addRow(page, 'alice', 'notes', { text: 'Second note' });
    await page.waitForTimeout(300);
    await userColumn(page, 'bob').getByLabel('Bob online').check();
    await online('bob');
    // (Ada, the admin among the default people, was online: she has a latency.)
    await poll(() => userColumn(page!, 'alice').getByTestId('latency').textContent()).toContain(
      'Bob got it on coming online.',
    );
    expect(await userColumn(page, 'alice').getByTestId('latency').textContent()).not.toMatch(/Bob in \d+ ms/);
  });

  test('server-written fields show filled in and cannot be edited; their times read as dates', async () => {
    const config = notesBoard({
      fields: {
        text: { type: 'string', required: true },
        author: { type: 'string', required: true, auto: 'creator' },
        created: { type: 'number', auto: 'createdAt' },
      },
      rules: { create: "user.id != ''", delete: 'row.author == user.id' },
    });
    page = await suite.open(freshApp(), config);
    await online('alice');
    await online('bob');
    const form = userColumn(page, 'alice').locator('table[data-table="notes"] tr.dd-new-row');
    expect(await form.locator('output').allTextContents()).toEqual([
      'filled in by the server',
      'filled in by the server',
    ]);
    // Alice's next socket is watched: what her pane sends never carries the server-written cells.
    const sent: string[] = [];
    page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => sent.push(String(payload))));
    await userColumn(page, 'alice').getByLabel('Alice online').uncheck();
    await userColumn(page, 'alice').getByLabel('Alice online').check();
    await online('alice');
    await addRow(page, 'alice', 'notes', { text: 'Written by Alice' });
    const bob = userColumn(page, 'bob');
    const row = bob.locator('table[data-table="notes"] tr[data-row]');
    await poll(() => row.count()).toBe(1);
    const rowId = (await row.getAttribute('data-row')) ?? '';
    await poll(() => bob.getByLabel(`author of ${rowId}`, { exact: true }).textContent()).toBe('alice');
    const created = await bob.getByLabel(`created of ${rowId}`, { exact: true }).textContent();
    expect(created).toMatch(/\d{4}|\d{1,2}:\d{2}/);
    expect(Number.isNaN(Number(created))).toBe(true);
    await poll(() =>
      userColumn(page!, 'alice').getByLabel(`author of ${rowId}`, { exact: true }).textContent(),
    ).toBe('alice');
    const carrying = sent.filter((frame) => frame.includes('Written by Alice'));
    expect(carrying.length).toBeGreaterThan(0);
    expect(carrying.filter((frame) => frame.includes('"author"') || frame.includes('"created"'))).toEqual([]);
    expect(await row.locator('output').count()).toBe(2);
    expect(await row.locator('input[aria-label^="author of"], input[aria-label^="created of"]').count()).toBe(
      0,
    );
  });

  test('perUser gives each person their own data, perTenant groups people by organisation, reset wipes it', async () => {
    const config: AppConfig = {
      format: 1,
      datastores: {
        notes: {
          instances: 'perUser',
          sync: 'twoWay',
          tables: {
            notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } },
          },
        },
        crm: {
          instances: 'perTenant',
          sync: 'twoWay',
          tables: { customers: { fields: { name: { type: 'string' } }, rules: { create: 'true' } } },
        },
      },
    };
    page = await suite.open(freshApp(), config);
    await online('alice');
    await online('bob');
    await addRow(page, 'alice', 'notes', { text: 'Alice only' });
    await addRow(page, 'bob', 'notes', { text: 'Bob only' });
    await poll(() => rowIdsWith(page!, 'alice', 'notes', 'text', 'Alice only')).toHaveLength(1);
    await page.waitForTimeout(500);
    expect(await rowIdsWith(page, 'bob', 'notes', 'text', 'Alice only')).toHaveLength(0);
    expect(await rowIdsWith(page, 'alice', 'notes', 'text', 'Bob only')).toHaveLength(0);

    // Alice and Bob are both in "acme"; Sam (added as a stranger) is in "globex".
    await page.locator('.dd-toolbar select').first().selectOption('crm');
    await page.locator('.dd-toolbar').getByRole('button', { name: 'Add', exact: true }).click();
    await online('alice');
    await online('bob');
    await online('sam');
    await addRow(page, 'alice', 'customers', { name: 'Acme Corp client' });
    await poll(() => rowIdsWith(page!, 'bob', 'customers', 'name', 'Acme Corp client')).toHaveLength(1);
    await page.waitForTimeout(500);
    expect(await rowIdsWith(page, 'sam', 'customers', 'name', 'Acme Corp client')).toHaveLength(0);

    await page.getByRole('button', { name: 'Reset data' }).click();
    await page.locator('[data-deploy="deployed"]').waitFor();
    await online('bob');
    await page.waitForTimeout(500);
    expect(await rowIdsWith(page, 'bob', 'customers', 'name', 'Acme Corp client')).toHaveLength(0);
  });

  test('roles: an admin preset may delete what a member may not, and editing a person changes their token', async () => {
    page = await suite.open(freshApp(), boardConfig);
    await page.locator('.dd-toolbar select').last().selectOption('admin');
    await page.locator('.dd-toolbar').getByRole('button', { name: 'Add', exact: true }).click();
    await online('alice');
    await online('bob');
    await online('ada');
    await addRow(page, 'alice', 'notes', { text: 'First' });
    await addRow(page, 'alice', 'notes', { text: 'Second' });
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Second')).toHaveLength(1);
    const [first] = await rowIdsWith(page, 'bob', 'notes', 'text', 'First');
    const [second] = await rowIdsWith(page, 'bob', 'notes', 'text', 'Second');

    await userColumn(page, 'bob')
      .getByRole('button', { name: `delete ${first}` })
      .click();
    await userColumn(page, 'bob').locator('.dd-rejection[data-rule="delete"]').waitFor();
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'First')).toHaveLength(1);

    await userColumn(page, 'ada')
      .getByRole('button', { name: `delete ${first}` })
      .click();
    await poll(() => rowIdsWith(page!, 'alice', 'notes', 'text', 'First')).toHaveLength(0);

    await userColumn(page, 'bob').getByRole('button', { name: 'Edit person' }).click();
    await typeInto(
      page,
      page.locator('.dd-user-editor').getByLabel('Roles (comma-separated)'),
      'admin, team lead',
    );
    await page.keyboard.press('Enter');
    await poll(() => userColumn(page!, 'bob').locator('.dd-user-head').textContent()).toContain(
      'roles: admin, team lead',
    );
    await online('bob');
    await poll(() => rowIdsWith(page!, 'bob', 'notes', 'text', 'Second')).toHaveLength(1);
    await userColumn(page, 'bob')
      .getByRole('button', { name: `delete ${second}` })
      .click();
    await poll(() => rowIdsWith(page!, 'alice', 'notes', 'text', 'Second')).toHaveLength(0);
  });
});
