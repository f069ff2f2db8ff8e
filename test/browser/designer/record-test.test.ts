// Recording a test in the designer's preview, in Chromium against a real runtime: a person's accepted change, another
// person's refused one and a check of what they see become a scenario that passes in the Tests panel, then fails at
// its refused step once the rule is loosened; run live against a scratch app, it gives the same verdicts. Each test
// opens its own page on its own app; the later ones import the scenario the first one records, as it saves it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import type { DesignerPage } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import {
  importIntoPreview,
  importProject,
  savedDraft as draftOf,
  tableHeader,
  view,
} from '../support/designer-page.ts';
import { addRow, rowIdsWith, typeInto, userColumn } from '../preview/preview-page.ts';

/** A fresh app id per test, so no test meets another's preview data. */
let appCount = 0;
const freshApp = (): string => `record-${process.pid}-${++appCount}`;
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

/** The scenario the first test records, as it is saved to the draft (the row id is the one the grid made up). */
const recordedScenario = (row: string): NonNullable<AppConfig['tests']>[number] => ({
  name: 'Bob cannot change Alice’s note',
  datastore: 'board',
  people: { alice: { tenant: 'acme' }, bob: { tenant: 'acme' } },
  steps: [
    { as: 'alice', set: ['notes', row, { text: 'Hi', author: 'alice' }], expect: 'accepted' },
    { as: 'bob', set: ['notes', row, { text: 'Mine now' }], expect: { refused: 'update' } },
    { as: 'bob', sees: ['notes', row, { text: 'Hi', author: 'alice' }] },
  ],
});

/** The board with that scenario already recorded, for the tests that start from it. */
const recordedBoard: AppConfig = { ...boardConfig, tests: [recordedScenario('not-k3x9qa')] };

const suite = designerSuite({ failureShots: 'record-test' });

const savedDraft = async (page: Page): Promise<AppConfig> => (await draftOf(page)) as AppConfig;

const recordedSteps = (page: Page) =>
  page
    .getByTestId('recorded-steps')
    .locator('li')
    .evaluateAll((items) =>
      items.map(
        (item) => `${item.getAttribute('data-pending') === 'true' ? '…' : ''}${item.textContent ?? ''}`,
      ),
    );

const appIds = async (): Promise<string[]> => {
  const answer = await fetch(`${suite.runtime.url}/api/apps`, {
    headers: { authorization: `Bearer ${suite.runtime.adminToken}` },
  });
  return ((await answer.json()) as { apps: { app: string }[] }).apps.map((entry) => entry.app);
};

/** Lets anyone signed in change notes, picked in the side panel as a person does. */
const letSignedInChangeNotes = async (page: Page): Promise<void> => {
  await tableHeader(page, 'notes').click();
  await page
    .locator('.rule[data-rule="update"]')
    .getByLabel('Who: who can change rows')
    .selectOption('signedIn');
};

/** expect.poll with room for a busy machine. */
const slowly = { timeout: 20_000 };

describe('recording a test in the preview', () => {
  it('turns each change, with what the server decided, and each check into a step, and saves the test', async () => {
    const designer: DesignerPage = await suite.open();
    const { page } = designer;
    await importIntoPreview(page, freshApp(), boardConfig);
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
      .poll(() => recordedSteps(page), slowly)
      .toEqual([`alice sets notes › ${row} › text, author — expected: accepted`]);

    const bobsText = userColumn(page, 'bob').getByLabel(`text of ${row}`, { exact: true });
    await typeInto(page, bobsText, 'Mine now');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => recordedSteps(page), slowly)
      .toContain(`bob sets notes › ${row} › text — expected: refused by who can change rows`);
    // The server undid Bob's change in his copy; what he sees now is Alice's text.
    await expect.poll(() => bobsText.inputValue(), slowly).toBe('Hi');

    const check = (sub: string) =>
      userColumn(page, sub).getByLabel(`Check what someone sees of ${row}`, { exact: true });
    await check('bob').selectOption({ label: 'What Bob sees' });
    await expect
      .poll(() => recordedSteps(page))
      .toContain(`bob sees notes › ${row} with text "Hi", author "alice"`);

    if (process.env.SCREENSHOTS) {
      await page.getByTestId('record-bar').screenshot({ path: resolve(docs, 'preview-recording.png') });
    }
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await page.keyboard.type('Bob cannot change Alice’s note');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('record-message').textContent(), slowly)
      .toBe('Saved “Bob cannot change Alice’s note” with 3 steps to the tests.');
    await expect.poll(async () => (await savedDraft(page)).tests).toEqual([recordedScenario(row ?? '')]);
  });

  it('the recorded test passes in the Tests panel, and fails at the refused step once the rule allows it', async () => {
    const designer = await suite.open();
    const { page } = designer;
    await importProject(page, freshApp(), recordedBoard);
    const summary = page.getByTestId('tests-summary');
    await expect.poll(() => summary.textContent()).toContain('1 passed, 0 failed');

    await letSignedInChangeNotes(page);
    await expect.poll(() => summary.textContent()).toContain('0 passed, 1 failed');
    const scenario = page.getByTestId('scenario').filter({ hasText: 'Bob cannot change Alice’s note' });
    await expect.poll(() => scenario.locator('.test-failed-at').textContent()).toBe('fails at step 2');
    expect(await scenario.locator('.test-step.fail').first().getAttribute('data-step')).toBe('2');
    expect(designer.errors).toEqual([]);
  });

  it('runs live with real clients on a scratch app, agrees with the designer, and deletes the scratch app', async () => {
    const designer = await suite.open();
    const { page } = designer;
    const app = freshApp();
    // The preview app runs beside the scratch apps, and must outlive the live run.
    await importIntoPreview(page, app, recordedBoard);
    await view(page, 'Design');
    await letSignedInChangeNotes(page);
    await expect.poll(() => page.getByTestId('tests-summary').textContent()).toContain('0 passed, 1 failed');

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
