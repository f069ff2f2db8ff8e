// Browser test of how the canvas draws relations: out of the field's row on the side facing the target, into the
// target's header, never behind a card, with a crow's foot at the field and a bar at the table — right after a drag.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dragBetween } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import { startFromTemplate, tableHeader } from '../support/designer-page.ts';

const suite = designerSuite({ failureShots: 'canvas' });

/** What is wrong with how one relation is drawn, in words; empty when it is drawn right. */
const relationFaults = (page: Page, edge: string): Promise<string[]> =>
  page.evaluate((id) => {
    const faults: string[] = [];
    const group = document.querySelector(`.react-flow__edge[data-id="${CSS.escape(id)}"]`);
    const path = group?.querySelector<SVGPathElement>('path.react-flow__edge-path');
    if (!path) return [`no edge ${id}`];
    const [table = '', field = ''] = id.split('.');
    const target = path.closest('.react-flow')?.querySelector(
      `.react-flow__node[data-id="${CSS.escape(
        // The field's row says what it links to: "→ tags".
        (
          document
            .querySelector(
              `.react-flow__node[data-id="${CSS.escape(table)}"] [data-field="${CSS.escape(field)}"] .field-type`,
            )
            ?.textContent?.replace('→', '') ?? ''
        ).trim(),
      )}"]`,
    );
    const source = document.querySelector(`.react-flow__node[data-id="${CSS.escape(table)}"]`);
    const row = source?.querySelector(`[data-field="${CSS.escape(field)}"]`);
    const header = target?.querySelector('.table-node-header');
    if (!source || !target || !row || !header) return [`cannot find the cards of ${id}`];
    const matrix = path.getScreenCTM();
    if (!matrix) return ['edge not on screen'];
    const length = path.getTotalLength();
    const points = Array.from({ length: 61 }, (_, i) => {
      const p = path.getPointAtLength((length * i) / 60);
      return new DOMPoint(p.x, p.y).matrixTransform(matrix);
    });
    const first = points[0] as DOMPoint;
    const last = points[points.length - 1] as DOMPoint;
    const s = source.getBoundingClientRect();
    const t = target.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    const h = header.getBoundingClientRect();
    const centre = (b: DOMRect) => b.left + b.width / 2;
    const near = (a: number, b: number) => Math.abs(a - b) <= 12;
    // Leaves the field's own row, on the side nearest the target.
    const fromRight = centre(t) >= centre(s);
    if (first.y < r.top - 2 || first.y > r.bottom + 2) faults.push('does not leave from the field’s row');
    if (!near(first.x, fromRight ? s.right : s.left))
      faults.push(`does not leave on the ${fromRight ? 'right' : 'left'}`);
    // Enters the header: facing the source when the cards stand apart, on the same side when stacked.
    const apart = t.left >= s.right || t.right <= s.left;
    const intoRight = apart ? !fromRight : fromRight;
    if (last.y < h.top - 2 || last.y > h.bottom + 2) faults.push('does not enter at the target’s header');
    if (!near(last.x, intoRight ? t.right : t.left))
      faults.push(`does not enter on the ${intoRight ? 'right' : 'left'}`);
    // Never behind a card (any card), apart from where it touches the two it joins.
    const cards = Array.from(document.querySelectorAll('.react-flow__node')).map((n) =>
      n.getBoundingClientRect(),
    );
    const inside = points.filter((p) =>
      cards.some((c) => p.x > c.left + 6 && p.x < c.right - 6 && p.y > c.top + 6 && p.y < c.bottom - 6),
    );
    if (inside.length > 0) faults.push(`runs behind a card at ${inside.length} points`);
    if (!path.getAttribute('marker-start')?.includes('dd-relation-many'))
      faults.push('no many mark at the field');
    if (!path.getAttribute('marker-end')?.includes('dd-relation-one'))
      faults.push('no one mark at the table');
    return faults;
  }, edge);

/** The ids of the relations drawn on the canvas. */
const edgeIds = (page: Page): Promise<string[]> =>
  page
    .locator('.react-flow__edge')
    .evaluateAll((edges) => edges.map((edge) => edge.getAttribute('data-id') ?? ''));

/** Types into the box named `label` once it has the focus, then Enter. */
const typeWhenFocused = async (page: Page, label: string, text: string): Promise<void> => {
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''))
    .toBe(label);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
};

describe('relations on the canvas in Chromium', () => {
  it('draws every template relation from its field’s row into the target’s header, never behind a card', async () => {
    for (const template of ['todo', 'chat', 'tenantCrm', 'gameMatch']) {
      const designer = await suite.open();
      const { page } = designer;
      await startFromTemplate(page, template);
      const ids = await edgeIds(page);
      for (const id of ids) await expect.poll(() => relationFaults(page, id), { message: id }).toEqual([]);
      await designer.context.close();
    }
  });

  it('draws a link made by dragging right at once, wherever the cards stand', async () => {
    const { page } = await suite.open();
    await startFromTemplate(page, 'todo');
    await page.getByRole('button', { name: '+ Add table' }).click();
    await typeWhenFocused(page, 'Table name', 'tags');
    await page.locator('.react-flow__node[data-id="tags"]').waitFor();
    await tableHeader(page, 'todos').click();
    await page.locator('.side-panel').getByRole('button', { name: '+ Add field' }).click();
    await typeWhenFocused(page, 'Field name', 'tag');
    await dragBetween(
      page,
      '.react-flow__node[data-id="todos"] [data-field="tag"] .field-handle',
      '.react-flow__node[data-id="tags"] .table-node-header',
    );
    await expect.poll(() => edgeIds(page)).toContain('todos.tag');
    await expect.poll(() => relationFaults(page, 'todos.tag')).toEqual([]);

    // Moving the new card to the other side of the source turns the link around at once.
    const before = await page.locator('.react-flow__node[data-id="tags"]').boundingBox();
    const todos = await page.locator('.react-flow__node[data-id="todos"]').boundingBox();
    if (!before || !todos) throw new Error('cards not on screen');
    const header = await tableHeader(page, 'tags').boundingBox();
    if (!header) throw new Error('header not on screen');
    const grabX = header.x + 20;
    const grabY = header.y + header.height / 2;
    const toLeft = before.x > todos.x;
    const dropX = toLeft ? todos.x - before.width - 80 + 20 : todos.x + todos.width + 80 + 20;
    await page.mouse.move(grabX, grabY);
    await page.mouse.down();
    await page.mouse.move(dropX, todos.y + 20, { steps: 15 });
    await page.mouse.up();
    await expect.poll(() => relationFaults(page, 'todos.tag')).toEqual([]);
    if (process.env.CANVAS_PICTURE) await page.screenshot({ path: process.env.CANVAS_PICTURE });
  });
});
