// "Created by", "Created at" and "Last changed at" against a real `wrangler dev` with plain TinyBase clients: the hub
// writes them over whatever a client sends (the sender converges), a change to them alone gets no notice, a delete
// removes them, the data API fills them on PUT, and restores fill none.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMergeableStore } from 'tinybase';
import { autoNoteFields, notesBoard } from '../../support/configs.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import {
  connectClient,
  settle,
  userToken,
  waitFor,
  waitForAsync,
  type SyncClient,
} from '../../support/sync-client.ts';

const config = notesBoard({
  fields: autoNoteFields,
  rules: {
    // The rule sees the server's values: a create whose author is not the sender would be refused.
    create: "user.id != '' && newRow.author == user.id && !('author' in changed)",
    update: 'row.author == user.id',
    delete: 'row.author == user.id',
  },
});

let runtime: Runtime;
const clients: SyncClient[] = [];
const base = '/api/apps/autoapp/datastores/board/instances/main';
const connect = async (sub: string) => {
  const client = await connectClient(runtime, 'autoapp/board/main', await userToken(runtime, { sub }));
  clients.push(client);
  return client;
};
const rows = async () =>
  (await api<Record<string, Record<string, unknown>>>(runtime, 'GET', `${base}/tables/notes/rows`)).body;
const sorted = (row: Record<string, unknown>) => JSON.stringify(Object.entries(row).sort());
const sameHashes = (a: SyncClient, b: SyncClient) =>
  JSON.stringify(a.store.getMergeableContentHashes()) === JSON.stringify(b.store.getMergeableContentHashes());

