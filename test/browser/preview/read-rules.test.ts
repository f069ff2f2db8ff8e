// Who can see rows in the preview, in Chromium against a real runtime: two people see different tables, each
// card says what its person sees against what the server holds, and a deploy that changes it says "reloaded".
import type { AppConfig } from '@datastore-designer/schema';
import type { Browser, Page } from 'playwright-core';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Runtime } from '../../support/runtime.ts';
import {
  addRow,
  launchChromium,
  openPane,
  rowIdsWith,
  startPreviewRuntime,
  userColumn,
} from './preview-page.ts';

const docsDir = resolve(fileURLToPath(new URL('../../../docs', import.meta.url)));

const office = (salariesRead: string): AppConfig => ({
  format: 1,
  datastores: {
    office: {
      title: 'Office',
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } },
        salaries: {
          fields: { person: { type: 'string' }, amount: { type: 'number' } },
          rules: { create: "'admin' in user.roles", read: salariesRead },
        },
      },
    },
  },
});
const ADMINS = "'admin' in user.roles";

let runtime: Runtime;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  runtime = await startPreviewRuntime();
  browser = await launchChromium();
});

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await runtime?.stop();
});

/** With SCREENSHOTS=1, writes the README's picture of the pane at 1440×900, the designer's pictures' size. */
const shoot = async (shown: Page, name: string): Promise<void> => {
  if (!process.env.SCREENSHOTS) return;
  const before = shown.viewportSize();
  await shown.setViewportSize({ width: 1440, height: 900 });
  await shown.screenshot({ path: resolve(docsDir, name), animations: 'disabled' });
  if (before) await shown.setViewportSize(before);
};

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

const admin = async (method: string, path: string, body: unknown) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};

const line = (sub: string, table: string) =>
  userColumn(page!, sub).locator(`[data-testid="read-views"] [data-table="${table}"]`);
const gridRows = (sub: string, table: string) =>
  userColumn(page!, sub).locator(`table[data-table="${table}"] tr[data-row]`);

test('two people see different tables, with what each sees in words, and a view change reloads', async () => {
  const app = `read-pane-${process.pid}`;
  page = await openPane(browser, runtime, app, office(ADMINS));
  const rows = `/api/apps/${app}-preview/datastores/office/instances/main/tables`;
  await admin('PUT', `${rows}/salaries/rows/s1`, { person: 'alice', amount: 4100 });
  await admin('PUT', `${rows}/salaries/rows/s2`, { person: 'bob', amount: 3900 });
  await admin('PUT', `${rows}/notes/rows/n1`, { text: 'Payday on Friday' });
  for (const sub of ['ada', 'bob'])
    await userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 15_000 });

  // Ada (role admin) adds a salary by typing it in; Bob sees the notes only, and is told why.
  await addRow(page, 'ada', 'salaries', { person: 'ada', amount: '5200' });
  await poll(() => gridRows('ada', 'salaries').count()).toBe(3);
  await poll(() => line('ada', 'salaries').textContent()).toBe('Ada sees 3 of 3 rows of salaries.');
  await poll(() => line('bob', 'salaries').textContent()).toBe(
    'Bob cannot see the table salaries: only people with role admin.',
  );
  expect(await userColumn(page, 'bob').locator('table[data-table="salaries"]').count()).toBe(0);
  await poll(() => gridRows('bob', 'notes').count()).toBe(1);
  expect(await line('bob', 'notes').count()).toBe(0);
  await shoot(page, 'read-rules-preview.png');

  // A deploy from elsewhere hides salaries from everyone: Ada's socket is closed (4005) and her copy reloaded.
  await admin('PUT', `/api/apps/${app}-preview/config?force=true`, office('false'));
  await poll(() => userColumn(page!, 'ada').getByTestId('view-changed').textContent()).toBe(
    'What Ada may see changed; reloaded.',
  );
  await poll(() => gridRows('ada', 'salaries').count()).toBe(0);
  await poll(() => line('ada', 'salaries').textContent()).toBe('Ada sees 0 of 3 rows of salaries.');
  expect(await userColumn(page, 'bob').getByTestId('view-changed').count()).toBe(0);
  await poll(() => gridRows('ada', 'notes').count()).toBe(1);
});

const sales: AppConfig = {
  format: 1,
  datastores: {
    sales: {
      title: 'Sales',
      instances: 'single',
      sync: 'twoWay',
      tables: {
        deals: {
          fields: { title: { type: 'string' }, owner: { type: 'string', auto: 'creator' } },
          rules: { create: 'true', update: 'true', read: "row.owner == user.id || 'admin' in user.roles" },
        },
      },
    },
  },
};

test('row by row: each person’s grid holds only the rows they may see, and the line says which', async () => {
  await page?.context().close();
  const app = `read-rows-${process.pid}`;
  page = await openPane(browser, runtime, app, sales);
  for (const sub of ['alice', 'bob', 'ada'])
    await userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 15_000 });
  await addRow(page, 'alice', 'deals', { title: 'Acme renewal' });
  await addRow(page, 'bob', 'deals', { title: 'Globex pilot' });
  await addRow(page, 'bob', 'deals', { title: 'Initech upsell' });
  await poll(() => gridRows('ada', 'deals').count()).toBe(3);
  await poll(() => gridRows('alice', 'deals').count()).toBe(1);
  await poll(() => gridRows('bob', 'deals').count()).toBe(2);
  await poll(() => line('bob', 'deals').textContent()).toBe(
    'Bob sees 2 of 3 rows of deals: only rows Bob created (people with role admin see all).',
  );
  await poll(() => line('alice', 'deals').textContent()).toBe(
    'Alice sees 1 of 3 rows of deals: only rows Alice created (people with role admin see all).',
  );
  await poll(() => line('ada', 'deals').textContent()).toBe('Ada sees 3 of 3 rows of deals.');
  const aliceText = await userColumn(page, 'alice').locator('table[data-table="deals"]').innerHTML();
  expect(aliceText).not.toContain('Globex');
  expect(aliceText).not.toContain('Initech');
  await shoot(page, 'read-rows-preview.png');

  // A test recorded here checks that Alice does not see Bob's deal: recording starts from empty instances, so Bob
  // adds his deal while it records, and the check is picked on Ada's row and saved with its steps.
  await page.getByRole('button', { name: 'Record a test' }).click();
  await poll(() => gridRows('ada', 'deals').count()).toBe(0);
  await addRow(page, 'bob', 'deals', { title: 'Globex pilot' });
  await poll(() => rowIdsWith(page!, 'ada', 'deals', 'title', 'Globex pilot')).toHaveLength(1);
  const [globex] = await rowIdsWith(page, 'ada', 'deals', 'title', 'Globex pilot');
  await userColumn(page, 'ada')
    .getByLabel(`Check what someone sees of ${globex}`, { exact: true })
    .selectOption({ label: 'What Alice sees' });
  await poll(() => page!.getByTestId('recorded-steps').textContent()).toContain(
    `alice does not see deals › ${globex}`,
  );
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await page.keyboard.type('Alice does not see Bob’s deal');
  await page.keyboard.press('Enter');
  await poll(() => page!.getByTestId('record-message').textContent()).toBe(
    'Saved “Alice does not see Bob’s deal” with 2 steps to the tests.',
  );
});
