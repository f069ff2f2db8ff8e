// Offline: two clients edit the same rows offline and reconnect in both orders; the rules apply to what they bring.
import type { Connection, Rejection } from '@datastore-designer/preview';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attackConfig, connectBoard, snapshotTables } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { waitFor, waitForAsync } from '../../support/sync-client.ts';

let runtime: Runtime;
const open: Connection[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  await Promise.all(open.map((connection) => connection.destroy()));
  await runtime?.stop();
});

const client = (app: string, sub: string) => connectBoard(runtime, app, sub, open);

const rowsOf = (connection: Connection) => connection.store.getTable('notes');

describe.each([
  ['bob first, then alice', ['bob', 'alice']],
  ['alice first, then bob', ['alice', 'bob']],
] as const)('reconnecting %s', (name, order) => {
  const scenario = async (app: string) => {
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: attackConfig })).status).toBe(200);
    const alice = await client(app, 'alice');
    const bob = await client(app, 'bob');
    const laptop = await client(app, 'alice');
    alice.store.setRow('notes', 'r1', { text: 'start', author: 'alice' });
    alice.store.setRow('notes', 'r2', { text: 'to delete', author: 'alice' });
    alice.store.setRow('notes', 'r3', { text: 'two devices', author: 'alice' });
    await waitFor(
      () => bob.store.hasRow('notes', 'r3') && laptop.store.hasRow('notes', 'r3'),
      'everyone synced',
    );
    const refusals: Rejection[] = [];
    bob.addRejectionListener((rejection) => refusals.push(rejection));

    for (const connection of [alice, bob, laptop]) connection.goOffline();
    await Promise.all([alice, bob, laptop].map((connection) => connection.whenStatus('offline')));
    alice.store.setCell('notes', 'r1', 'text', 'alice offline');
    alice.store.delRow('notes', 'r2');
    laptop.store.setCell('notes', 'r3', 'text', 'laptop (earlier)');
    // Bob's edits come later, so their stamps are newer: the rules must still refuse what is not his.
    await new Promise((done) => setTimeout(done, 5));
    alice.store.setCell('notes', 'r3', 'text', 'phone (later)');
    bob.store.setCell('notes', 'r1', 'text', 'bob was here');
    bob.store.setRow('notes', 'forged', { text: 'in alice name', author: 'alice' });
    bob.store.setRow('notes', 'b1', { text: 'bob own', author: 'bob' });

    const byName = { alice, bob };
    for (const who of order) {
      byName[who].goOnline();
      await byName[who].whenStatus('online');
    }
    laptop.goOnline();
    await laptop.whenStatus('online');

    return { alice, bob, laptop, refusals };
  };

  test('allowed offline edits merge, forbidden ones are undone, whatever their stamps', async () => {
    const app = `offline-${order[0]}`;
    const { alice, bob, laptop, refusals } = await scenario(app);
    const expected = {
      r1: { text: 'alice offline', author: 'alice', votes: 0 },
      r3: { text: 'phone (later)', author: 'alice', votes: 0 },
      b1: { text: 'bob own', author: 'bob', votes: 0 },
    };
    await waitForAsync(
      async () =>
        JSON.stringify((await snapshotTables(runtime, app, 'board', 'main')).notes) ===
        JSON.stringify(expected),
      `${name}: the snapshot to hold the merge`,
      10_000,
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify((await snapshotTables(runtime, app, 'board', 'main')).notes)}`,
      );
    });
    for (const connection of [alice, bob, laptop]) {
      await waitFor(
        () => JSON.stringify(Object.keys(rowsOf(connection)).sort()) === JSON.stringify(['b1', 'r1', 'r3']),
        'every client to converge',
      );
      expect(rowsOf(connection).r1?.text).toBe(expected.r1.text);
      expect(rowsOf(connection).r3?.text).toBe('phone (later)');
    }
    expect(refusals.map((refusal) => [refusal.row, refusal.operation]).sort()).toEqual([
      ['forged', 'create'],
      ['r1', 'update'],
    ]);
  });

  // Bob's refused edit of r1 (newer than Alice's) may reach the hub first: its correction re-asserts 'start' under
  // a stamp newer than both, yet Alice's allowed edit, made after 'start' was written, must still win.
  test("alice's allowed offline edit survives bob's refused one, and everyone gets it", async () => {
    const app = `offline-survives-${order[0]}`;
    const { alice, bob, laptop } = await scenario(app);
    await waitForAsync(
      async () => (await snapshotTables(runtime, app, 'board', 'main')).notes?.r1?.text === 'alice offline',
      "alice's offline edit to be stored",
      5_000,
    );
    for (const connection of [alice, bob, laptop]) {
      await waitFor(() => rowsOf(connection).r1?.text === 'alice offline', 'every client to hold it');
    }
  });
});
