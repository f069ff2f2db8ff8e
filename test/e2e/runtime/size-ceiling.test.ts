// An instance at its size ceiling (MAX_INSTANCE_ROWS or MAX_INSTANCE_BYTES, each set low here) refuses new rows with
// a `limit` notice and a plain reason, keeps taking updates and deletes, and keeps serving: never a crash.
import type { AppConfig } from '@datastore-designer/schema';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, userToken, waitFor, type SyncClient } from '../../support/sync-client.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        cards: {
          fields: { title: { type: 'string' } },
          rules: { create: 'true', update: 'true', delete: 'true' },
        },
        audit: { serverOnly: true, fields: { note: { type: 'string' } } },
      },
    },
  },
};

let runtime: Runtime;
const clients: SyncClient[] = [];

beforeAll(async () => {
  runtime = await startRuntime({ vars: { MAX_INSTANCE_ROWS: '5' } });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await runtime?.stop();
});

test('at the ceiling new rows are refused with a limit notice; updates, deletes and other clients carry on', async () => {
  expect((await api(runtime, 'PUT', '/api/apps/full/config', { body: config })).status).toBe(200);
  const base = '/api/apps/full/datastores/board/instances/main';
  // Server-only rows count too: the whole object holds them.
  expect((await api(runtime, 'PUT', `${base}/tables/audit/rows/a1`, { body: { note: 'kept' } })).status).toBe(
    200,
  );
  const ann = await connectClient(runtime, 'full/board/main', await userToken(runtime, { sub: 'ann' }));
  const bob = await connectClient(runtime, 'full/board/main', await userToken(runtime, { sub: 'bob' }));
  clients.push(ann, bob);
  for (let i = 1; i <= 4; i++) ann.store.setRow('cards', `c${i}`, { title: `card ${i}` });
  await waitFor(() => bob.store.getRowCount('cards') === 4, 'four cards at bob');

  ann.store.setRow('cards', 'c5', { title: 'one too many' });
  await waitFor(() => ann.notices.length === 1, 'the limit notice');
  expect(ann.notices[0]).toMatchObject({ table: 'cards', row: 'c5', operation: 'create', rule: 'limit' });
  expect(ann.notices[0]?.reason).toMatch(/full.*no new rows/);
  await waitFor(() => !ann.store.hasRow('cards', 'c5'), 'the refused row removed at ann');

  // The data API is held to the same ceiling, with its own answer.
  const put = await api(runtime, 'PUT', `${base}/tables/cards/rows/c6`, { body: { title: 'server' } });
  expect(put.status).toBe(413);
  expect(put.body).toMatchObject({ code: 'instance_full' });

  // Updates still go through, and a delete makes room for a new row again.
  ann.store.setCell('cards', 'c1', 'title', 'changed at the ceiling');
  await waitFor(() => bob.store.getCell('cards', 'c1', 'title') === 'changed at the ceiling', 'the update');
  bob.store.delRow('cards', 'c2');
  await waitFor(() => !ann.store.hasRow('cards', 'c2'), 'the delete');
  bob.store.setRow('cards', 'c7', { title: 'room again' });
  await waitFor(
    () => ann.store.getCell('cards', 'c7', 'title') === 'room again',
    'the new row after a delete',
  );
  expect(bob.notices).toEqual([]);

  const stats = await api<{ rows: Record<string, number> }>(runtime, 'GET', `${base}/stats`);
  expect(stats.body.rows).toEqual({ cards: 4, audit: 1 });
});

test('at the byte ceiling new rows are refused with a limit notice, while updates and other clients carry on', async () => {
  // A runtime of its own: the byte ceiling low (512 KiB of SQLite), the row ceiling at its default.
  const maxBytes = 512 * 1024;
  const small = await startRuntime({ vars: { MAX_INSTANCE_BYTES: String(maxBytes) } });
  const opened: SyncClient[] = [];
  try {
    expect((await api(small, 'PUT', '/api/apps/wide/config', { body: config })).status).toBe(200);
    const base = '/api/apps/wide/datastores/board/instances/main';
    // Well under the row ceiling, well over the byte ceiling: 2,000 rows of 400 characters each.
    const rows: Record<string, { title: string }> = {};
    for (let i = 0; i < 2000; i++) rows[`w${i}`] = { title: `${i}:`.padEnd(400, 'x') };
    expect((await api(small, 'PUT', `${base}/snapshot`, { body: [{ cards: rows }, {}] })).status).toBe(200);
    const filled = await api<{ rows: Record<string, number>; bytes: number }>(small, 'GET', `${base}/stats`);
    expect(filled.body.rows.cards).toBe(2000);
    expect(filled.body.bytes).toBeGreaterThanOrEqual(maxBytes);

    const ann = await connectClient(small, 'wide/board/main', await userToken(small, { sub: 'ann' }));
    const bob = await connectClient(small, 'wide/board/main', await userToken(small, { sub: 'bob' }));
    opened.push(ann, bob);
    await waitFor(() => ann.store.getRowCount('cards') === 2000, 'the whole instance at ann');

    ann.store.setRow('cards', 'one-more', { title: 'one too many' });
    await waitFor(() => ann.notices.length === 1, 'the limit notice');
    expect(ann.notices[0]).toMatchObject({
      table: 'cards',
      row: 'one-more',
      operation: 'create',
      rule: 'limit',
    });
    expect(ann.notices[0]?.reason).toMatch(/full.*no new rows/);
    await waitFor(() => !ann.store.hasRow('cards', 'one-more'), 'the refused row removed at ann');

    // Updates to rows it holds still go through, and the instance keeps serving everyone.
    ann.store.setCell('cards', 'w7', 'title', 'changed at the byte ceiling');
    await waitFor(
      () => bob.store.getCell('cards', 'w7', 'title') === 'changed at the byte ceiling',
      'the update at bob',
    );
    expect(ann.notices).toHaveLength(1);
    expect(bob.notices).toEqual([]);
    expect(bob.store.hasRow('cards', 'one-more')).toBe(false);
    const after = await api<[{ cards: Record<string, { title: string }> }, object]>(
      small,
      'GET',
      `${base}/snapshot`,
    );
    expect(Object.keys(after.body[0].cards)).toHaveLength(2000);
    expect(after.body[0].cards.w7?.title).toBe('changed at the byte ceiling');
  } finally {
    await Promise.all(opened.map((client) => client.close()));
    await small.stop();
  }
}, 120_000);