beforeAll(async () => {
  runtime = await startRuntime({ vars: { BACKUP_EVERY_HOURS: '0' } });
  expect((await api(runtime, 'PUT', '/api/apps/autoapp/config', { body: config })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

test('a forged creator and times on create are replaced by the server’s: the sender converges, no notice', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  const before = Date.now();
  bob.store.setRow('notes', 'n1', { text: 'hello', author: 'alice', createdAt: 1, updatedAt: 1 });
  await waitFor(
    () => bob.store.getCell('notes', 'n1', 'author') === 'bob',
    'the sender to hold the server’s creator',
  );
  await waitFor(
    () => Number(bob.store.getCell('notes', 'n1', 'createdAt')) >= before - 60_000,
    'createdAt at the sender',
  );
  await waitFor(
    () => alice.store.getCell('notes', 'n1', 'author') === 'bob',
    'alice to see bob as the creator',
  );
  await waitFor(() => sameHashes(alice, bob), 'both copies to agree');
  const row = bob.store.getRow('notes', 'n1');
  expect(row.createdAt).toBe(row.updatedAt);
  expect(Number(row.updatedAt)).toBeGreaterThanOrEqual(before - 60_000);
  expect((await rows()).n1).toEqual(row);
  await settle();
  expect(bob.notices).toEqual([]);
});

test('a forged creator on an update is re-asserted under a newer stamp; updatedAt moves, createdAt does not', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  bob.store.setRow('notes', 'n2', { text: 'one' });
  await waitFor(() => alice.store.getCell('notes', 'n2', 'author') === 'bob', 'alice to see n2');
  await waitFor(() => sameHashes(alice, bob), 'both copies to agree');
  const created = bob.store.getRow('notes', 'n2');
  // The same value as stored, sent under a newer stamp, is also replaced: only the stamp changes at the server.
  bob.store.setPartialRow('notes', 'n2', { text: 'two', author: 'alice', createdAt: 5 });
  await waitFor(
    () =>
      bob.store.getCell('notes', 'n2', 'author') === 'bob' &&
      bob.store.getCell('notes', 'n2', 'createdAt') === created.createdAt,
    'the sender to converge to the stored creator and createdAt',
  );
  await waitFor(() => alice.store.getCell('notes', 'n2', 'text') === 'two', 'alice to see the new text');
  await waitFor(() => sameHashes(alice, bob), 'both copies to agree again');
  expect(Number(bob.store.getCell('notes', 'n2', 'updatedAt'))).toBeGreaterThanOrEqual(
    Number(created.updatedAt),
  );
  await settle();
  expect(bob.notices).toEqual([]);
});

test('a change to auto fields only is not judged and gets no notice: the sender gets the stored cells back', async () => {
  const bob = await connect('bob');
  const mallory = await connect('mallory');
  bob.store.setRow('notes', 'n3', { text: 'bob’s' });
  await waitFor(() => mallory.store.getCell('notes', 'n3', 'author') === 'bob', 'mallory to see n3');
  await waitFor(() => sameHashes(bob, mallory), 'both copies to agree');
  const stored = bob.store.getRow('notes', 'n3');
  // Mallory may not update bob's row at all; touching only auto cells is not an update to refuse, though.
  mallory.store.setPartialRow('notes', 'n3', { author: 'mallory', updatedAt: 1 });
  mallory.store.delCell('notes', 'n3', 'createdAt');
  await waitFor(
    () => sorted(mallory.store.getRow('notes', 'n3')) === sorted(stored),
    'mallory to hold the stored cells again',
  );
  await waitFor(() => sameHashes(bob, mallory), 'both copies to agree again');
  // A row the server does not have: a deletion comes back (the sender keeps only its tombstone).
  mallory.store.setCell('notes', 'ghost', 'author', 'mallory');
  await waitFor(() => !mallory.store.hasRow('notes', 'ghost'), 'the ghost row to vanish at the sender');
  await settle();
  expect(mallory.notices).toEqual([]);
  expect(bob.store.hasRow('notes', 'ghost')).toBe(false);
  expect((await rows()).ghost).toBeUndefined();
  // An ordinary change of hers is still refused, with a notice.
  mallory.store.setCell('notes', 'n3', 'text', 'mine');
  await waitFor(() => mallory.notices.length === 1, 'a notice for the refused update');
  expect(mallory.notices[0]).toMatchObject({ row: 'n3', operation: 'update', cells: ['text'] });
});

test('an accepted delete removes the row’s auto cells too, even when the client deleted only the others', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  bob.store.setRow('notes', 'n4', { text: 'short-lived' });
  bob.store.setRow('notes', 'n5', { text: 'also' });
  await waitFor(
    () => alice.store.hasRow('notes', 'n4') && alice.store.hasRow('notes', 'n5'),
    'alice to see both',
  );
  bob.store.delRow('notes', 'n4');
  // Deleting the last ordinary cell is a delete: the server removes author and the times with it.
  bob.store.delCell('notes', 'n5', 'text');
  await waitFor(
    () => !alice.store.hasRow('notes', 'n4') && !alice.store.hasRow('notes', 'n5'),
    'both rows gone at alice',
  );
  await waitFor(() => !bob.store.hasRow('notes', 'n5'), 'the rest of n5 gone at the sender');
  await waitFor(() => sameHashes(alice, bob), 'both copies to agree');
  const left = await rows();
  expect(left.n4).toBeUndefined();
  expect(left.n5).toBeUndefined();
  await settle();
  expect(bob.notices).toEqual([]);
});

test('data API PUT: a new row gets all three (creator ""), an existing one keeps creator and createdAt', async () => {
  const before = Date.now() - 60_000;
  const put = (row: string, body: Record<string, unknown>) =>
    api<{ row: Record<string, unknown> }>(runtime, 'PUT', `${base}/tables/notes/rows/${row}`, { body });
  const created = await put('d1', { text: 'from the back end' });
  expect(created.status).toBe(200);
  expect(created.body.row).toMatchObject({ text: 'from the back end', author: '' });
  expect(Number(created.body.row.createdAt)).toBeGreaterThanOrEqual(before);
  expect(created.body.row.updatedAt).toBe(created.body.row.createdAt);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const updated = await put('d1', { text: 'changed' });
  expect(updated.body.row).toMatchObject({
    text: 'changed',
    author: '',
    createdAt: created.body.row.createdAt,
  });
  expect(Number(updated.body.row.updatedAt)).toBeGreaterThan(Number(created.body.row.createdAt));
  const set = await put('d1', { text: 'set', author: 'svc', createdAt: 7, updatedAt: 8 });
  expect(set.body.row).toEqual({ text: 'set', author: 'svc', createdAt: 7, updatedAt: 8 });
  expect((await rows()).d1).toEqual({ text: 'set', author: 'svc', createdAt: 7, updatedAt: 8 });
  const named = await put('d2', { text: 'for ada', author: 'ada' });
  expect(named.body.row).toMatchObject({ author: 'ada' });
  expect(typeof named.body.row.createdAt).toBe('number');
});

test('snapshot and backup restores write auto cells as stored and fill none', async () => {
  const restored = await api(runtime, 'PUT', `${base}/snapshot`, {
    body: [
      { notes: { old: { text: 'before auto fields' }, kept: { text: 'k', author: 'zoe', createdAt: 3 } } },
      {},
    ],
  });
  expect(restored.status, JSON.stringify(restored.body)).toBe(200);
  expect(await rows()).toEqual({
    old: { text: 'before auto fields' },
    kept: { text: 'k', author: 'zoe', createdAt: 3 },
  });
  const backup = await api<{ id: string }>(runtime, 'POST', `${base}/backups`);
  expect(backup.status).toBe(201);
  await api(runtime, 'PUT', `${base}/tables/notes/rows/later`, { body: { text: 'after the backup' } });
  const back = await api(runtime, 'POST', `${base}/backups/${backup.body.id}/restore`);
  expect(back.status, JSON.stringify(back.body)).toBe(200);
  expect(await rows()).toEqual({
    old: { text: 'before auto fields' },
    kept: { text: 'k', author: 'zoe', createdAt: 3 },
  });
  // Rows stored before a field became auto keep what they had: an update fills updatedAt, never creator or createdAt.
  const bob = await connect('bob');
  await waitFor(() => bob.store.hasRow('notes', 'old'), 'bob to see the restored rows');
  const zoe = await connect('zoe');
  await waitFor(() => zoe.store.hasRow('notes', 'kept'), 'zoe to see her row');
  zoe.store.setCell('notes', 'kept', 'text', 'edited');
  await waitForAsync(async () => (await rows()).kept?.text === 'edited', 'the edit to land');
  const kept = (await rows()).kept;
  expect(kept).toMatchObject({ text: 'edited', author: 'zoe', createdAt: 3 });
  expect(typeof kept?.updatedAt).toBe('number');
});

test('the re-asserted stamps are saved: after a restart a fresh copy has the hashes the clients had', async () => {
  const bob = await connect('bob');
  bob.store.setRow('notes', 'p1', { text: 'persist me', author: 'eve', createdAt: 2 });
  await waitFor(() => bob.store.getCell('notes', 'p1', 'author') === 'bob', 'the creator at the sender');
  // The server answers both with its stored creator under a newer stamp: a change of stamp alone.
  bob.store.setPartialRow('notes', 'p1', { text: 'persist me too', author: 'eve' });
  await waitFor(() => bob.store.getCell('notes', 'p1', 'author') === 'bob', 'the creator re-asserted');
  bob.store.setCell('notes', 'p1', 'author', 'eve');
  await waitFor(() => bob.store.getCell('notes', 'p1', 'author') === 'bob', 'the creator re-asserted again');
  const alice = await connect('alice');
  await waitFor(() => sameHashes(alice, bob), 'a fresh copy to agree with the sender');
  await settle();
  const hashes = JSON.stringify(bob.store.getMergeableContentHashes());
  await runtime.restart();
  const fresh = await connectClient(
    runtime,
    'autoapp/board/main',
    await userToken(runtime, { sub: 'carol' }),
    createMergeableStore(),
  );
  clients.push(fresh);
  await waitFor(
    () => fresh.store.getCell('notes', 'p1', 'author') === 'bob',
    'the restarted runtime to serve p1',
    15_000,
  );
  await waitFor(
    () => JSON.stringify(fresh.store.getMergeableContentHashes()) === hashes,
    'the same hashes after the restart',
  );
}, 120_000);
