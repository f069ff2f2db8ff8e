// The runtime at scale against a real wrangler dev: writes into a large instance stay correct, every change
// another client received survives a SIGKILL of the whole wrangler dev, and a device clock far ahead is told so.
import { decodeRejectionNotice, type AppConfig, type RejectionNotice } from '@datastore-designer/schema';
import { createMergeableStore, getHlcFunctions } from 'tinybase';
import { createWsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import {
  connectClient,
  openSocket,
  settle,
  userToken,
  waitFor,
  type SyncClient,
} from '../../support/sync-client.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        cards: {
          fields: {
            title: { type: 'string' },
            owner: { type: 'string', required: true },
            votes: { type: 'number', default: 0 },
            done: { type: 'boolean', default: false },
          },
          rules: {
            create: 'newRow.owner == user.id',
            update: 'row.owner == user.id',
            delete: 'row.owner == user.id',
          },
        },
      },
    },
  },
};

// 50,000 rows: past the default ceiling (40,000), which is raised here.
const ROWS = 50_000;

let runtime: Runtime;
const clients: SyncClient[] = [];
const connect = async (app: string, sub: string, store = createMergeableStore()) => {
  const client = await connectClient(runtime, `${app}/board/main`, await userToken(runtime, { sub }), store);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  runtime = await startRuntime({ vars: { MAX_INSTANCE_ROWS: String(ROWS + 1000) } });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await runtime?.stop();
});

test('every change another client received survives a SIGKILL of the whole wrangler dev', async () => {
  expect((await api(runtime, 'PUT', '/api/apps/kill/config', { body: config })).status).toBe(200);
  const writer = await connect('kill', 'ann');
  const reader = await connect('kill', 'bob');
  // The writer keeps writing, at about 170 messages a second (under the limit of 200, so it is never closed
  // for its pace); the crash comes while changes are in flight.
  let written = 0;
  const writing = setInterval(() => {
    for (let i = 0; i < 5; i++)
      writer.store.setRow('cards', `k${written++}`, { title: `k${written}`, owner: 'ann' });
  }, 30);
  await waitFor(() => reader.store.getRowCount('cards') >= 300, 'some changes at the reader', 20_000);
  clearInterval(writing);
  const received = reader.store.getTable('cards');
  await runtime.crash();

  const after = await api<[{ cards?: Record<string, unknown> }, object]>(
    runtime,
    'GET',
    '/api/apps/kill/datastores/board/instances/main/snapshot',
  );
  const stored = after.body[0].cards ?? {};
  const missing = Object.keys(received).filter((rowId) => !(rowId in stored));
  expect(missing).toEqual([]);
  for (const [rowId, row] of Object.entries(received)) expect(stored[rowId]).toEqual(row);
  expect(written).toBeGreaterThanOrEqual(Object.keys(received).length);
}, 120_000);

