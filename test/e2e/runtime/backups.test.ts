// Backups against a real `wrangler dev`: take, list, restore (synced to open clients), prune, refusals, deletion,
// and the schedule the instance object's alarm follows (a fractional BACKUP_EVERY_HOURS).
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { BackupList } from '@datastore-designer/schema';
import { notesBoard } from '../../support/configs.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import {
  connectClient,
  userToken,
  waitFor,
  waitForAsync,
  type SyncClient,
} from '../../support/sync-client.ts';

const config = notesBoard(
  {
    fields: { text: { type: 'string', required: true } },
    rules: { create: 'true', update: 'true', delete: 'true' },
  },
  { secrets: { serverOnly: true, fields: { value: { type: 'string' } } } },
);

let runtime: Runtime;
const clients: SyncClient[] = [];
const base = '/api/apps/bkapp/datastores/board/instances/main';

beforeAll(async () => {
  runtime = await startRuntime({ vars: { BACKUP_KEEP: '3', BACKUP_EVERY_HOURS: '0' } });
  expect((await api(runtime, 'PUT', '/api/apps/bkapp/config', { body: config })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await runtime?.stop();
});

const snapshot = async () => (await api(runtime, 'GET', `${base}/snapshot`)).body;

test('write, back up, write more, restore: every client and the snapshot hold the backed-up content', async () => {
  const token = await userToken(runtime, { sub: 'alice' });
  const a = await connectClient(runtime, 'bkapp/board/main', token);
  const b = await connectClient(runtime, 'bkapp/board/main', token);
  clients.push(a, b);
  a.store.transaction(() => {
    for (let i = 0; i < 200; i++) a.store.setRow('notes', `n${i}`, { text: `note ${i}` });
  });
  await waitFor(() => b.store.getRowCount('notes') === 200, 'b sees 200 notes', 15_000);
  await api(runtime, 'PUT', `${base}/tables/secrets/rows/s1`, { body: { value: 'hidden' } });
  const backedUp = await snapshot();
  const taken = await api<{ id: string }>(runtime, 'POST', `${base}/backups`);
  expect(taken.status).toBe(201);
  a.store.transaction(() => {
    for (let i = 0; i < 50; i++) a.store.delRow('notes', `n${i}`);
    a.store.setRow('notes', 'extra', { text: 'later' });
    a.store.setCell('notes', 'n100', 'text', 'changed');
  });
  await waitFor(() => b.store.hasRow('notes', 'extra'), 'b sees the later write', 15_000);
  const restored = await api<{ restored: string; before: string }>(
    runtime,
    'POST',
    `${base}/backups/${taken.body.id}/restore`,
  );
  expect(restored.status).toBe(200);
  expect(restored.body.restored).toBe(taken.body.id);
  expect(restored.body.before).not.toBe(taken.body.id);
  expect(await snapshot()).toEqual(backedUp);
  const [tables] = backedUp as unknown as [Record<string, unknown>];
  for (const client of [a, b]) {
    await waitFor(
      () => {
        try {
          expect(client.store.getTables()).toEqual({ notes: tables.notes });
          return true;
        } catch {
          return false;
        }
      },
      'client holds the backup',
      15_000,
    );
  }
  const list = await api<BackupList>(runtime, 'GET', `${base}/backups`);
  expect(list.body.backups.map((backup) => backup.id).slice(0, 2)).toEqual([
    restored.body.before,
    taken.body.id,
  ]);
  const first = list.body.backups.find((backup) => backup.id === taken.body.id);
  expect(first?.rows).toBe(201);
  expect(first?.bytes).toBeGreaterThan(0);
  expect(Date.parse(first?.takenAt ?? '')).toBeGreaterThan(0);
}, 120_000);

test('keeps the newest BACKUP_KEEP, refuses unknown backups and user tokens', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push((await api<{ id: string }>(runtime, 'POST', `${base}/backups`)).body.id);
  const list = await api<BackupList>(runtime, 'GET', `${base}/backups`);
  expect(list.body.backups.map((backup) => backup.id)).toEqual(ids.slice(2).reverse());
  expect((await api(runtime, 'POST', `${base}/backups/20990101T000000000Z-00000000/restore`)).status).toBe(
    404,
  );
  expect((await api(runtime, 'POST', `${base}/backups/..%2F..%2Fx/restore`)).status).toBe(404);
  const token = await userToken(runtime, { sub: 'alice' });
  for (const [method, path] of [
    ['GET', `${base}/backups`],
    ['POST', `${base}/backups`],
    ['POST', `${base}/backups/${ids[4]}/restore`],
  ] as const) {
    expect((await api(runtime, method, path, { token })).status).toBe(403);
  }
});

test('a backup that no longer fits the datastore is refused: nothing changes, no before backup', async () => {
  const id = (await api<{ id: string }>(runtime, 'POST', `${base}/backups`)).body.id;
  const strict = structuredClone(config);
  const notes = strict.datastores.board?.tables.notes;
  if (notes) notes.fields.text = { type: 'string', required: true, maxLength: 3 };
  expect((await api(runtime, 'PUT', '/api/apps/bkapp/config?force=true', { body: strict })).status).toBe(200);
  const before = await snapshot();
  const listBefore = await api<BackupList>(runtime, 'GET', `${base}/backups`);
  const refused = await api(runtime, 'POST', `${base}/backups/${id}/restore`);
  expect(refused.status).toBe(400);
  expect(await snapshot()).toEqual(before);
  expect((await api<BackupList>(runtime, 'GET', `${base}/backups`)).body).toEqual(listBefore.body);
  expect((await api(runtime, 'PUT', '/api/apps/bkapp/config?force=true', { body: config })).status).toBe(200);
});

test('a changed instance is backed up by its alarm; deleting the app deletes its backups', async () => {
  await runtime.stop();
  // 0.0005 hours is 1.8 s: the scheduled path runs end to end on the instance object's alarm.
  runtime = await startRuntime({ vars: { BACKUP_KEEP: '3', BACKUP_EVERY_HOURS: '0.0005' } });
  expect((await api(runtime, 'PUT', '/api/apps/bkapp/config', { body: config })).status).toBe(200);
  const count = async () => (await api<BackupList>(runtime, 'GET', `${base}/backups`)).body.backups[0]?.id;
  const newest = await count();
  await api(runtime, 'PUT', `${base}/tables/notes/rows/scheduled`, { body: { text: 'by the alarm' } });
  await waitForAsync(async () => (await count()) !== newest, 'a scheduled backup', 20_000);
  expect((await api(runtime, 'DELETE', '/api/apps/bkapp')).status).toBe(200);
  expect((await api(runtime, 'PUT', '/api/apps/bkapp/config', { body: config })).status).toBe(200);
  expect((await api<BackupList>(runtime, 'GET', `${base}/backups`)).body.backups).toEqual([]);
}, 120_000);
