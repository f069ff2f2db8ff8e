// The start screen, Design (the canvas, a table's rules, a draft's problems), JSON, Preview (three people, a refused
// change), Deploy and Deploy → Instances at 1440×900 and 1024×700: nothing cut off at either size. SCREENSHOTS=1 writes
// the README's pictures of them under docs/, and this file is the only writer of those pictures.
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { designerSuite } from '../support/designer-suite.ts';
import { typeInMonaco } from '../support/designer-browser.ts';
import { startFromTemplate, tableHeader, view } from '../support/designer-page.ts';
import { addRow, rowIdsWith, typeInto, userColumn } from '../preview/preview-page.ts';

const docs = resolve(fileURLToPath(new URL('../../../docs', import.meta.url)));

const SIZES = [
  { width: 1440, height: 900, suffix: '' },
  { width: 1024, height: 700, suffix: '-1024' },
] as const;

const suite = designerSuite();

/**
 * What sticks out past the right or bottom edge of the window or of the box that holds it (a card, a panel)
 * without a scroll bar to reach it: what a person would see cut off.
 */
const cutOff = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const scrolls = (element: Element) => {
      const style = getComputedStyle(element);
      return /(auto|scroll)/.test(style.overflowX) || /(auto|scroll)/.test(style.overflow);
    };
    const hidden = (element: Element) =>
      getComputedStyle(element).overflowX === 'hidden' || getComputedStyle(element).overflow === 'hidden';
    const cut: string[] = [];
    for (const element of Array.from(document.querySelectorAll('body *'))) {
      const own = element.getBoundingClientRect();
      if (own.width === 0 || own.height === 0) continue;
      // The canvas pans and zooms: its cards may stand outside the view.
      if (element.closest('.react-flow__viewport, .react-flow__minimap, .monaco-editor')) continue;
      let parent = element.parentElement;
      while (parent && !scrolls(parent) && !hidden(parent)) parent = parent.parentElement;
      if (parent && scrolls(parent)) continue;
      const holder = parent?.getBoundingClientRect();
      // A clipping box inside a scrolling one (an editor in the side panel) scrolls into view with it: only its
      // own edges can cut what it holds, not the window's.
      let above = parent?.parentElement;
      while (above && !scrolls(above)) above = above.parentElement;
      const reachable = holder !== undefined && above != null;
      const right = reachable
        ? holder.right
        : Math.min(holder?.right ?? window.innerWidth, window.innerWidth);
      const bottom = reachable
        ? holder.bottom
        : Math.min(holder?.bottom ?? window.innerHeight, window.innerHeight);
      const name = `${element.tagName.toLowerCase()}.${String(element.className).slice(0, 40)}`;
      if (own.right > right + 1) cut.push(`${name} (right)`);
      else if (own.bottom > bottom + 1) cut.push(`${name} (bottom)`);
    }
    return cut.slice(0, 10);
  });

/** Looks at the page at both sizes: nothing cut off; pictures written under docs/ when SCREENSHOTS=1. */
const shootBoth = async (page: Page, name: string, settle: () => Promise<void> = async () => {}) => {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await settle();
    await expect.poll(() => cutOff(page), { message: `${name} at ${size.width}×${size.height}` }).toEqual([]);
    const path = process.env.SCREENSHOTS
      ? resolve(docs, `${name}${size.suffix}.png`)
      : resolve(tmpdir(), `${name}${size.suffix}-${process.pid}.png`);
    // A refused change flashes red for a moment: the picture shows the page once it has settled.
    await page.screenshot({ path, animations: 'disabled' });
  }
};

/** Fits the canvas to the window's size, as the designer does when it opens at that size. */
const fitCanvas = (page: Page) => async (): Promise<void> => {
  await page.locator('.react-flow__controls-fitview').click();
  await page.waitForTimeout(300);
};

/** Sets the project's app id on the Deploy view by typing it. */
const typeAppId = async (page: Page, app: string): Promise<void> => {
  await view(page, 'Deploy');
  await expect.poll(() => page.getByLabel('Runtime address').inputValue()).toBe(suite.runtime.url);
  await typeInto(page, page.getByLabel('App id', { exact: true }), app);
  await page.keyboard.press('Tab');
  await expect
    .poll(() => page.getByTestId('live-version').textContent(), { timeout: 15_000 })
    .toContain('Not deployed yet');
};

