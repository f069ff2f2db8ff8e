// Recording a test in the designer's preview, in Chromium against a real runtime: a person's accepted change, another
// person's refused one and a check of what they see become a scenario that passes in the Tests panel, then fails at
// its refused step once the rule is loosened; run live against a scratch app, it gives the same verdicts.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import type { DesignerPage } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import { importIntoPreview, savedDraft as draftOf } from '../support/designer-page.ts';
import { addRow, rowIdsWith, typeInto, userColumn } from '../preview/preview-page.ts';

const app = `record-${process.pid}`;
const docs = resolve(fileURLToPath(new URL('../../../docs', import.meta.url)));

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
          },
          rules: {
            create: 'newRow.author == user.id',
            update: 'row.author == user.id',
            delete: 'row.author == user.id',
          },
        },
      },
    },
  },
};

const suite = designerSuite();
let designer: DesignerPage;
let page: Page;

const savedDraft = async (): Promise<AppConfig> => (await draftOf(page)) as AppConfig;

const recordedSteps = () =>
  page
    .getByTestId('recorded-steps')
    .locator('li')
    .evaluateAll((items) =>
      items.map(
        (item) => `${item.getAttribute('data-pending') === 'true' ? '…' : ''}${item.textContent ?? ''}`,
      ),
    );

const view = (name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click();

const appIds = async (): Promise<string[]> => {
  const answer = await fetch(`${suite.runtime.url}/api/apps`, {
    headers: { authorization: `Bearer ${suite.runtime.adminToken}` },
  });
  return ((await answer.json()) as { apps: { app: string }[] }).apps.map((entry) => entry.app);
};

/** expect.poll with room for a busy machine. */
const slowly = { timeout: 20_000 };

describe('recording a test in the preview', () => {
  beforeAll(async () => {
    designer = await suite.open();
    page = designer.page;
    await importIntoPreview(page, app, boardConfig);
  });

  it('turns each change, with what the server decided, and each check into a step, and saves the test', async () => {
    await page.getByRole('button', { name: 'Record a test' }).click();
    await page.locator('[data-testid="record-bar"][data-recording="true"]').waitFor();
    for (const sub of ['alice', 'bob'])
      await userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 20_000 });
    // Emptying the preview data deletes the preview app under its open clients, whose retries Chromium logs.
    designer.errors.splice(0);

    await addRow(page, 'alice', 'notes', { text: 'Hi' });
    await expect.poll(() => rowIdsWith(page, 'bob', 'notes', 'text', 'Hi'), slowly).toHaveLength(1);
    const [row] = await rowIdsWith(page, 'bob', 'notes', 'text', 'Hi');
    await expect
      .poll(recordedSteps, slowly)
      .toEqual([`alice sets notes › ${row} › text, author — expected: accepted`]);

    const bobsText = userColumn(page, 'bob').getByLabel(`text of ${row}`, { exact: true });
    await typeInto(page, bobsText, 'Mine now');
    await page.keyboard.press('Enter');
    await expect
      .poll(recordedSteps, slowly)
      .toContain(`bob sets notes › ${row} › text — expected: refused by who can change rows`);
    // The server undid Bob's change in his copy; what he sees now is Alice's text.
    await expect.poll(() => bobsText.inputValue(), slowly).toBe('Hi');

    const check = (sub: string) =>
      userColumn(page, sub).getByLabel(`Check what someone sees of ${row}`, { exact: true });
    await check('bob').selectOption({ label: 'What Bob sees' });
    await expect.poll(recordedSteps).toContain(`bob sees notes › ${row} with text "Hi", author "alice"`);

    if (process.env.SCREENSHOTS) {
      await page.getByTestId('record-bar').screenshot({ path: resolve(docs, 'preview-recording.png') });
    }
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await page.keyboard.type('Bob cannot change Alice’s note');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('record-message').textContent(), slowly)
      .toBe('Saved “Bob cannot change Alice’s note” with 3 steps to the tests.');
    await expect
      .poll(async () => (await savedDraft()).tests)
      .toEqual([
        {
          name: 'Bob cannot change Alice’s note',
          datastore: 'board',
          people: { alice: { tenant: 'acme' }, bob: { tenant: 'acme' } },
          steps: [
            { as: 'alice', set: ['notes', row, { text: 'Hi', author: 'alice' }], expect: 'accepted' },
            { as: 'bob', set: ['notes', row, { text: 'Mine now' }], expect: { refused: 'update' } },
            { as: 'bob', sees: ['notes', row, { text: 'Hi', author: 'alice' }] },
          ],
        },
      ]);
  });

  it('the recorded test passes in the Tests panel, and fails at the refused step once the rule allows it', async () => {
    await view('Design');
    const summary = page.getByTestId('tests-summary');
    await expect.poll(() => summary.textContent()).toContain('1 passed, 0 failed');

    await page.locator('.react-flow__node[data-id="notes"] .table-node-header').click();
    await page
      .locator('.rule[data-rule="update"]')
      .getByLabel('Who: who can change rows')
      .selectOption('signedIn');
    await expect.poll(() => summary.textContent()).toContain('0 passed, 1 failed');
    const scenario = page.getByTestId('scenario').filter({ hasText: 'Bob cannot change Alice’s note' });
    await expect.poll(() => scenario.locator('.test-failed-at').textContent()).toBe('fails at step 2');
    expect(await scenario.locator('.test-step.fail').first().getAttribute('data-step')).toBe('2');
    expect(designer.errors).toEqual([]);
  });

  it('runs live with real clients on a scratch app, agrees with the designer, and deletes the scratch app', async () => {
    const live = page.getByTestId('live-summary');
    const scratchApps: string[] = [];
    page.on('request', (request) => {
      const scratch = /\/api\/apps\/(scratch-[^/]+)\/config$/.exec(new URL(request.url()).pathname);
      if (scratch?.[1] && request.method() === 'PUT') scratchApps.push(scratch[1]);
    });
    await page.getByTestId('tests').getByRole('button', { name: 'Run live' }).click();
    await expect
      .poll(() => live.textContent(), slowly)
      .toBe('Live: 0 passed, 1 failed — the same verdicts as in the designer.');
    expect(scratchApps).toHaveLength(1);
    // SCREENSHOTS=1 refreshes the README's picture of the panel.
    if (process.env.SCREENSHOTS) {
      await page.getByTestId('tests').screenshot({ path: resolve(docs, 'tests-panel.png') });
    }
    const apps = await appIds();
    expect(apps).toContain(`${app}-preview`);
    expect(apps.filter((id) => id.startsWith('scratch-'))).toEqual([]);
    // The live runner asks the sync address, without upgrading, whether a person may open it: 426 means yes.
    expect(designer.errors.filter((error) => !error.includes('status of 426'))).toEqual([]);
  });
});
