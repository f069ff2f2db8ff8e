// A `single` datastore: clients sync through the enforcing hub; refused writes converge back at the sender.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AppConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, settle, userToken, waitFor, type SyncClient } from '../../support/sync-client.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true, maxLength: 50 },
            author: { type: 'string', required: true },
            votes: { type: 'number', default: 0, min: 0 },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: "row.author == user.id && changed.all(f, f in ['text', 'votes'])",
            delete: "row.author == user.id || 'admin' in user.roles",
          },
        },
        secrets: { serverOnly: true, fields: { value: { type: 'string' } } },
      },
    },
  },
};

let runtime: Runtime;
const clients: SyncClient[] = [];
const connect = async (sub: string, roles: string[] = []) => {
  const client = await connectClient(runtime, 'syncapp/board/main', await userToken(runtime, { sub, roles }));
  clients.push(client);
  return client;
};

beforeAll(async () => {
  runtime = await startRuntime();
  const deployed = await api(runtime, 'PUT', '/api/apps/syncapp/config', { body: config });
  expect(deployed.status).toBe(200);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

test('an allowed create reaches the other client with defaults filled', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  alice.store.setRow('notes', 'n1', { text: 'hello', author: 'alice' });
  await waitFor(() => bob.store.getCell('notes', 'n1', 'text') === 'hello', 'bob to see n1');
  await waitFor(() => alice.store.getCell('notes', 'n1', 'votes') === 0, 'the default at the sender');
  expect(bob.store.getRow('notes', 'n1')).toEqual({ text: 'hello', author: 'alice', votes: 0 });
});

test('a forged create is reverted at the sender, never reaches others, and is explained', async () => {
  const alice = await connect('alice');
  const mallory = await connect('mallory');
  mallory.store.setRow('notes', 'forged', { text: 'I am alice', author: 'alice' });
  await waitFor(() => !mallory.store.hasRow('notes', 'forged'), 'the forged row to vanish at the sender');
  await waitFor(() => mallory.notices.length > 0, 'a rejection notice');
  expect(mallory.notices[0]).toMatchObject({
    table: 'notes',
    row: 'forged',
    operation: 'create',
    rule: 'create',
  });
  expect(mallory.notices[0]?.expression).toBe('newRow.author == user.id');
  await settle();
  expect(alice.store.hasRow('notes', 'forged')).toBe(false);
  const snapshot = await api<[Record<string, Record<string, unknown>>, unknown]>(
    runtime,
    'GET',
    '/api/apps/syncapp/datastores/board/instances/main/snapshot',
  );
  expect(snapshot.status, JSON.stringify(snapshot.body)).toBe(200);
  expect(snapshot.body[0].notes?.forged).toBeUndefined();
  expect(mallory.socket.readyState).toBe(mallory.socket.OPEN);
});

test('a refused update and delete converge back to the server state', async () => {
  const alice = await connect('alice');
  const bob = await connect('bob');
  alice.store.setRow('notes', 'n2', { text: 'mine', author: 'alice' });
  await waitFor(() => bob.store.hasRow('notes', 'n2'), 'bob to see n2');
  bob.store.setCell('notes', 'n2', 'text', 'hijacked');
  await waitFor(() => bob.store.getCell('notes', 'n2', 'text') === 'mine', 'the update to revert');
  bob.store.delRow('notes', 'n2');
  await waitFor(() => bob.store.getCell('notes', 'n2', 'text') === 'mine', 'the delete to revert');
  await waitFor(() => bob.notices.length === 2, 'two notices');
  expect(bob.notices.map((notice) => notice.operation)).toEqual(['update', 'delete']);
  await settle();
  expect(alice.store.getRow('notes', 'n2')).toEqual({ text: 'mine', author: 'alice', votes: 0 });
  const snapshot = await api<[Record<string, Record<string, unknown>>, unknown]>(
    runtime,
    'GET',
    '/api/apps/syncapp/datastores/board/instances/main/snapshot',
  );
  expect(snapshot.body[0].notes?.n2).toEqual({ text: 'mine', author: 'alice', votes: 0 });
  expect(bob.store.getMergeableContentHashes()).toEqual(alice.store.getMergeableContentHashes());
});

test('wrong types, unknown tables, server-only tables and values are refused', async () => {
  const carol = await connect('carol');
  carol.store.setRow('notes', 'bad', { text: 'x'.repeat(60), author: 'carol' });
  carol.store.setRow('ghosts', 'g1', { boo: true });
  carol.store.setRow('secrets', 's1', { value: 'leak' });
  carol.store.setValue('theme', 'dark');
  await waitFor(() => carol.notices.length >= 4, 'four notices');
  expect(carol.notices.map((notice) => notice.rule).sort()).toEqual([
    'schema',
    'unknownTable',
    'unknownTable',
    'values',
  ]);
  await waitFor(
    () =>
      !carol.store.hasRow('notes', 'bad') &&
      !carol.store.hasTable('ghosts') &&
      !carol.store.hasTable('secrets') &&
      !carol.store.hasValue('theme'),
    'all four to revert',
  );
});

test('40 writes propagate and 40 refusals converge, one after another (timings logged, bounded in the benchmark)', async () => {
  const writer = await connect('writer');
  const reader = await connect('reader');
  const percentile = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
  const propagation: number[] = [];
  const convergence: number[] = [];
  writer.store.setRow('notes', 'timed', { text: 'start', author: 'writer' });
  await waitFor(() => reader.store.hasRow('notes', 'timed'), 'the timed row');
  for (let index = 0; index < 40; index++) {
    const started = performance.now();
    writer.store.setCell('notes', 'timed', 'text', `t${index}`);
    await waitFor(() => reader.store.getCell('notes', 'timed', 'text') === `t${index}`, 'propagation');
    propagation.push(performance.now() - started);
  }
  for (let index = 0; index < 40; index++) {
    const started = performance.now();
    reader.store.setCell('notes', 'timed', 'text', `refused ${index}`);
    await waitFor(() => reader.store.getCell('notes', 'timed', 'text') === 't39', 'convergence');
    convergence.push(performance.now() - started);
  }
  const summary = {
    propagationP50: percentile(propagation, 0.5),
    propagationP99: percentile(propagation, 0.99),
    convergenceP50: percentile(convergence, 0.5),
    convergenceP99: percentile(convergence, 0.99),
  };
  console.log(
    'runtime timings (ms):',
    JSON.stringify(summary, (_key, value: unknown) =>
      typeof value === 'number' ? Math.round(value * 10) / 10 : value,
    ),
  );
  expect(propagation).toHaveLength(40);
  expect(convergence).toHaveLength(40);
  expect(reader.store.getRow('notes', 'timed')).toEqual(writer.store.getRow('notes', 'timed'));
});

test('refused creates do not grow the instance: 2,000 forged rows leave its storage as it was', async () => {
  const base = '/api/apps/syncapp/datastores/board/instances/main';
  const stats = async () =>
    (await api<{ rows: Record<string, number>; bytes: number }>(runtime, 'GET', `${base}/stats`)).body;
  const before = await stats();
  const spammer = await connect('spammer');
  spammer.store.transaction(() => {
    for (let index = 0; index < 2000; index++)
      spammer.store.setRow('notes', `spam${index}`, { text: 'x', author: 'nobody' });
  });
  await waitFor(() => spammer.notices.length === 2000, '2,000 notices', 15_000);
  await waitFor(
    () => spammer.store.getRowIds('notes').every((id) => !id.startsWith('spam')),
    'the spam to vanish',
  );
  const after = await stats();
  expect(after.rows).toEqual(before.rows);
  expect(after.bytes).toBe(before.bytes);
});