describe('the main screens at 1440×900 and 1024×700', () => {
  it('Start: the templates and the projects', async () => {
    const { page } = await suite.open();
    await page.getByRole('button', { name: /To-do/ }).first().waitFor();
    await shootBoth(page, 'designer-start');
  });

  it('Design: a table selected, with who can add, change, delete and see its rows', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await tableHeader(page, 'todos').click();
    await page.locator('.rule[data-rule="delete"] .monaco-editor').waitFor({ timeout: 30_000 });
    // Both tables in view at either size, as when the designer opens at that size.
    await shootBoth(page, 'designer-rules', fitCanvas(page));
  });

  it('Design: a draft with three problems, listed in the open Problems panel', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    // Three custom rules that name fields their tables do not have.
    await tableHeader(page, 'lists').click();
    await page
      .locator('.rule[data-rule="create"]')
      .getByLabel('Who: who can add rows')
      .selectOption('custom');
    await typeInMonaco(page, '.rule[data-rule="create"]', 'newRow.size > 3');
    await page
      .locator('.rule[data-rule="update"]')
      .getByLabel('Who: who can change rows')
      .selectOption('custom');
    await typeInMonaco(page, '.rule[data-rule="update"]', 'row.colour == user.id');
    await tableHeader(page, 'todos').click();
    await page
      .locator('.rule[data-rule="delete"]')
      .getByLabel('Who: who can delete rows')
      .selectOption('custom');
    await typeInMonaco(page, '.rule[data-rule="delete"]', 'row.owner == user.id');
    const problems = page.getByTestId('problems');
    await expect.poll(() => problems.locator('.problem').count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => problems.textContent()).toContain('3 problems to fix');
    const toggle = problems.getByRole('button', { name: /Problems/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    await shootBoth(page, 'designer-problems', fitCanvas(page));
  });

  it('JSON: the config as text', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await view(page, 'JSON');
    await page.locator('.monaco-editor').first().waitFor({ timeout: 30_000 });
    await shootBoth(page, 'designer-json');
  });

  it('Deploy: the changes, the tests and the versions', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await typeAppId(page, 'team-board-deploy');
    await shootBoth(page, 'designer-deploy');
  });

  it('Design: the canvas of the to-do board with its relation', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await page.locator('.react-flow__edge').first().waitFor();
    await shootBoth(page, 'designer-canvas', fitCanvas(page));
    // The overview map shows on a wide canvas and steps aside on a narrow one, where it would cover the cards.
    const canvasWidth = () => page.locator('.canvas').evaluate((canvas) => canvas.clientWidth);
    expect(await canvasWidth()).toBeLessThan(760);
    await expect.poll(() => page.locator('.react-flow__minimap').isVisible()).toBe(false);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await canvasWidth()).toBeGreaterThan(760);
    await expect.poll(() => page.locator('.react-flow__minimap').isVisible()).toBe(true);
  });

  it('Preview: three people, one change refused and shown with its rule', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await todoPreviewWithRefusal(page);
    await shootBoth(page, 'preview-three-users');
  });

  it('Deploy → Instances: an instance with its backups', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await typeAppId(page, 'team-board');
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 1');
    const rows = `${suite.runtime.url}/api/apps/team-board/datastores/board/instances/main/tables/lists/rows`;
    const headers = {
      Authorization: `Bearer ${suite.runtime.adminToken}`,
      'Content-Type': 'application/json',
    };
    for (const [id, name] of [
      ['groceries', 'Groceries'],
      ['chores', 'Chores'],
    ]) {
      const put = await fetch(`${rows}/${id}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ name, owner: 'alice' }),
      });
      expect(put.status).toBe(200);
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    const backups = page.getByTestId('backups-main');
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => backups.getByRole('listitem').count(), { timeout: 15_000 }).toBe(1);
    await backups.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('alertdialog').waitFor();
    await shootBoth(page, 'designer-instances', async () => {
      await page.getByTestId('instances').scrollIntoViewIfNeeded();
    });
  });
});

/** Opens the to-do board's preview with its three default people; the second one's delete of a list is refused. */
const todoPreviewWithRefusal = async (page: Page): Promise<void> => {
  await view(page, 'Preview');
  await page.locator('.dd-preview [data-deploy="deployed"]').waitFor({ timeout: 30_000 });
  const people = page.locator('.dd-preview section[data-user]');
  await expect.poll(() => people.count()).toBe(3);
  const subs = await people.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-user') ?? ''));
  const [owner = '', member = ''] = subs;
  for (const sub of subs)
    await userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 15_000 });
  // The list's owner is typed in while the template keeps it a plain field; a "Created by" field fills itself.
  const ownerBox = userColumn(page, owner).locator('input[aria-label="new owner"]');
  await addRow(page, owner, 'lists', { name: 'Groceries', ...((await ownerBox.count()) ? { owner } : {}) });
  await expect.poll(() => rowIdsWith(page, member, 'lists', 'name', 'Groceries')).toHaveLength(1);
  const [list = ''] = await rowIdsWith(page, member, 'lists', 'name', 'Groceries');
  await userColumn(page, member)
    .getByRole('button', { name: `delete ${list}` })
    .click();
  await userColumn(page, member).locator('.dd-rejection').first().waitFor({ timeout: 15_000 });
};
