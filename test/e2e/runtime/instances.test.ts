// Instance kinds (§4 routing), multi-instance life (§3) and the server data API, with plain TinyBase clients.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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

const notes = {
  fields: { text: { type: 'string' as const, required: true }, by: { type: 'string' as const } },
  rules: { create: 'true', update: 'true', delete: 'true' },
};

const config: AppConfig = {
  format: 1,
  datastores: {
    personal: { instances: 'perUser', sync: 'twoWay', tables: { notes } },
    crm: { instances: 'perTenant', sync: 'twoWay', tables: { notes } },
    games: {
      instances: 'multi',
      sync: 'twoWay',
      join: "user.id.startsWith('guest')",
      maxInstancesPerUser: 2,
      tables: {
        moves: {
          fields: { by: { type: 'string', required: true } },
          rules: { create: 'user.id in instance.members' },
        },
      },
    },
    news: {
      instances: 'single',
      sync: 'serverToClient',
      tables: {
        posts: {
          fields: { title: { type: 'string', required: true }, likes: { type: 'number', default: 0 } },
        },
        audit: { serverOnly: true, fields: { note: { type: 'string' } } },
      },
    },
  },
};

let runtime: Runtime;
const clients: SyncClient[] = [];
const tokenFor = (sub: string, tenant?: string) => userToken(runtime, { sub, ...(tenant ? { tenant } : {}) });
const connect = async (path: string, token?: string, store = createMergeableStore()) => {
  const client = await connectClient(runtime, `inst/${path}`, token, store);
  clients.push(client);
  return client;
};
const refusal = async (path: string, token?: string) => {
  const response = await fetch(`${runtime.url}/sync/inst/${path}${token ? `?token=${token}` : ''}`);
  return { status: response.status, body: (await response.json()) as { error: string; code: string } };
};

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', '/api/apps/inst/config', { body: config })).status).toBe(200);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

describe('perUser and perTenant', () => {
  test('"me" is the token\'s user: each user has a private instance', async () => {
    const alice = await connect('personal/me', await tokenFor('alice'));
    const bob = await connect('personal/me', await tokenFor('bob'));
    alice.store.setRow('notes', 'a', { text: 'alice only' });
    await settle(200);
    expect(bob.store.hasRow('notes', 'a')).toBe(false);
    const later = await api(
      runtime,
      'GET',
      '/api/apps/inst/datastores/personal/instances/alice/tables/notes/rows',
    );
    expect(later.body).toEqual({ a: { text: 'alice only' } });
    expect((await refusal('personal/me')).status).toBe(401);
    const own = '/api/apps/inst/datastores/personal/instances/alice';
    expect((await api(runtime, 'DELETE', own, { token: await tokenFor('bob') })).status).toBe(403);
    expect((await api(runtime, 'DELETE', own, { token: await tokenFor('alice') })).status).toBe(200);
    expect(await alice.closed).toBe(4004);
    expect(await api(runtime, 'GET', `${own}/tables/notes/rows`)).toEqual({ status: 200, body: {} });
    expect((await refusal('personal/alice', await tokenFor('bob'))).status).toBe(404);
  });

  test('"tenant" is the token\'s tenant, refused without one', async () => {
    const a = await connect('crm/tenant', await tokenFor('a', 'acme'));
    const b = await connect('crm/tenant', await tokenFor('b', 'acme'));
    const c = await connect('crm/tenant', await tokenFor('c', 'globex'));
    a.store.setRow('notes', 'deal', { text: 'acme deal' });
    await waitFor(() => b.store.hasRow('notes', 'deal'), 'the same tenant to see it');
    await settle(200);
    expect(c.store.hasRow('notes', 'deal')).toBe(false);
    const none = await refusal('crm/tenant', await tokenFor('d'));
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('no_tenant');
  });
});

