// The preview pane in Chromium on a device whose clock is ten minutes fast: each person's card says so in plain
// words, and their edits still reach the others (connect() runs the store on the runtime's clock).
import { expect, test } from 'vitest';
import { notesBoard } from '../../support/configs.ts';
import { addRow, paneSuite, rowIdsWith, userColumn } from './preview-page.ts';

const config = notesBoard({
  fields: { text: { type: 'string', required: true }, author: { type: 'string', required: true } },
  rules: { create: 'newRow.author == user.id', update: 'row.author == user.id' },
});

const suite = paneSuite();

test("a device clock ten minutes fast is named on each person's card, and edits still sync", async () => {
  const page = await suite.open(`clock-${process.pid}`, config, (context) =>
    context.addInitScript(() => {
      const deviceNow = Date.now.bind(Date);
      Date.now = () => deviceNow() + 10 * 60_000;
    }),
  );
  try {
    for (const sub of ['alice', 'bob']) {
      await userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 15_000 });
      await expect
        .poll(() => userColumn(page, sub).getByTestId('clock').textContent(), { timeout: 10_000 })
        .toMatch(/^This device's clock is 10 minutes fast; set it to automatic time/);
    }
    await addRow(page, 'alice', 'notes', { text: 'on a fast clock' });
    await expect
      .poll(() => rowIdsWith(page, 'bob', 'notes', 'text', 'on a fast clock'), { timeout: 10_000 })
      .toHaveLength(1);
  } finally {
    await page.context().close();
  }
});
