// The designer's Tests panel in Chromium: a template's scenarios pass, a changed rule makes one fail at the right
// step with the rule that decided, and a person edits the scenario with the keyboard until it passes again.
// Each test starts its own project from the template on its own page, so one failure leaves the others standing.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import type { DesignerPage } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import { savedDraft as draftOf, startFromTemplate, tableHeader } from '../support/designer-page.ts';

const docs = resolve(fileURLToPath(new URL('../../../docs', import.meta.url)));

const suite = designerSuite({ failureShots: 'tests-panel' });

const savedDraft = async (page: Page): Promise<AppConfig> => (await draftOf(page)) as AppConfig;

const summary = (page: Page) => page.getByTestId('tests-summary').textContent();
const scenario = (page: Page, name: string) => page.getByTestId('scenario').filter({ hasText: name });

/** Moves the keyboard focus to a button and presses it, as a person tabbing through the panel does. */
const pressButton = async (page: Page, name: string, within?: Locator): Promise<void> => {
  await (within ?? page.getByTestId('tests')).getByRole('button', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
};

/** A fresh designer page with the To-do board template started and its three scenarios passing. */
const todoProject = async (): Promise<DesignerPage> => {
  const designer = await suite.open();
  const { page } = designer;
  await page.getByRole('heading', { name: 'Start a new project' }).waitFor();
  await startFromTemplate(page, 'todo');
  await page.locator('.react-flow__node[data-id="todos"]').waitFor();
  await expect.poll(() => summary(page)).toContain('3 passed, 0 failed');
  return designer;
};

/** Opens the Tests panel (one line high while all pass) from its header, with the keyboard. */
const openPanel = async (page: Page): Promise<void> => {
  await page.getByTestId('tests').getByRole('button', { name: 'Tests' }).focus();
  await page.keyboard.press('Enter');
};

/** Lets only editors change to-dos, picked and typed in the side panel; one scenario fails from then on. */
const onlyEditorsChangeTodos = async (page: Page): Promise<void> => {
  await tableHeader(page, 'todos').click();
  const update = page.locator('.rule[data-rule="update"]');
  await update.getByLabel('Who: who can change rows').selectOption('role');
  await update.getByLabel('Role').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('editor');
  await expect.poll(() => update.locator('code').textContent()).toBe("'editor' in user.roles");
  await expect.poll(() => summary(page)).toContain('2 passed, 1 failed');
};

describe('the Tests panel in Chromium', () => {
  it('runs the template’s scenarios at once: all green, with the rules’ coverage', async () => {
    const { page } = await todoProject();
    // All green: the panel stays one line high until opened.
    expect(await page.locator('.test-scenario').count()).toBe(0);
    await openPanel(page);
    expect(await page.locator('.test-scenario.pass').count()).toBe(3);
    await expect
      .poll(() => page.getByTestId('coverage').textContent())
      .toContain('who can add rows in lists: never tested');
  });

  it('a changed rule makes a scenario fail at its step, saying what happened and which rule decided', async () => {
    const { page } = await todoProject();
    await onlyEditorsChangeTodos(page);
    const failing = scenario(page, 'Anyone signed in ticks a to-do');
    await expect.poll(() => failing.locator('.test-failed-at').textContent()).toBe('fails at step 2');
    // The red scenario opened by itself at its failing step.
    const step = failing.locator('.test-step.fail').first();
    expect(await step.getAttribute('data-step')).toBe('2');
    expect(await step.locator('.test-step-sentence').textContent()).toBe(
      'bob sets todos › t1 › done — expected: accepted',
    );
    expect(await step.locator('.test-step-instead').textContent()).toMatch(
      /^What happened instead: it was refused by who can change rows: /,
    );
    expect(await step.locator('.test-step-rule').textContent()).toBe(
      'Decided by who can change rows in todos',
    );
    // SCREENSHOTS=1 refreshes the README's picture of the panel.
    if (process.env.SCREENSHOTS) {
      await page.getByTestId('tests').screenshot({ path: resolve(docs, 'designer-tests.png') });
    }

    // Following the rule's link selects it in the side panel.
    await step.getByRole('button', { name: 'who can change rows in todos' }).click();
    await page.locator('.rule.highlighted[data-rule="update"]').waitFor();
  });

  it('flips, deletes, reorders and renames with the keyboard, and the draft keeps each edit', async () => {
    const { page, errors } = await todoProject();
    // Opened by the person, the panel stays open when all pass again.
    await openPanel(page);
    await onlyEditorsChangeTodos(page);
    const failing = scenario(page, 'Anyone signed in ticks a to-do');
    await expect.poll(() => failing.locator('.test-failed-at').textContent()).toBe('fails at step 2');
    await pressButton(page, 'Flip what step 2 expects', failing);
    await expect.poll(() => failing.locator('.test-failed-at').textContent()).toBe('fails at step 3');
    await expect
      .poll(async () => (await savedDraft(page)).tests?.[0]?.steps[1])
      .toMatchObject({ expect: 'refused' });

    await pressButton(page, 'Delete step 3', failing);
    await expect.poll(() => summary(page)).toContain('3 passed, 0 failed');
    await expect.poll(async () => (await savedDraft(page)).tests?.[0]?.steps.length).toBe(5);

    // A passing scenario stays closed until opened.
    const second = scenario(page, 'Nobody adds a to-do');
    await second.locator('.test-scenario-toggle').focus();
    await page.keyboard.press('Enter');
    await pressButton(page, 'Move step 4 up', second);
    await expect
      .poll(async () =>
        (await savedDraft(page)).tests?.[1]?.steps.map((s) => ('delete' in s ? 'delete' : 'set')),
      )
      .toEqual(['set', 'set', 'delete', 'set']);
    await expect.poll(() => summary(page)).toContain('2 passed, 1 failed');
    await pressButton(page, 'Move step 3 down', second);
    await expect.poll(() => summary(page)).toContain('3 passed, 0 failed');

    await pressButton(page, 'Rename', second);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Bob cannot forge an author');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await savedDraft(page)).tests?.[1]?.name)
      .toBe('Bob cannot forge an author');
    expect(errors).toEqual([]);
  });

  it('the Deploy tab shows the results and asks before deploying with a failing test', async () => {
    const { page } = await todoProject();
    // The panel is one line high while all pass: open it, then the scenario, and flip a step so it fails.
    await openPanel(page);
    const first = scenario(page, 'Anyone signed in ticks a to-do');
    await first.locator('.test-scenario-toggle').focus();
    await page.keyboard.press('Enter');
    await pressButton(page, 'Flip what step 2 expects', first);
    await expect.poll(() => summary(page)).toContain('2 passed, 1 failed');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Deploy' }).click();
    const results = page.getByTestId('deploy-tests');
    await expect.poll(() => results.textContent()).toContain('2 passed, 1 failed');
    expect(await results.textContent()).toContain('FAIL Anyone signed in ticks a to-do');
    await expect
      .poll(() => page.getByTestId('live-version').textContent(), { timeout: 15_000 })
      .toContain('Not deployed yet');
    await page.locator('.deploy').getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect.poll(() => page.getByTestId('deploy-status').textContent()).toContain('1 test fails');
    const none = await fetch(`${suite.runtime.url}/api/apps`, {
      headers: { authorization: `Bearer ${suite.runtime.adminToken}` },
    });
    expect(((await none.json()) as { apps: unknown[] }).apps).toEqual([]);
    await page.getByRole('button', { name: 'Deploy with failing tests' }).click();
    await expect
      .poll(() => page.getByTestId('deploy-status').textContent(), { timeout: 15_000 })
      .toContain('version 1');
  });
});
