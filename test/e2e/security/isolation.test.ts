// Isolation across perUser, perTenant and multi instances, through the socket and the API: guessed ids, `..`,
// encoded slashes, very long and unicode ids, and sockets left open after access was withdrawn.
import type { AppConfig } from '@datastore-designer/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotTables } from '../../support/attack.ts';
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

const table = {
  fields: { text: { type: 'string' as const } },
  rules: { create: 'true', update: 'true', delete: 'true' },
};
const config: AppConfig = {
  format: 1,
  datastores: {
    own: { instances: 'perUser', sync: 'twoWay', tables: { items: table } },
    team: { instances: 'perTenant', sync: 'twoWay', tables: { items: table } },
    rooms: { instances: 'multi', sync: 'twoWay', join: 'false', tables: { items: table } },
  },
};

let runtime: Runtime;
const clients: SyncClient[] = [];
const connect = async (path: string, claims: { sub: string; tenant?: string }) => {
  const client = await connectClient(runtime, `iso/${path}`, await userToken(runtime, claims));
  clients.push(client);
  return client;
};
const syncStatus = async (path: string, claims: { sub: string; tenant?: string }) => {
  const token = await userToken(runtime, claims);
  const response = await fetch(`${runtime.url}/sync/iso/${path}?token=${encodeURIComponent(token)}`);
  return response.status;
};
const refusedUpgrade = async (path: string, claims: { sub: string; tenant?: string }) => {
  const token = await userToken(runtime, claims);
  return openSocket(`${runtime.wsUrl}/sync/iso/${path}?token=${encodeURIComponent(token)}`).then(
    (socket) => {
      socket.close();
      return 'opened';
    },
    (error: Error) => error.message,
  );
};

// Ways to name someone else's instance in a URL.
const trickyNames = (victim: string) => [
  victim,
  encodeURIComponent(victim),
  `me%2F..%2F${victim}`,
  `%2E%2E%2F${victim}`,
  `${victim}%2F`,
  `..%2F..%2Fown%2F${victim}`,
  'x'.repeat(5000),
  encodeURIComponent('用户🙂'.repeat(200)),
  '%00',
  '%2E%2E',
];

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', '/api/apps/iso/config', { body: config })).status).toBe(200);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

describe('perUser', () => {
  test("nobody reaches alice's instance but alice, however it is named", async () => {
    const alice = await connect('own/me', { sub: 'alice' });
    alice.store.setRow('items', 'secret', { text: "alice's" });
    await waitFor(() => alice.store.hasRow('items', 'secret'), 'the write');
    const bob = await connect('own/me', { sub: 'bob' });
    await settle();
    expect(bob.store.getTables()).toEqual({});
    for (const name of trickyNames('alice')) {
      expect(await refusedUpgrade(`own/${name}`, { sub: 'bob' }), name).toMatch(/refused with 40[34]/);
      expect([403, 404], name).toContain(await syncStatus(`own/${name}`, { sub: 'bob' }));
    }
    const bobToken = await userToken(runtime, { sub: 'bob' });
    for (const path of ['snapshot', 'stats', 'tables/items/rows']) {
      const answer = await api(runtime, 'GET', `/api/apps/iso/datastores/own/instances/alice/${path}`, {
        token: bobToken,
      });
      expect(answer.status, path).toBe(403);
    }
    const deleted = await api(runtime, 'DELETE', '/api/apps/iso/datastores/own/instances/alice', {
      token: bobToken,
    });
    expect(deleted.status).toBe(403);
    expect((await snapshotTables(runtime, 'iso', 'own', 'alice')).items?.secret).toEqual({ text: "alice's" });
    expect((await snapshotTables(runtime, 'iso', 'own', 'bob')).items).toBeUndefined();
  });

  test('a very long or unicode user id is its own instance', async () => {
    for (const sub of ['ü'.repeat(3000), '../alice', 'alice/..', 'alice%2F', '用户']) {
      const client = await connect('own/me', { sub });
      await settle(100);
      expect(client.store.getTables(), sub).toEqual({});
      client.store.setRow('items', 'mine', { text: sub.slice(0, 10) });
      await waitFor(() => client.store.hasRow('items', 'mine'), 'the write');
    }
    expect((await snapshotTables(runtime, 'iso', 'own', 'alice')).items?.mine).toBeUndefined();
  });
});

