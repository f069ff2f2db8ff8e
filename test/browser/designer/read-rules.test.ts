// "Who can see rows" in the designer, in Chromium: a role typed with the keyboard is saved as the table's read
// rule, the card shows the struck-through eye, and the row-by-row choices wait for a "Created by" field, which
// the panel adds, and then write the rule that hides others' rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import {
  assertDesignerBuilt,
  designerDist,
  launchChromium,
  openDesigner,
  type DesignerPage,
} from '../support/designer-browser.ts';
import { savedDraft, startFromTemplate, tableHeader } from '../support/designer-page.ts';

let runtime: Runtime;
let browser: Browser;
let designer: DesignerPage;
let page: Page;

const listsRules = async () =>
  ((await savedDraft(page)) as AppConfig).datastores.board?.tables.lists?.rules ?? {};

describe('who can see rows in the designer', () => {
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

  it('saves a typed role as the read rule, marks the card, and offers row-by-row choices once a “Created by” exists', async () => {
    await startFromTemplate(page, 'todo');
    await tableHeader(page, 'lists').click();
    const read = page.locator('.rule[data-rule="read"]');
    const who = read.getByLabel('Who: who can see rows');
    await expect.poll(() => who.inputValue()).toBe('unset');
    await expect.poll(() => page.getByTestId('rule-words-read').textContent()).toContain('Everyone');
    expect(await tableHeader(page, 'lists').getByTestId('read-rule-mark').count()).toBe(0);

    // Without a "Created by" field the row-by-row choices are listed but cannot be chosen, and the note says why.
    const disabled = () =>
      who
        .locator('option[disabled]')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(await disabled()).toEqual(['creator', 'creatorOrRole']);
    await expect.poll(() => page.getByTestId('read-rule-note').textContent()).toContain('needs a Created by');

    await who.focus();
    await who.selectOption('role');
    const role = read.getByLabel('Role');
    await role.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('shift manager');
    await page.keyboard.press('Tab');
    await expect.poll(async () => (await listsRules()).read).toBe("'shift manager' in user.roles");
    await expect.poll(() => role.inputValue()).toBe('shift manager');
    await tableHeader(page, 'lists').getByTestId('read-rule-mark').waitFor();
    expect(await tableHeader(page, 'lists').getByTestId('read-rule-mark').getAttribute('title')).toMatch(
      /^Who can see rows: /,
    );

    // Nobody but the server; then back to everyone, which removes the rule.
    await who.selectOption('nobody');
    await expect.poll(async () => (await listsRules()).read).toBe('false');
    await who.selectOption('unset');
    await expect.poll(async () => (await listsRules()).read).toBeUndefined();
    expect(await tableHeader(page, 'lists').getByTestId('read-rule-mark').count()).toBe(0);

    // The row-by-row choices need a Created by field: the note offers one.
    const note = page.getByTestId('read-rule-note');
    const add = note.getByRole('button', { name: 'Add a “Created by” field' });
    await add.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => ((await savedDraft(page)) as AppConfig).datastores.board?.tables.lists?.fields)
      .toHaveProperty('createdBy', { type: 'string', auto: 'creator' });
    expect(await add.count()).toBe(0);

    // Now "the creator, or people with a role" can be chosen: the rule names the new field and the typed role.
    expect(await disabled()).toEqual([]);
    await who.selectOption('creatorOrRole');
    await role.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('team lead');
    await page.keyboard.press('Tab');
    await expect
      .poll(async () => (await listsRules()).read)
      .toBe("row.createdBy == user.id || 'team lead' in user.roles");
    await who.selectOption('creator');
    await expect.poll(async () => (await listsRules()).read).toBe('row.createdBy == user.id');
    await expect.poll(() => page.getByTestId('rule-words-read').textContent()).toMatch(/\S/);
    expect(designer.errors).toEqual([]);
  });
});