describe('multi', () => {
  test('unknown ids are refused before any object exists, with a reason without Upgrade', async () => {
    const token = await tokenFor('alice');
    const made = await refusal(`games/${'a'.repeat(64)}`, token);
    expect(made.status).toBe(404);
    expect(made.body.code).toBe('unknown_instance');
    expect((await refusal('games/not-an-id', token)).status).toBe(404);
    await expect(openSocket(`${runtime.wsUrl}/sync/inst/games/whatever?token=${token}`)).rejects.toThrow(
      '404',
    );
    expect((await refusal('nope/main', token)).status).toBe(404);
    expect((await refusal('games/x', 'forged.token.here')).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.`;
    expect((await refusal('personal/me', none)).body.code).toBe('invalid_token');
    const expired = await userToken(runtime, { sub: 'alice' }, { expiresInSeconds: -5 });
    expect((await refusal('personal/me', expired)).status).toBe(401);
  });

  test('create, list, members, join, leave, removal (4003) and delete (4004)', async () => {
    const owner = await tokenFor('owner');
    const created = await api<{ id: string }>(runtime, 'POST', '/api/apps/inst/datastores/games/instances', {
      token: owner,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const base = `/api/apps/inst/datastores/games/instances/${id}`;

    const listed = await api<{ instances: { id: string; owner: string; members: string[] }[] }>(
      runtime,
      'GET',
      '/api/apps/inst/datastores/games/instances',
      { token: owner },
    );
    expect(listed.body.instances).toEqual([
      expect.objectContaining({ id, owner: 'owner', members: ['owner'] }),
    ]);

    const friend = await tokenFor('friend');
    expect((await refusal(`games/${id}`, friend)).status).toBe(403);
    expect((await api(runtime, 'POST', `${base}/join`, { token: friend })).status).toBe(403);
    expect(
      (await api(runtime, 'POST', `${base}/members`, { token: friend, body: { userId: 'friend' } })).status,
    ).toBe(403);
    expect(
      (await api(runtime, 'POST', `${base}/members`, { token: owner, body: { userId: 'friend' } })).status,
    ).toBe(200);
    const guest = await tokenFor('guest-1');
    expect((await api(runtime, 'POST', `${base}/join`, { token: guest })).status).toBe(200);

    const ownerClient = await connect(`games/${id}`, owner);
    const friendClient = await connect(`games/${id}`, friend);
    const guestClient = await connect(`games/${id}`, guest);
    ownerClient.store.setRow('moves', 'm1', { by: 'owner' });
    await waitFor(
      () => friendClient.store.hasRow('moves', 'm1') && guestClient.store.hasRow('moves', 'm1'),
      'sync',
    );

    expect((await api(runtime, 'DELETE', `${base}/members/owner`, { token: owner })).status).toBe(409);
    expect((await api(runtime, 'DELETE', `${base}/members/friend`, { token: owner })).status).toBe(200);
    expect(await friendClient.closed).toBe(4003);
    expect((await refusal(`games/${id}`, friend)).status).toBe(403);
    expect((await api(runtime, 'DELETE', `${base}/members/guest-1`, { token: guest })).status).toBe(200);
    expect(await guestClient.closed).toBe(4003);

    expect((await api(runtime, 'DELETE', base, { token: friend })).status).toBe(403);
    expect((await api(runtime, 'DELETE', base, { token: owner })).status).toBe(200);
    expect(await ownerClient.closed).toBe(4004);
    expect((await refusal(`games/${id}`, owner)).status).toBe(404);
    expect((await api(runtime, 'GET', `${base}/snapshot`)).status).toBe(404);
  });

  test('maxInstancesPerUser answers 409; the admin creates for an owner and lists all', async () => {
    const capped = await tokenFor('capped');
    const path = '/api/apps/inst/datastores/games/instances';
    expect((await api(runtime, 'POST', path, { token: capped })).status).toBe(201);
    expect((await api(runtime, 'POST', path, { token: capped })).status).toBe(201);
    expect((await api(runtime, 'POST', path, { token: capped })).status).toBe(409);
    const byAdmin = await api<{ id: string }>(runtime, 'POST', path, { body: { owner: 'zed' } });
    expect(byAdmin.status).toBe(201);
    const all = await api<{ instances: { id: string }[]; cursor?: string }>(
      runtime,
      'GET',
      `${path}?limit=2`,
    );
    expect(all.body.instances).toHaveLength(2);
    const next = await api<{ instances: { id: string }[] }>(
      runtime,
      'GET',
      `${path}?limit=2&cursor=${all.body.cursor}`,
    );
    expect(next.body.instances.map((entry) => entry.id)).toContain(byAdmin.body.id);
    expect(
      (await api(runtime, 'POST', '/api/apps/inst/datastores/personal/instances', { token: capped })).status,
    ).toBe(400);
  });
});

describe('serverToClient and the server data API', () => {
  const rows = '/api/apps/inst/datastores/news/instances/main/tables';

  test('server writes reach clients at once; every client write is refused', async () => {
    const reader = await connect('news/main', await tokenFor('reader'));
    const put = await api(runtime, 'PUT', `${rows}/posts/rows/p1`, { body: { title: 'Hello' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await waitFor(() => reader.store.getCell('posts', 'p1', 'title') === 'Hello', 'the server write');
    expect(reader.store.getRow('posts', 'p1')).toEqual({ title: 'Hello', likes: 0 });

    reader.store.setCell('posts', 'p1', 'title', 'Hijacked');
    reader.store.setRow('posts', 'p2', { title: 'Mine' });
    await waitFor(() => reader.notices.length >= 2, 'two notices');
    expect(reader.notices.map((notice) => notice.rule)).toEqual(['readOnly', 'readOnly']);
    await waitFor(
      () => reader.store.getCell('posts', 'p1', 'title') === 'Hello' && !reader.store.hasRow('posts', 'p2'),
      'the writes to revert',
    );

    expect((await api(runtime, 'PUT', `${rows}/posts/rows/bad`, { body: { likes: 'many' } })).status).toBe(
      400,
    );
    expect((await api(runtime, 'PUT', `${rows}/ghosts/rows/g`, { body: { a: 1 } })).status).toBe(404);
    expect((await api(runtime, 'DELETE', `${rows}/posts/rows/p1`)).status).toBe(200);
    await waitFor(() => !reader.store.hasRow('posts', 'p1'), 'the server delete');
    expect((await api(runtime, 'DELETE', `${rows}/posts/rows/p1`)).status).toBe(404);
  });

  test('content a client brings from offline to a read-only datastore is reverted on reconnect', async () => {
    await api(runtime, 'PUT', `${rows}/posts/rows/kept`, { body: { title: 'Server truth' } });
    const store = createMergeableStore();
    const first = await connect('news/main', await tokenFor('offline'), store);
    await waitFor(() => store.hasRow('posts', 'kept'), 'the first sync');
    await first.close();
    store.setCell('posts', 'kept', 'title', 'Offline edit');
    store.setRow('posts', 'offline', { title: 'Made offline' });
    const again = await connect('news/main', await tokenFor('offline'), store);
    await waitFor(
      () => store.getCell('posts', 'kept', 'title') === 'Server truth' && !store.hasRow('posts', 'offline'),
      'the offline edits to revert',
    );
    await waitFor(() => again.notices.length >= 2, 'the notices');
    expect(again.notices.map((notice) => notice.rule)).toEqual(['readOnly', 'readOnly']);
    const snapshot = await api<[Record<string, Record<string, unknown>>]>(
      runtime,
      'GET',
      '/api/apps/inst/datastores/news/instances/main/snapshot',
    );
    expect(snapshot.body[0].posts?.offline).toBeUndefined();
    expect(snapshot.body[0].posts?.kept).toEqual({ title: 'Server truth', likes: 0 });
  });

  test('server-only tables stay on the server; snapshot restore and stats', async () => {
    const reader = await connect('news/main', await tokenFor('auditor'));
    expect((await api(runtime, 'PUT', `${rows}/audit/rows/a1`, { body: { note: 'secret' } })).status).toBe(
      200,
    );
    await settle(200);
    expect(reader.store.hasTable('audit')).toBe(false);
    const base = '/api/apps/inst/datastores/news/instances/main';
    const snapshot = await api<[Record<string, unknown>, unknown]>(runtime, 'GET', `${base}/snapshot`);
    expect(snapshot.body[0].audit).toEqual({ a1: { note: 'secret' } });

    const invalid = await api<{ errors: { path: string }[] }>(runtime, 'PUT', `${base}/snapshot`, {
      body: [{ posts: { x: { title: 5 } }, nope: {} }, {}],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error) => error.path).sort()).toEqual(['/0/nope', '/0/posts/x/title']);

    const restored = await api(runtime, 'PUT', `${base}/snapshot`, {
      body: [{ posts: { r1: { title: 'Restored' } }, audit: { a2: { note: 'kept apart' } } }, {}],
    });
    expect(restored.status).toBe(200);
    await waitFor(
      () =>
        reader.store.getCell('posts', 'r1', 'title') === 'Restored' && !reader.store.hasRow('posts', 'kept'),
      'the restore to reach the client',
    );
    expect(reader.store.hasTable('audit')).toBe(false);
    const stats = await api<{ rows: Record<string, number>; bytes: number; connections: number }>(
      runtime,
      'GET',
      `${base}/stats`,
    );
    expect(stats.body.rows).toEqual({ posts: 1, audit: 1 });
    expect(stats.body.bytes).toBeGreaterThan(0);
    expect(stats.body.connections).toBeGreaterThanOrEqual(1);
    expect(reader.store.getMergeableContentHashes()).toEqual(
      (await connect('news/main', await tokenFor('late'))).store.getMergeableContentHashes(),
    );
  });

  test('large content reaches plain clients in fragments', async () => {
    const rows = '/api/apps/inst/datastores/news/instances/main/tables/posts/rows';
    const watcher = await connect('news/main', await tokenFor('watcher'));
    const big = (letter: string) => letter.repeat(400_000);
    for (const letter of ['a', 'b', 'c']) {
      expect(
        (await api(runtime, 'PUT', `${rows}/big-${letter}`, { body: { title: big(letter) } })).status,
      ).toBe(200);
    }
    await waitFor(
      () => watcher.store.getCell('posts', 'big-c', 'title') === big('c'),
      'the relayed big rows',
    );
    const late = await connect('news/main', await tokenFor('late-reader'));
    await waitFor(
      () =>
        ['a', 'b', 'c'].every(
          (letter) => late.store.getCell('posts', `big-${letter}`, 'title') === big(letter),
        ),
      'a fresh client to receive 1.2 MB',
    );
    expect(late.socket.readyState).toBe(late.socket.OPEN);
  });
});