describe('perTenant', () => {
  test('a tenant reaches its own instance only; no tenant claim, no instance', async () => {
    const acme = await connect('team/tenant', { sub: 'a1', tenant: 'acme' });
    acme.store.setRow('items', 'plan', { text: 'acme only' });
    await waitFor(() => acme.store.hasRow('items', 'plan'), 'the write');
    const globex = await connect('team/tenant', { sub: 'g1', tenant: 'globex' });
    await settle();
    expect(globex.store.getTables()).toEqual({});
    for (const name of trickyNames('acme')) {
      expect([403, 404], name).toContain(await syncStatus(`team/${name}`, { sub: 'g1', tenant: 'globex' }));
    }
    expect(await syncStatus('team/tenant', { sub: 'nobody' })).toBe(403);
    const sameTenant = await connect('team/tenant', { sub: 'a2', tenant: 'acme' });
    await waitFor(() => sameTenant.store.hasRow('items', 'plan'), 'a colleague to see the row');
    expect((await snapshotTables(runtime, 'iso', 'team', 'globex')).items).toBeUndefined();
  });
});

describe('multi', () => {
  const create = async (owner: string) => {
    const created = await api<{ id: string }>(runtime, 'POST', '/api/apps/iso/datastores/rooms/instances', {
      body: {},
      token: await userToken(runtime, { sub: owner }),
    });
    expect(created.status).toBe(201);
    return created.body.id;
  };

  test('guessed, mangled and foreign ids are refused before anything opens', async () => {
    const room = await create('alice');
    const guessed = [
      '0'.repeat(64),
      room.replace(/.$/, (last) => (last === 'a' ? 'b' : 'a')),
      room.toUpperCase(),
      `${room}0`,
      'main',
      ...trickyNames(room),
    ];
    for (const id of guessed) {
      const status = await syncStatus(`rooms/${id}`, { sub: 'mallory' });
      expect([403, 404], id).toContain(status);
    }
    // The real id, for someone who is not a member: 403 not_a_member.
    const token = await userToken(runtime, { sub: 'mallory' });
    const plain = await fetch(`${runtime.url}/sync/iso/rooms/${room}?token=${token}`);
    expect(plain.status).toBe(403);
    expect(((await plain.json()) as { code: string }).code).toBe('not_a_member');
    const joined = await api(runtime, 'POST', `/api/apps/iso/datastores/rooms/instances/${room}/join`, {
      token,
    });
    expect(joined.status).toBe(403);
    const listed = await api<{ instances: unknown[] }>(
      runtime,
      'GET',
      '/api/apps/iso/datastores/rooms/instances',
      {
        token,
      },
    );
    expect(listed.body.instances).toEqual([]);
  });

  test('a member removed is cut off at once (4003) and cannot come back; a deleted room closes 4004', async () => {
    const room = await create('alice');
    const aliceToken = await userToken(runtime, { sub: 'alice' });
    const base = `/api/apps/iso/datastores/rooms/instances/${room}`;
    expect(
      (await api(runtime, 'POST', `${base}/members`, { body: { userId: 'bob' }, token: aliceToken })).status,
    ).toBeLessThan(300);
    const alice = await connect(`rooms/${room}`, { sub: 'alice' });
    const bob = await connect(`rooms/${room}`, { sub: 'bob' });
    alice.store.setRow('items', 'before', { text: 'seen by bob' });
    await waitFor(() => bob.store.hasRow('items', 'before'), 'bob to see the row');
    expect((await api(runtime, 'DELETE', `${base}/members/bob`, { token: aliceToken })).status).toBeLessThan(
      300,
    );
    expect(await bob.closed).toBe(4003);
    alice.store.setRow('items', 'after', { text: 'not for bob' });
    await waitFor(() => alice.store.hasRow('items', 'after'), 'the later write');
    expect(bob.store.hasRow('items', 'after')).toBe(false);
    expect(await syncStatus(`rooms/${room}`, { sub: 'bob' })).toBe(403);

    expect((await api(runtime, 'DELETE', base, { token: aliceToken })).status).toBeLessThan(300);
    expect(await alice.closed).toBe(4004);
    expect(await syncStatus(`rooms/${room}`, { sub: 'alice' })).toBe(404);
    expect((await api(runtime, 'GET', `${base}/snapshot`)).status).toBe(404);
  });

  test("rows written in one room never show in another's snapshot or clients", async () => {
    const rooms = [await create('alice'), await create('alice')];
    const [first, second] = [
      await connect(`rooms/${rooms[0]}`, { sub: 'alice' }),
      await connect(`rooms/${rooms[1]}`, { sub: 'alice' }),
    ];
    first!.store.setRow('items', 'r', { text: 'first' });
    second!.store.setRow('items', 'r', { text: 'second' });
    await waitFor(
      () =>
        first!.store.getCell('items', 'r', 'text') === 'first' &&
        second!.store.getCell('items', 'r', 'text') === 'second',
      'both rooms',
    );
    await settle();
    expect((await snapshotTables(runtime, 'iso', 'rooms', rooms[0]!)).items).toEqual({
      r: { text: 'first' },
    });
    expect((await snapshotTables(runtime, 'iso', 'rooms', rooms[1]!)).items).toEqual({
      r: { text: 'second' },
    });
  });
});
