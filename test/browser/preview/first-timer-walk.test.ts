// A first-timer's walk for every template, in the designer in Chromium: template → three people → a refused change
// shown with its rule, and how number and server-written fields show. Typed and clicked as a person does; each walk
// on its own page.
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, test } from 'vitest';
import { designerSuite } from '../support/designer-suite.ts';
import { startFromTemplate, view } from '../support/designer-page.ts';
import { addRow, rowIdsWith, typeInto, userColumn } from './preview-page.ts';

const suite = designerSuite({ failureShots: 'walk' });

const admin = () => ({ authorization: `Bearer ${suite.runtime.adminToken}` });

// Each walk starts on a runtime that holds no earlier walk's preview app (their pages are closed by now), so a walk
// meets neither their data nor their instance objects.
beforeEach(async () => {
  const listed = await fetch(`${suite.runtime.url}/api/apps`, { headers: admin() });
  const { apps } = (await listed.json()) as { apps: { app: string }[] };
  for (const { app } of apps) {
    const gone = await fetch(`${suite.runtime.url}/api/apps/${app}`, { method: 'DELETE', headers: admin() });
    expect(gone.ok, `deleting the earlier walk's app ${app}`).toBe(true);
  }
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

/** Starts a project from a template, opens the Preview tab and waits until the draft runs; gives the page. */
const openTemplatePreview = async (template: string): Promise<Page> => {
  const { page } = await suite.open();
  await startFromTemplate(page, template);
  await view(page, 'Preview');
  await page.locator('.dd-preview [data-deploy="deployed"]').waitFor({ timeout: 30_000 });
  return page;
};

/** The ids of the people on screen, in order. */
const people = (p: Page) =>
  p.locator('section.dd-user').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-user')));

/** Adds a person with a preset from the toolbar. */
const addPerson = async (p: Page, preset: string) => {
  await p.locator('.dd-toolbar').getByLabel('Add a person').selectOption({ label: preset });
  await p.locator('.dd-toolbar').getByRole('button', { name: 'Add', exact: true }).click();
};

const online = (p: Page, sub: string) =>
  userColumn(p, sub).locator('[data-status="online"]').waitFor({ timeout: 20_000 });

/** The latest refusal in a person's card: its rule and the text around it. */
const refusal = (p: Page, sub: string, rule: string) =>
  userColumn(p, sub).locator(`.dd-rejection[data-rule="${rule}"]`).first();

describe('a first-timer walks through each template', () => {
  test('To-do board: Bob may not delete Alice’s to-do; only its author or an admin may', async () => {
    const p = await openTemplatePreview('todo');
    // Its rules speak of an admin, so an admin is among the default people.
    expect(await people(p)).toEqual(['alice', 'bob', 'ada']);
    await online(p, 'alice');
    await online(p, 'bob');
    await addRow(p, 'alice', 'todos', { text: 'Buy milk for the office' });
    await poll(() => rowIdsWith(p, 'bob', 'todos', 'text', 'Buy milk for the office')).toHaveLength(1);
    const [row] = await rowIdsWith(p, 'bob', 'todos', 'text', 'Buy milk for the office');
    await userColumn(p, 'bob')
      .getByRole('button', { name: `delete ${row}` })
      .click();
    await poll(() => refusal(p, 'bob', 'delete').textContent()).toContain(
      "row.author == user.id || 'admin' in user.roles",
    );
    await poll(() => rowIdsWith(p, 'bob', 'todos', 'text', 'Buy milk for the office')).toHaveLength(1);
    // Ada, the admin, may.
    await online(p, 'ada');
    await userColumn(p, 'ada')
      .getByRole('button', { name: `delete ${row}` })
      .click();
    await poll(() => rowIdsWith(p, 'alice', 'todos', 'text', 'Buy milk for the office')).toHaveLength(0);
    // Alice, who wrote a to-do, may delete it herself: it goes for Bob too.
    await addRow(p, 'alice', 'todos', { text: 'Water the plants' });
    await poll(() => rowIdsWith(p, 'bob', 'todos', 'text', 'Water the plants')).toHaveLength(1);
    const [own] = await rowIdsWith(p, 'alice', 'todos', 'text', 'Water the plants');
    await userColumn(p, 'alice')
      .getByRole('button', { name: `delete ${own}` })
      .click();
    await poll(() => rowIdsWith(p, 'bob', 'todos', 'text', 'Water the plants')).toHaveLength(0);
    expect(await rowIdsWith(p, 'alice', 'todos', 'text', 'Water the plants')).toHaveLength(0);
    expect(await userColumn(p, 'alice').locator('.dd-rejection').count()).toBe(0);
  });

  test('Chat: the admin opens a channel, Alice writes in it by picking it by name, Bob may not open one', async () => {
    const p = await openTemplatePreview('chat');
    expect(await people(p)).toEqual(['alice', 'bob', 'ada']);
    await online(p, 'ada');
    await online(p, 'alice');
    await online(p, 'bob');
    await addRow(p, 'ada', 'channels', { name: 'general' });
    await poll(() => rowIdsWith(p, 'alice', 'channels', 'name', 'general')).toHaveLength(1);
    // The message's channel is picked from a list of channels by name; nobody types a row id.
    const messages = userColumn(p, 'alice').locator('table[data-table="messages"]');
    await messages.getByLabel('new channel', { exact: true }).selectOption({ label: 'general' });
    await typeInto(p, messages.getByLabel('new text', { exact: true }), 'Hello team, coffee at ten?');
    // The time it was sent is filled in: a date, not a number of milliseconds.
    expect(await messages.getByLabel('new sentAt', { exact: true }).getAttribute('type')).toBe(
      'datetime-local',
    );
    await messages.getByRole('button', { name: 'Add' }).click();
    await poll(() => rowIdsWith(p, 'bob', 'messages', 'text', 'Hello team, coffee at ten?')).toHaveLength(1);
    const [message] = await rowIdsWith(p, 'bob', 'messages', 'text', 'Hello team, coffee at ten?');
    const channelCell = userColumn(p, 'bob').getByLabel(`channel of ${message}`, { exact: true });
    expect(
      await channelCell.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.text),
    ).toBe('general');
    const sentAt = await userColumn(p, 'bob')
      .getByLabel(`sentAt of ${message}`, { exact: true })
      .inputValue();
    expect(sentAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);

    await addRow(p, 'bob', 'channels', { name: 'random' });
    await poll(() => refusal(p, 'bob', 'create').textContent()).toContain("'admin' in user.roles");
  });

  test('Game match: in a shared game, Bob may not remove Alice’s player; a score is a number box', async () => {
    const p = await openTemplatePreview('gameMatch');
    await addPerson(p, 'Stranger');
    expect(await people(p)).toEqual(['alice', 'bob', 'sam']);
    const alice = userColumn(p, 'alice');
    const bob = userColumn(p, 'bob');
    await alice.getByRole('button', { name: 'Create a new space' }).click();
    await online(p, 'alice');
    const space = (await alice.getByTestId('open-space').getAttribute('data-space')) ?? '';
    await alice.getByRole('button', { name: 'Invite' }).click();
    await alice.getByText('Invited Bob').waitFor();
    await bob.getByLabel('Bob space').selectOption(space);
    await bob.getByRole('button', { name: 'Open', exact: true }).click();
    await online(p, 'bob');
    // A number field takes numbers: the score box is a number input, in the new row and in each row.
    const players = alice.locator('table[data-table="players"]');
    expect(await players.getByLabel('new score', { exact: true }).getAttribute('type')).toBe('number');
    await addRow(p, 'alice', 'players', { name: 'Alice the Bold' });
    await poll(() => rowIdsWith(p, 'bob', 'players', 'name', 'Alice the Bold')).toHaveLength(1);
    const [player] = await rowIdsWith(p, 'bob', 'players', 'name', 'Alice the Bold');
    const score = bob.getByLabel(`score of ${player}`, { exact: true });
    expect(await score.getAttribute('type')).toBe('number');
    expect(await score.inputValue()).toBe('0');
    await bob.getByRole('button', { name: `delete ${player}` }).click();
    await poll(() => refusal(p, 'bob', 'delete').textContent()).toContain(
      'row.userId == user.id || user.id == instance.owner',
    );
  });

  test('Personal notes: each person sees only their own, when a note last changed shows as a date, and a title too long is refused', async () => {
    const p = await openTemplatePreview('personalNotes');
    await addPerson(p, 'Stranger');
    expect(await people(p)).toEqual(['alice', 'bob', 'sam']);
    await online(p, 'alice');
    await online(p, 'bob');
    await addRow(p, 'alice', 'notes', { title: 'Dentist on Friday' });
    await poll(() => rowIdsWith(p, 'alice', 'notes', 'title', 'Dentist on Friday')).toHaveLength(1);
    // Its Last changed at field is written by the server: shown as a date and time, with no box to type in.
    const [note] = await rowIdsWith(p, 'alice', 'notes', 'title', 'Dentist on Friday');
    const changedAt = userColumn(p, 'alice').getByLabel(`updatedAt of ${note}`, { exact: true });
    await poll(() => changedAt.textContent()).toMatch(/\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\D+\d{1,2}:\d{2}/);
    expect(await changedAt.evaluate((cell) => cell.tagName)).toBe('OUTPUT');
    expect(await changedAt.locator('input, select, textarea').count()).toBe(0);
    await p.waitForTimeout(500);
    expect(await rowIdsWith(p, 'bob', 'notes', 'title', 'Dentist on Friday')).toHaveLength(0);
    await addRow(p, 'alice', 'notes', { title: 'very long title '.repeat(13) });
    const refused = userColumn(p, 'alice').locator('.dd-rejection').first();
    await poll(() => refused.textContent()).toContain('title');
    await poll(() => refused.textContent()).toContain('200');
  });

  test('Customer records: Alice, without the sales role, may not add a company; the admin may', async () => {
    const p = await openTemplatePreview('tenantCrm');
    expect(await people(p)).toEqual(['alice', 'bob', 'ada']);
    await online(p, 'alice');
    await online(p, 'ada');
    await addRow(p, 'alice', 'companies', { name: 'Acme Anvils', accountManager: 'alice' });
    await poll(() => refusal(p, 'alice', 'create').textContent()).toContain(
      "'sales' in user.roles || 'admin' in user.roles",
    );
    await addRow(p, 'ada', 'companies', { name: 'Acme Anvils', accountManager: 'ada' });
    await poll(() => rowIdsWith(p, 'bob', 'companies', 'name', 'Acme Anvils')).toHaveLength(1);
  });
});