test('a plain TinyBase client whose clock is ten minutes fast is told about its clock and closed with 4008', async () => {
  expect((await api(runtime, 'PUT', '/api/apps/clock/config', { body: config })).status).toBe(200);
  const fast = await connect(
    'clock',
    'ann',
    createMergeableStore('fast', () => Date.now() + 600_000),
  );
  const other = await connect('clock', 'bob');
  fast.store.setRow('cards', 'late', { title: 'from the future', owner: 'ann' });
  expect(await fast.closed).toBe(4008);
  expect(fast.notices).toHaveLength(1);
  expect(fast.notices[0]).toMatchObject({ table: 'cards', row: 'late', rule: 'schema' });
  expect(fast.notices[0]?.reason).toMatch(/device's clock is about 10 minutes ahead/);
  await settle(200);
  expect(other.store.hasRow('cards', 'late')).toBe(false);
});

test(`writes into a ${ROWS.toLocaleString('en')}-row instance are judged, relayed, corrected and stored exactly`, async () => {
  expect((await api(runtime, 'PUT', '/api/apps/big/config', { body: config })).status).toBe(200);
  // Two cells a row (owner, votes), so the instance stays well inside an object's memory with room for a full sync.
  const rows: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < ROWS; i++) rows[`c${i}`] = { owner: i % 2 === 0 ? 'ann' : 'bob', votes: i };
  const base = '/api/apps/big/datastores/board/instances/main';
  expect((await api(runtime, 'PUT', `${base}/snapshot`, { body: [{ cards: rows }, {}] })).status).toBe(200);

  // Bob is a plain TinyBase client holding the whole instance (its requests may wait long for a 50,000-row
  // answer on a busy machine); ann writes with bare frames, without a copy of her own.
  const bobSocket = await openSocket(
    `${runtime.wsUrl}/sync/big/board/main?token=${await userToken(runtime, { sub: 'bob' })}`,
  );
  const bob = { store: createMergeableStore(), notices: [] as RejectionNotice[] };
  bobSocket.on('message', (data) => {
    const notice = decodeRejectionNotice(data.toString());
    if (notice) bob.notices.push(notice);
  });
  const synchronizer = await createWsSynchronizer(bob.store, bobSocket, 120);
  await synchronizer.startSync();
  await waitFor(() => bob.store.getRowCount('cards') === ROWS, 'bob’s full copy', 300_000);
  const ann = await openSocket(
    `${runtime.wsUrl}/sync/big/board/main?token=${await userToken(runtime, { sub: 'ann' })}`,
  );
  const stamp = getHlcFunctions('ann-writer')[0];
  const send = (rowId: string, cells: Record<string, unknown>) => {
    const hlc = stamp();
    const stamped = Object.fromEntries(
      Object.entries(cells).map(([id, value]) => [id, [value ?? '\uFFFC', hlc]]),
    );
    ann.send(
      `\n${JSON.stringify([null, 3, [[{ cards: [{ [rowId]: [stamped, hlc] }, hlc] }, hlc], [{}, ''], 1]])}`,
    );
  };
  // Accepted: a create (defaults filled by the server), updates and a delete of ann's own cards.
  send('new', { owner: 'ann' });
  for (let i = 0; i < 100; i += 2) send(`c${i}`, { votes: -i });
  send('c10', { owner: undefined, votes: undefined, done: undefined });
  // Refused: bob changing ann's card, and a create in ann's name.
  bob.store.setCell('cards', 'c4', 'votes', 1000);
  bob.store.setRow('cards', 'forged', { title: 'forged', owner: 'ann' });

  await waitFor(
    () => bob.store.getCell('cards', 'new', 'done') === false,
    'the create with defaults at bob',
    60_000,
  );
  await waitFor(() => bob.store.getCell('cards', 'c98', 'votes') === -98, 'the last update at bob', 60_000);
  await waitFor(() => !bob.store.hasRow('cards', 'c10'), 'the delete at bob', 60_000);
  await waitFor(() => bob.notices.length === 2, 'two refusals', 60_000);
  // Ann's own update of c4 is the only allowed one, so it wins over bob's refused one whichever reaches the
  // instance first (a correction never outranks an allowed edit made before it).
  await waitFor(() => bob.store.getCell('cards', 'c4', 'votes') === -4, 'the correction at bob', 60_000);
  await waitFor(() => !bob.store.hasRow('cards', 'forged'), 'the forged create removed at bob', 60_000);
  expect(bob.notices.map((notice) => notice.rule).sort()).toEqual(['create', 'update']);
  ann.close();

  const snapshot = await api<[{ cards: Record<string, Record<string, unknown>> }, object]>(
    runtime,
    'GET',
    `${base}/snapshot`,
  );
  const cards = snapshot.body[0].cards;
  expect(Object.keys(cards)).toHaveLength(ROWS);
  expect(cards.new).toEqual({ owner: 'ann', votes: 0, done: false });
  expect(cards.c10).toBeUndefined();
  expect(cards.c98?.votes).toBe(-98);
  expect(cards.c99?.votes).toBe(99);
  expect(cards.c4?.votes).toBe(-4);
  expect(cards.forged).toBeUndefined();
  expect(bob.store.getTable('cards')).toEqual(cards);
  bobSocket.close();
  await Promise.race([synchronizer.destroy(), settle(200)]);
}, 600_000);
