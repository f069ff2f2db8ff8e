// Recording tests in the preview of a multi datastore (create, refused join and open, invite, a move) and of a
// server-to-client one ("Add as the server"), in Chromium against a real runtime; both pass in the Tests panel.
// Each test opens its own page on its own app; the second imports the scenario the first records, as it saves it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppConfig } from '@datastore-designer/schema';
import { designerSuite } from '../support/designer-suite.ts';
import { importIntoPreview, view } from '../support/designer-page.ts';
import { addRow, rowIdsWith, userColumn } from '../preview/preview-page.ts';

/** A fresh app id per test, so no test meets another's preview data. */
let appCount = 0;
const freshApp = (): string => `spaces-${process.pid}-${++appCount}`;

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

/** The config with the multi datastore scenario the first test records, as it is saved (with made-up row ids). */
const recordedConfig: AppConfig = {
  ...config,
  tests: [
    {
      name: 'Invited players see the moves',
      datastore: 'match',
      people: { alice: { tenant: 'acme' }, bob: { tenant: 'acme' } },
      steps: [
        { as: 'alice', createInstance: 'Space 1', expect: 'accepted' },
        { as: 'bob', join: 'Space 1', expect: { refused: 'join' } },
        {
          as: 'bob',
          instance: 'Space 1',
          set: ['moves', 'mov-b0b1xx', { square: 1, by: 'bob' }],
          expect: { refused: 'connect' },
        },
        { as: 'alice', invite: 'bob', instance: 'Space 1', expect: 'accepted' },
        {
          as: 'alice',
          instance: 'Space 1',
          set: ['moves', 'mov-a11c4x', { square: 4, by: 'alice' }],
          expect: 'accepted',
        },
        { as: 'bob', instance: 'Space 1', sees: ['moves', 'mov-a11c4x', { square: 4, by: 'alice' }] },
      ],
    },
  ],
};

const suite = designerSuite({ failureShots: 'record-spaces' });

const savedTests = async (page: Page): Promise<AppConfig['tests']> =>
  page.evaluate(() => {
    const id = /#\/project\/(.+)$/.exec(location.hash)?.[1];
    return JSON.parse(localStorage.getItem(`datastore-designer.draft.${id}`) ?? 'null')?.tests;
  });

const recordedSteps = (page: Page) =>
  page
    .getByTestId('recorded-steps')
    .locator('li[data-pending="false"]')
    .evaluateAll((items) => items.map((item) => item.textContent ?? ''));

const slowly = { timeout: 20_000 };

const online = (page: Page, sub: string) =>
  userColumn(page, sub).locator('[data-status="online"]').waitFor({ timeout: 20_000 });

const saveAs = async (page: Page, name: string) => {
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.getByTestId('record-message').textContent(), slowly)
    .toContain(`Saved “${name}”`);
};

describe('recording tests of spaces and of server writes', () => {
  it('records creating a space, a refused join and open, an invitation and a move, under the space’s name', async () => {
    const { page } = await suite.open();
    await importIntoPreview(page, freshApp(), config);
    await page.getByRole('button', { name: 'Record a test' }).click();
    await page.locator('[data-testid="record-bar"][data-recording="true"]').waitFor();
    const alice = userColumn(page, 'alice');
    const bob = userColumn(page, 'bob');
    await alice.getByRole('button', { name: 'Create a new space' }).click();
    await online(page, 'alice');
    const spaceId = (await alice.getByTestId('open-space').getAttribute('data-space')) ?? '';
    await expect
      .poll(() => recordedSteps(page), slowly)
      .toEqual(['alice creates instance Space 1 — expected: accepted']);

    // Bob's organisation may not join with the id.
    await bob.getByLabel('Bob space').selectOption(spaceId);
    await bob.getByRole('button', { name: 'Join with the id' }).click();
    await expect
      .poll(() => recordedSteps(page), slowly)
      .toContain('bob joins Space 1 — expected: refused by who can join by link');
    // Nor may he open it before he is invited: his change is refused by who can open it.
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await bob.locator('[data-status="refused"]').waitFor({ timeout: 15_000 });
    await addRow(page, 'bob', 'moves', { square: '1' });
    await expect
      .poll(async () => (await recordedSteps(page)).at(-1), slowly)
      .toMatch(/^bob sets moves › mov-\w+ › square, by in Space 1 — expected: refused by who can open it$/);

    await alice.getByRole('button', { name: 'Invite' }).click();
    await expect
      .poll(() => recordedSteps(page), slowly)
      .toContain('alice adds bob as a member of Space 1 — expected: accepted');
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await online(page, 'bob');

    await addRow(page, 'alice', 'moves', { square: '4' });
    await expect.poll(() => rowIdsWith(page, 'bob', 'moves', 'by', 'alice'), slowly).toHaveLength(1);
    const [move] = await rowIdsWith(page, 'bob', 'moves', 'by', 'alice');
    await expect
      .poll(() => recordedSteps(page), slowly)
      .toContain(`alice sets moves › ${move} › square, by in Space 1 — expected: accepted`);
    await bob.getByLabel(`Check what someone sees of ${move}`).selectOption({ label: 'What Bob sees' });
    await saveAs(page, 'Invited players see the moves');

    await expect
      .poll(async () => (await savedTests(page))?.[0])
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
    const { page } = await suite.open();
    await importIntoPreview(page, freshApp(), recordedConfig);
    await page.locator('.dd-toolbar').getByLabel('Datastore').selectOption('news');
    await page.getByRole('button', { name: 'Record a test' }).click();
    await page.locator('[data-testid="record-bar"][data-recording="true"]').waitFor();
    await online(page, 'alice');
    await online(page, 'bob');
    await addRow(page, 'alice', 'posts', { title: 'Hello' });
    await expect.poll(() => rowIdsWith(page, 'bob', 'posts', 'title', 'Hello'), slowly).toHaveLength(1);
    const [post] = await rowIdsWith(page, 'bob', 'posts', 'title', 'Hello');
    await expect
      .poll(() => recordedSteps(page), slowly)
      .toEqual([`The server sets posts › ${post} › title — expected: accepted`]);
    await userColumn(page, 'bob')
      .getByLabel(`Check what someone sees of ${post}`)
      .selectOption({ label: 'What Bob sees' });
    await saveAs(page, 'The server posts news');
    await expect
      .poll(async () => (await savedTests(page))?.[1]?.steps)
      .toEqual([
        { server: true, as: 'alice', set: ['posts', post, { title: 'Hello' }], expect: 'accepted' },
        { as: 'bob', sees: ['posts', post, { title: 'Hello' }] },
      ]);

    await view(page, 'Design');
    await expect.poll(() => page.getByTestId('tests-summary').textContent()).toContain('2 passed, 0 failed');
  });
});
