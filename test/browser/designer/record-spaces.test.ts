// Recording tests in the preview of a multi datastore (create, refused join and open, invite, a move) and of a
// server-to-client one ("Add as the server"), in Chromium against a real runtime; both pass in the Tests panel.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import type { DesignerPage } from '../support/designer-browser.ts';
import { designerSuite } from '../support/designer-suite.ts';
import { importIntoPreview } from '../support/designer-page.ts';
import { addRow, rowIdsWith, userColumn } from '../preview/preview-page.ts';

const app = `spaces-${process.pid}`;

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
    news: {
      instances: 'single',
      sync: 'serverToClient',
      tables: { posts: { fields: { title: { type: 'string', required: true } } } },
    },
  },
};

const suite = designerSuite();
let designer: DesignerPage;
let page: Page;

const savedTests = async (): Promise<AppConfig['tests']> =>
  page.evaluate(() => {
    const id = /#\/project\/(.+)$/.exec(location.hash)?.[1];
    return JSON.parse(localStorage.getItem(`datastore-designer.draft.${id}`) ?? 'null')?.tests;
  });

const recordedSteps = () =>
  page
    .getByTestId('recorded-steps')
    .locator('li[data-pending="false"]')
    .evaluateAll((items) => items.map((item) => item.textContent ?? ''));

const view = (name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click();

const slowly = { timeout: 20_000 };

const online = (sub: string) =>
  userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 20_000 });

const saveAs = async (name: string) => {
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.getByTestId('record-message').textContent(), slowly)
    .toContain(`Saved “${name}”`);
};

describe('recording tests of spaces and of server writes', () => {
  beforeAll(async () => {
    designer = await suite.open();
    page = designer.page;
    await importIntoPreview(page, app, config);
  });

  it('records creating a space, a refused join and open, an invitation and a move, under the space’s name', async () => {
    await page.getByRole('button', { name: 'Record a test' }).click();
    await page.locator('[data-testid="record-bar"][data-recording="true"]').waitFor();
    const alice = userColumn(page, 'alice');
    const bob = userColumn(page, 'bob');
    await alice.getByRole('button', { name: 'Create a new space' }).click();
    await online('alice');
    const spaceId = (await alice.getByTestId('open-space').getAttribute('data-space')) ?? '';
    await expect.poll(recordedSteps, slowly).toEqual(['alice creates instance Space 1 — expected: accepted']);

    // Bob's organisation may not join with the id.
    await bob.getByLabel('Bob space').selectOption(spaceId);
    await bob.getByRole('button', { name: 'Join with the id' }).click();
    await expect
      .poll(recordedSteps, slowly)
      .toContain('bob joins Space 1 — expected: refused by who can join by link');
    // Nor may he open it before he is invited: his change is refused by who can open it.
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await bob.locator('[data-status="refused"]').waitFor({ timeout: 15_000 });
    await addRow(page, 'bob', 'moves', { square: '1' });
    await expect
      .poll(async () => (await recordedSteps()).at(-1), slowly)
      .toMatch(/^bob sets moves › mov-\w+ › square, by in Space 1 — expected: refused by who can open it$/);

    await alice.getByRole('button', { name: 'Invite' }).click();
    await expect
      .poll(recordedSteps, slowly)
      .toContain('alice adds bob as a member of Space 1 — expected: accepted');
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await online('bob');

    await addRow(page, 'alice', 'moves', { square: '4' });
    await expect.poll(() => rowIdsWith(page, 'bob', 'moves', 'by', 'alice'), slowly).toHaveLength(1);
    const [move] = await rowIdsWith(page, 'bob', 'moves', 'by', 'alice');
    await expect
      .poll(recordedSteps, slowly)
      .toContain(`alice sets moves › ${move} › square, by in Space 1 — expected: accepted`);
    await bob.getByLabel(`Check what someone sees of ${move}`).selectOption({ label: 'What Bob sees' });
    await saveAs('Invited players see the moves');

    await expect
      .poll(async () => (await savedTests())?.[0])
      .toEqual({
        name: 'Invited players see the moves',
        datastore: 'match',
        people: { alice: { tenant: 'acme' }, bob: { tenant: 'acme' } },
        steps: [
          { as: 'alice', createInstance: 'Space 1', expect: 'accepted' },
          { as: 'bob', join: 'Space 1', expect: { refused: 'join' } },
          {
            as: 'bob',
            instance: 'Space 1',
            set: ['moves', expect.any(String), { square: 1, by: 'bob' }],
            expect: { refused: 'connect' },
          },
          { as: 'alice', invite: 'bob', instance: 'Space 1', expect: 'accepted' },
          {
            as: 'alice',
            instance: 'Space 1',
            set: ['moves', move, { square: 4, by: 'alice' }],
            expect: 'accepted',
          },
          { as: 'bob', instance: 'Space 1', sees: ['moves', move, { square: 4, by: 'alice' }] },
        ],
      });
  });

  it('records a write as the server on a server-to-client datastore, and both tests pass', async () => {
    await page.locator('.dd-toolbar').getByLabel('Datastore').selectOption('news');
    await page.getByRole('button', { name: 'Record a test' }).click();
    await page.locator('[data-testid="record-bar"][data-recording="true"]').waitFor();
    await online('alice');
    await online('bob');
    await addRow(page, 'alice', 'posts', { title: 'Hello' });
    await expect.poll(() => rowIdsWith(page, 'bob', 'posts', 'title', 'Hello'), slowly).toHaveLength(1);
    const [post] = await rowIdsWith(page, 'bob', 'posts', 'title', 'Hello');
    await expect
      .poll(recordedSteps, slowly)
      .toEqual([`The server sets posts › ${post} › title — expected: accepted`]);
    await userColumn(page, 'bob')
      .getByLabel(`Check what someone sees of ${post}`)
      .selectOption({ label: 'What Bob sees' });
    await saveAs('The server posts news');
    await expect
      .poll(async () => (await savedTests())?.[1]?.steps)
      .toEqual([
        { server: true, as: 'alice', set: ['posts', post, { title: 'Hello' }], expect: 'accepted' },
        { as: 'bob', sees: ['posts', post, { title: 'Hello' }] },
      ]);

    await view('Design');
    await expect.poll(() => page.getByTestId('tests-summary').textContent()).toContain('2 passed, 0 failed');
  });
});
