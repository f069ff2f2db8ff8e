// Deploys reaching open sockets, rollback, app deletion, restart persistence, token expiry, and limits and
// malformed input that close one socket while the instance keeps serving everyone else.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AppConfig } from '@datastore-designer/schema';
import { createMergeableStore } from 'tinybase';
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

const configWith = (update: string, connect = "user.id != ''"): AppConfig => ({
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      connect,
      tables: {
        cards: {
          fields: { title: { type: 'string', required: true }, owner: { type: 'string' } },
          rules: { create: 'true', update, delete: 'true' },
        },
      },
    },
  },
});

let runtime: Runtime;
const clients: SyncClient[] = [];
const connect = async (app: string, sub: string, store = createMergeableStore()) => {
  const client = await connectClient(runtime, `${app}/board/main`, await userToken(runtime, { sub }), store);
  clients.push(client);
  return client;
};
const deploy = (app: string, config: AppConfig) =>
  api<{ version: number }>(runtime, 'PUT', `/api/apps/${app}/config?force=true`, { body: config });

beforeAll(async () => {
  runtime = await startRuntime({
    vars: { MAX_MESSAGE_BYTES: '20000', MAX_SOCKETS_PER_USER: '3', MAX_MESSAGES_PER_SECOND: '60' },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

test('a deploy applies to open sockets within a second, and rollback restores the old rules', async () => {
  expect((await deploy('live', configWith('true'))).body.version).toBe(1);
  const alice = await connect('live', 'alice');
  const bob = await connect('live', 'bob');
  alice.store.setRow('cards', 'c1', { title: 'one' });
  await waitFor(() => bob.store.hasRow('cards', 'c1'), 'the first card');

  // The deploy reaches open sockets before it answers: the very next write meets the new rule.
  expect((await deploy('live', configWith('false'))).body.version).toBe(2);
  alice.store.setCell('cards', 'c1', 'title', 'changed after deploy');
  await waitFor(() => alice.notices.length === 1, 'the new rule to refuse');
  expect(alice.notices[0]).toMatchObject({ rule: 'update', expression: 'false' });
  await waitFor(() => alice.store.getCell('cards', 'c1', 'title') === 'one', 'the refused update to revert');

  expect(
    (await api(runtime, 'POST', '/api/apps/live/config/rollback', { body: { version: 1 } })).body,
  ).toEqual({
    version: 3,
  });
  alice.store.setCell('cards', 'c1', 'title', 'allowed again');
  await waitFor(() => bob.store.getCell('cards', 'c1', 'title') === 'allowed again', 'the rolled-back rule');

  await deploy('live', configWith('true', "user.id == 'alice'"));
  expect(await bob.closed).toBe(4003);
  await settle(100);
  expect(alice.socket.readyState).toBe(alice.socket.OPEN);
});

test('deleting the app closes its sockets with 4004', async () => {
  await deploy('doomed', configWith('true'));
  const client = await connect('doomed', 'carol');
  expect((await api(runtime, 'DELETE', '/api/apps/doomed')).status).toBe(200);
  expect(await client.closed).toBe(4004);
  const again = await fetch(
    `${runtime.url}/sync/doomed/board/main?token=${await userToken(runtime, { sub: 'carol' })}`,
  );
  expect(again.status).toBe(404);
});

test('malformed frames, oversized messages and floods close only the offending socket', async () => {
  await deploy('robust', configWith('true'));
  const good = await connect('robust', 'good');
  const other = await connect('robust', 'other');
  const token = await userToken(runtime, { sub: 'bad' });
  const url = `${runtime.wsUrl}/sync/robust/board/main?token=${token}`;

  // As browsers do, this one sends an Origin header with its upgrade.
  const malformed = await openSocket(url, 'https://somewhere.example');
  const malformedClosed = new Promise<number>((resolve) => malformed.once('close', resolve));
  malformed.send('this is not a tinybase frame');
  expect(await malformedClosed).toBe(1007);

  const wrongBody = await openSocket(url);
  const wrongBodyClosed = new Promise<number>((resolve) => wrongBody.once('close', resolve));
  wrongBody.send('\n["x",3,{"not":"changes"}]');
  expect(await wrongBodyClosed).toBe(1007);

  const oversized = await openSocket(url);
  const oversizedClosed = new Promise<number>((resolve) => oversized.once('close', resolve));
  oversized.send(
    `\n["x",3,[[{"cards":[{"r":[{"title":["${'y'.repeat(30_000)}","0000000000000000"]}]}]}],[{}],1]]`,
  );
  expect(await oversizedClosed).toBe(1009);

  const flood = await openSocket(url);
  const floodClosed = new Promise<number>((resolve) => flood.once('close', resolve));
  for (let index = 0; index < 100; index++) flood.send(`\n["f${index}",1,""]`);
  expect(await floodClosed).toBe(4008);

  good.store.setRow('cards', 'still', { title: 'serving' });
  await waitFor(() => other.store.hasRow('cards', 'still'), 'the instance to keep serving others');
});

test('more sockets per user than allowed are closed with 4008', async () => {
  await deploy('crowd', configWith('true'));
  const token = await userToken(runtime, { sub: 'many' });
  const url = `${runtime.wsUrl}/sync/crowd/board/main?token=${token}`;
  const sockets = await Promise.all([openSocket(url), openSocket(url), openSocket(url)]);
  const extra = await openSocket(url);
  extra.send('\n["hello",1,""]');
  const code = await new Promise<number>((resolve) => extra.once('close', resolve));
  expect(code).toBe(4008);
  for (const socket of sockets) socket.close();
});

test('a socket is closed with 4001 when its token expires', async () => {
  await deploy('expiring', configWith('true'));
  const token = await userToken(runtime, { sub: 'brief' }, { expiresInSeconds: 2 });
  const client = await connectClient(runtime, 'expiring/board/main', token);
  clients.push(client);
  expect(await client.closed).toBe(4001);
});

test('data, refusals and their corrections survive a restart of wrangler dev', async () => {
  await deploy('durable', configWith('row.owner == user.id'));
  const store = createMergeableStore();
  const writer = await connect('durable', 'writer', store);
  store.setRow('cards', 'kept', { title: 'kept', owner: 'writer' });
  store.setRow('cards', 'theirs', { title: 'theirs', owner: 'someone' });
  await settle(200);
  store.setCell('cards', 'theirs', 'title', 'refused');
  await waitFor(() => writer.notices.length === 1, 'the refusal');
  await waitFor(() => store.getCell('cards', 'theirs', 'title') === 'theirs', 'the correction');
  await writer.close();

  await runtime.restart();

  const reader = await connect('durable', 'reader');
  await waitFor(() => reader.store.hasRow('cards', 'kept'), 'the data after restart', 10_000);
  expect(reader.store.getTable('cards')).toEqual({
    kept: { title: 'kept', owner: 'writer' },
    theirs: { title: 'theirs', owner: 'someone' },
  });
  const back = await connect('durable', 'writer', store);
  await settle(300);
  expect(back.notices).toEqual([]);
  expect(store.getMergeableContentHashes()).toEqual(reader.store.getMergeableContentHashes());
});

test("a client's own close is answered at once", async () => {
  await deploy('closing', configWith('true'));
  const socket = await openSocket(
    `${runtime.wsUrl}/sync/closing/board/main?token=${await userToken(runtime, { sub: 'x' })}`,
  );
  const closed = new Promise<number>((resolve) => socket.once('close', resolve));
  socket.close(1000);
  expect(await closed).toBe(1000);
});
