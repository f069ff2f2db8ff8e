// The preview pane's people cards in Chromium: an offline change replaced by a later one said in words, long ids
// shortened with a copy button, spaces named for people, the person editor inside its card, nothing cut at 1024×700.
import type { AppConfig } from '@datastore-designer/schema';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { addRow, paneSuite, rowIdsWith, typeInto, userColumn } from './preview-page.ts';

const crmConfig: AppConfig = {
  format: 1,
  datastores: {
    crm: {
      title: 'Customers',
      instances: 'single',
      sync: 'twoWay',
      tables: {
        customers: {
          fields: { name: { type: 'string', required: true }, city: { type: 'string' } },
          rules: { create: 'true', update: 'true', delete: "'admin' in user.roles" },
        },
      },
    },
  },
};

const matchConfig: AppConfig = {
  format: 1,
  datastores: {
    match: {
      title: 'Game',
      instances: 'multi',
      sync: 'twoWay',
      createInstance: "user.id != ''",
      join: "user.id != ''",
      tables: {
        moves: {
          fields: { text: { type: 'string', required: true } },
          rules: { create: 'true', update: 'true', delete: 'true' },
        },
      },
    },
  },
};

const suite = paneSuite();
let page: Page | undefined;
let appCount = 0;
const freshApp = () => `cards-${process.pid}-${++appCount}`;

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

const online = (sub: string) =>
  userColumn(page!, sub).locator('[data-status="online"]').waitFor({ timeout: 15_000 });

/** Elements of a card whose right edge goes past the card's own (what a person would see cut off). */
const spilling = (card: ReturnType<typeof userColumn>) =>
  card.evaluate((section) => {
    const box = section.getBoundingClientRect();
    return Array.from(section.querySelectorAll('*'))
      .filter((element) => {
        // Grids scroll inside their own box; what they hold may be wider.
        if (element.closest('.dd-grid-wrap') && !element.classList.contains('dd-grid-wrap')) return false;
        const own = element.getBoundingClientRect();
        return own.width > 0 && own.right > box.right + 1;
      })
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
  });

describe('people cards of the preview', () => {
  test('says in words when an offline change was replaced by someone’s later change', async () => {
    page = await suite.open(freshApp(), crmConfig);
    await online('alice');
    await online('bob');
    await addRow(page, 'alice', 'customers', { name: 'Acme' });
    await poll(() => rowIdsWith(page!, 'bob', 'customers', 'name', 'Acme')).toHaveLength(1);
    const [acme] = await rowIdsWith(page, 'bob', 'customers', 'name', 'Acme');

    await userColumn(page, 'alice').getByLabel('Alice online').uncheck();
    await userColumn(page, 'alice').locator('[data-status="offline"]').waitFor();
    await typeInto(page, userColumn(page, 'alice').getByLabel(`name of ${acme}`), 'Acme Ltd');
    await page.keyboard.press('Enter');
    // Bob changes the same name afterwards, online: his is the later change.
    await typeInto(page, userColumn(page, 'bob').getByLabel(`name of ${acme}`), 'Acme Inc');
    await page.keyboard.press('Enter');
    await poll(() => rowIdsWith(page!, 'alice', 'customers', 'name', 'Acme Ltd')).toHaveLength(1);

    await userColumn(page, 'alice').getByLabel('Alice online').check();
    await online('alice');
    await poll(() => rowIdsWith(page!, 'alice', 'customers', 'name', 'Acme Inc')).toHaveLength(1);
    await poll(() =>
      userColumn(page!, 'alice').getByRole('list', { name: "Alice's replaced changes" }).textContent(),
    ).toBe("Your change to customers › Acme › name was replaced by Bob's later change.");
    // Bob's own change was not replaced, so his card says nothing of the kind.
    expect(await userColumn(page, 'bob').locator('.dd-replaced').count()).toBe(0);
  });

  test('edits a person inside their card, typing, and the card shows the saved person', async () => {
    page = await suite.open(freshApp(), crmConfig);
    const bob = userColumn(page, 'bob');
    await bob.getByRole('button', { name: 'Edit person' }).click();
    const form = bob.getByRole('form', { name: 'Edit Bob' });
    await form.waitFor();
    expect(await bob.getByRole('button', { name: 'Edit person' }).count()).toBe(0);
    await typeInto(page, form.getByLabel('Name'), 'Bob the builder');
    await typeInto(page, form.getByLabel('Roles (comma-separated)'), 'site lead');
    await page.keyboard.press('Enter');
    await poll(() => bob.locator('.dd-user-head').textContent()).toContain('Bob the builder');
    expect(await bob.locator('.dd-user-head').textContent()).toContain('roles: site lead');
    expect(await bob.locator('.dd-user-editor').count()).toBe(0);
  });

  test('names spaces for people, shortens their long ids with a copy button, and cuts nothing at 1024×700', async () => {
    page = await suite.open(freshApp(), matchConfig);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.setViewportSize({ width: 1024, height: 700 });
    const alice = userColumn(page, 'alice');
    await alice.getByRole('button', { name: 'Create a new space' }).click();
    const open = alice.getByTestId('open-space');
    await poll(() => open.textContent()).toBe('Game 1');
    const id = (await open.getAttribute('data-space')) ?? '';
    expect(id.length).toBeGreaterThan(20);
    const shown = await alice.locator('.dd-spaces .dd-short-id code').textContent();
    expect(shown?.endsWith('…')).toBe(true);
    expect(id.startsWith(shown?.slice(0, -1) ?? '-')).toBe(true);
    await alice.getByRole('button', { name: `Copy the space id ${id}` }).click();
    await poll(() => page!.evaluate(() => navigator.clipboard.readText())).toBe(id);

    await online('alice');
    await addRow(page, 'alice', 'moves', { text: 'e4' });
    await poll(() => rowIdsWith(page!, 'alice', 'moves', 'text', 'e4')).toHaveLength(1);
    for (const sub of ['alice', 'bob']) expect(await spilling(userColumn(page, sub))).toEqual([]);
    // The snippet for programmers imports the client entry, which pulls in no React.
    await page.getByText('Connect an app (for programmers)').click();
    expect(await page.locator('.dd-programmer pre').first().textContent()).toContain(
      "import { connect } from '@datastore-designer/preview/client';",
    );
  });
});
