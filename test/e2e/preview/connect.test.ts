// The client library against a real wrangler dev runtime: sync, rejections, refusals, offline work and user changes.
import {
  READ_ONLY_REASON,
  type Connection,
  type Rejection,
  type StatusDetail,
} from '@datastore-designer/preview';
import { createFilePersister } from 'tinybase/persisters/persister-file';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api, connectClient, deploy, eventually, mintToken, pause } from './preview-fixture.ts';

let runtime: Runtime;
let appCount = 0;
const open: Connection[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
});

afterAll(async () => {
  await runtime?.stop();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.destroy()));
});

/** A fresh app with the test config deployed, so tests never see each other's data. */
const freshApp = async () => {
  const app = `preview-lib-${process.pid}-${++appCount}`;
  await deploy(runtime, app);
  return app;
};

const client = async (...args: Parameters<typeof connectClient>) => {
  const connection = await connectClient(...args);
  open.push(connection);
  return connection;
};

/** A client of the board datastore's one instance, signed in as `user` with a token minted for the app. */
const boardClient = async (app: string, user: string) =>
  client(runtime, { app, datastore: 'board', instance: 'main', token: await mintToken(runtime, app, user) });

const statusLog = (connection: Connection): StatusDetail[] => {
  const log: StatusDetail[] = [];
  connection.addStatusListener((status) => log.push(status));
  return log;
};

describe('connect()', () => {
  test('two clients see each other’s allowed edits', async () => {
    const app = await freshApp();
    const alice = await boardClient(app, 'alice');
    const bob = await boardClient(app, 'bob');
    await alice.whenStatus('online');
    await bob.whenStatus('online');
    alice.untypedStore.setRow('notes', 'n1', { text: 'from alice', author: 'alice' });
    bob.untypedStore.setRow('notes', 'n2', { text: 'from bob', author: 'bob' });
    await eventually(() => {
      expect(bob.untypedStore.getRow('notes', 'n1')).toEqual({ text: 'from alice', author: 'alice' });
      expect(alice.untypedStore.getRow('notes', 'n2')).toEqual({ text: 'from bob', author: 'bob' });
    });
  });

  test('a forbidden write is reverted and reported as a rejection event with its rule', async () => {
    const app = await freshApp();
    const alice = await boardClient(app, 'alice');
    const bob = await boardClient(app, 'bob');
    await alice.whenStatus('online');
    await bob.whenStatus('online');
    alice.untypedStore.setRow('notes', 'n1', { text: 'mine', author: 'alice' });
    await eventually(() => expect(bob.untypedStore.getCell('notes', 'n1', 'text')).toBe('mine'));

    const rejections: Rejection[] = [];
    bob.addRejectionListener((rejection) => rejections.push(rejection));
    bob.untypedStore.setCell('notes', 'n1', 'text', 'hijacked by bob');
    await eventually(() => {
      expect(rejections).toHaveLength(1);
      expect(bob.untypedStore.getCell('notes', 'n1', 'text')).toBe('mine');
    });
    expect(rejections[0]).toMatchObject({
      table: 'notes',
      row: 'n1',
      operation: 'update',
      rule: 'update',
      expression: 'row.author == user.id',
      local: false,
    });
    expect(rejections[0]?.cells).toContain('text');
    expect(rejections[0]?.reason).not.toBe('');
    await pause(300);
    expect(alice.untypedStore.getCell('notes', 'n1', 'text')).toBe('mine');
    expect(bob.status.status).toBe('online');
  });

  test('a refused connection reports refused with the runtime’s reason and does not retry', async () => {
    const app = await freshApp();
    const visitor = await client(runtime, {
      app,
      datastore: 'staff',
      instance: 'main',
      token: await mintToken(runtime, app, 'visitor'),
    });
    const log = statusLog(visitor);
    const refused = await visitor.whenStatus('refused');
    expect(refused.httpStatus).toBe(403);
    expect(refused.reason.length).toBeGreaterThan(5);
    await pause(1500);
    expect(log.filter((status) => status.status === 'connecting')).toHaveLength(0);

    const stranger = await client(runtime, {
      app,
      datastore: 'game',
      instance: 'never-created',
      token: await mintToken(runtime, app, 'stranger'),
    });
    expect((await stranger.whenStatus('refused')).httpStatus).toBe(404);

    const forger = await client(runtime, { app, datastore: 'board', instance: 'main', token: 'not.a.token' });
    const forged = await forger.whenStatus('refused');
    expect(forged.httpStatus).toBe(401);
    expect(forged.reason).not.toBe('');

    const admin = await client(runtime, {
      app,
      datastore: 'staff',
      instance: 'main',
      token: await mintToken(runtime, app, 'boss', { roles: ['admin'] }),
    });
    await admin.whenStatus('online');
  });

  test('access withdrawn (4003) and instance deleted (4004) are never retried', async () => {
    const app = await freshApp();
    const ownerToken = await mintToken(runtime, app, 'owner');
    const { id } = (await api(
      runtime,
      'POST',
      `/api/apps/${app}/datastores/game/instances`,
      {},
      ownerToken,
    )) as { id: string };
    await api(
      runtime,
      'POST',
      `/api/apps/${app}/datastores/game/instances/${id}/members`,
      { userId: 'guest' },
      ownerToken,
    );
    const owner = await client(runtime, { app, datastore: 'game', instance: id, token: ownerToken });
    const guest = await client(runtime, {
      app,
      datastore: 'game',
      instance: id,
      token: await mintToken(runtime, app, 'guest'),
    });
    await owner.whenStatus('online');
    await guest.whenStatus('online');
    const guestLog = statusLog(guest);
    const ownerLog = statusLog(owner);

    await api(
      runtime,
      'DELETE',
      `/api/apps/${app}/datastores/game/instances/${id}/members/guest`,
      undefined,
      ownerToken,
    );
    const withdrawn = await guest.whenStatus('refused');
    expect(withdrawn).toMatchObject({ closeCode: 4003, code: 'access_withdrawn' });
    expect(owner.status.status).toBe('online');

    await api(runtime, 'DELETE', `/api/apps/${app}/datastores/game/instances/${id}`, undefined, ownerToken);
    const deleted = await owner.whenStatus('refused');
    expect(deleted).toMatchObject({ closeCode: 4004, code: 'instance_deleted' });
    await pause(1500);
    expect(guestLog.filter((status) => status.status === 'connecting')).toHaveLength(0);
    expect(ownerLog.filter((status) => status.status === 'connecting')).toHaveLength(0);
  });

  test('edits made offline merge on reconnect', async () => {
    const app = await freshApp();
    const alice = await boardClient(app, 'alice');
    const bob = await boardClient(app, 'bob');
    await alice.whenStatus('online');
    await bob.whenStatus('online');
    bob.goOffline();
    expect(bob.status.status).toBe('offline');
    bob.untypedStore.setRow('notes', 'offline', { text: 'written on the train', author: 'bob' });
    alice.untypedStore.setRow('notes', 'online', { text: 'written at the office', author: 'alice' });
    await pause(500);
    expect(alice.untypedStore.hasRow('notes', 'offline')).toBe(false);
    expect(bob.untypedStore.hasRow('notes', 'online')).toBe(false);
    bob.goOnline();
    await bob.whenStatus('online');
    await eventually(() => {
      expect(alice.untypedStore.getCell('notes', 'offline', 'text')).toBe('written on the train');
      expect(bob.untypedStore.getCell('notes', 'online', 'text')).toBe('written at the office');
    });
  });

  test('offline edits saved by a persister survive a reload and sync afterwards', async () => {
    const app = await freshApp();
    const dir = await mkdtemp(join(tmpdir(), 'preview-persist-'));
    try {
      const persister = (store: Parameters<typeof createFilePersister>[0], name: string) =>
        createFilePersister(store, join(dir, `${encodeURIComponent(name)}.json`));
      const token = await mintToken(runtime, app, 'carol');
      const first = await connectClient(runtime, {
        app,
        datastore: 'board',
        instance: 'main',
        token,
        persister,
      });
      await first.whenStatus('online');
      first.goOffline();
      first.untypedStore.setRow('notes', 'kept', { text: 'survives a reload', author: 'carol' });
      await first.destroy();

      const watcher = await boardClient(app, 'dan');
      await watcher.whenStatus('online');
      expect(watcher.untypedStore.hasRow('notes', 'kept')).toBe(false);
      const reloaded = await client(runtime, { app, datastore: 'board', instance: 'main', token, persister });
      expect(reloaded.untypedStore.getCell('notes', 'kept', 'text')).toBe('survives a reload');
      await eventually(() =>
        expect(watcher.untypedStore.getCell('notes', 'kept', 'text')).toBe('survives a reload'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a serverToClient datastore refuses local writes at once and still receives the server’s data', async () => {
    const app = await freshApp();
    const reader = await client(runtime, {
      app,
      datastore: 'news',
      instance: 'main',
      token: await mintToken(runtime, app, 'reader'),
    });
    await reader.whenStatus('online');
    expect(reader.readOnly).toBe(true);
    const rejections: Rejection[] = [];
    reader.addRejectionListener((rejection) => rejections.push(rejection));
    reader.untypedStore.setRow('posts', 'p1', { title: 'written by an app' });
    expect(reader.untypedStore.hasRow('posts', 'p1')).toBe(false);
    expect(rejections).toEqual([
      expect.objectContaining({
        table: 'posts',
        row: 'p1',
        rule: 'readOnly',
        local: true,
        reason: READ_ONLY_REASON,
      }),
    ]);
    await api(runtime, 'PUT', `/api/apps/${app}/datastores/news/instances/main/tables/posts/rows/p2`, {
      title: 'from the server',
    });
    await eventually(() =>
      expect(reader.untypedStore.getCell('posts', 'p2', 'title')).toBe('from the server'),
    );
    reader.untypedStore.delRow('posts', 'p2');
    expect(reader.untypedStore.getCell('posts', 'p2', 'title')).toBe('from the server');
  });

  test('a token for another user drops the previous user’s data and reconnects as the new user', async () => {
    const app = await freshApp();
    const device = await client(runtime, {
      app,
      datastore: 'private',
      instance: 'me',
      token: await mintToken(runtime, app, 'erin'),
    });
    await device.whenStatus('online');
    device.untypedStore.setRow('notes', 'secret', { text: 'erin’s diary' });
    await pause(300);
    const removed: string[] = [];
    device.untypedStore.addRowListener('notes', null, (store, _table, rowId) => {
      if (!store.hasRow('notes', rowId)) removed.push(rowId);
    });
    const users: string[] = [];
    device.addUserChangeListener((userId, previous) => users.push(`${previous}->${userId}`));

    device.setToken(await mintToken(runtime, app, 'frank'));
    await device.whenStatus('online');
    expect(device.userId).toBe('frank');
    expect(users).toEqual(['erin->frank']);
    expect(removed).toEqual(['secret']);
    device.untypedStore.setRow('notes', 'own', { text: 'frank’s list' });
    await pause(500);
    expect(device.untypedStore.getTables()).toEqual({ notes: { own: { text: 'frank’s list' } } });

    // Erin's data stayed on the server, in her own instance.
    const erin = await client(runtime, {
      app,
      datastore: 'private',
      instance: 'me',
      token: await mintToken(runtime, app, 'erin'),
    });
    await erin.whenStatus('online');
    await eventually(() =>
      expect(erin.untypedStore.getTables()).toEqual({ notes: { secret: { text: 'erin’s diary' } } }),
    );
  });

  test('a refreshed token for the same user reconnects without losing unsynced edits', async () => {
    const app = await freshApp();
    let issued = 0;
    const tokenFor = async () => {
      issued++;
      return mintToken(runtime, app, 'gina');
    };
    const gina = await client(runtime, { app, datastore: 'board', instance: 'main', token: tokenFor });
    const watcher = await boardClient(app, 'hal');
    await gina.whenStatus('online');
    await watcher.whenStatus('online');
    gina.goOffline();
    gina.untypedStore.setRow('notes', 'draft', { text: 'not yet sent', author: 'gina' });
    const before = issued;
    gina.setToken(tokenFor);
    await gina.whenStatus('online');
    expect(issued).toBeGreaterThan(before);
    expect(gina.userId).toBe('gina');
    expect(gina.untypedStore.getCell('notes', 'draft', 'text')).toBe('not yet sent');
    await eventually(() =>
      expect(watcher.untypedStore.getCell('notes', 'draft', 'text')).toBe('not yet sent'),
    );
  });

  test('an expired token (4001) reconnects at once with a fresh token from the callback', async () => {
    const app = await freshApp();
    let issued = 0;
    const shortLived = async () => {
      issued++;
      return (
        await api(runtime, 'POST', `/api/apps/${app}/tokens`, {
          sub: 'ivy',
          ttlSeconds: issued === 1 ? 2 : 3600,
        })
      ).token as string;
    };
    const ivy = await client(runtime, { app, datastore: 'board', instance: 'main', token: shortLived });
    await ivy.whenStatus('online');
    const log = statusLog(ivy);
    await eventually(() => expect(log.some((status) => status.closeCode === 4001)).toBe(true), 8000);
    await ivy.whenStatus('online');
    expect(issued).toBe(2);
    ivy.untypedStore.setRow('notes', 'after', { text: 'still syncing', author: 'ivy' });
    const watcher = await boardClient(app, 'jo');
    await eventually(() =>
      expect(watcher.untypedStore.getCell('notes', 'after', 'text')).toBe('still syncing'),
    );
  });

  test('a hundred changes in a row each reach the other client', async () => {
    const app = await freshApp();
    const alice = await boardClient(app, 'alice');
    const bob = await boardClient(app, 'bob');
    await alice.whenStatus('online');
    await bob.whenStatus('online');
    for (let n = 0; n < 100; n++) {
      const arrived = new Promise<void>((done) => {
        const id = bob.untypedStore.addCellListener('notes', `m${n}`, 'text', () => {
          bob.untypedStore.delListener(id);
          done();
        });
      });
      alice.untypedStore.setRow('notes', `m${n}`, { text: `message ${n}`, author: 'alice' });
      await arrived;
      expect(bob.untypedStore.getCell('notes', `m${n}`, 'text')).toBe(`message ${n}`);
    }
    expect(bob.untypedStore.getRowIds('notes').filter((id) => id.startsWith('m'))).toHaveLength(100);
  });

  test('after the runtime restarts, clients reconnect by themselves and sync what was written meanwhile', async () => {
    const app = await freshApp();
    const alice = await client(runtime, {
      app,
      datastore: 'board',
      instance: 'main',
      token: () => mintToken(runtime, app, 'alice'),
    });
    const bob = await client(runtime, {
      app,
      datastore: 'board',
      instance: 'main',
      token: () => mintToken(runtime, app, 'bob'),
    });
    await alice.whenStatus('online');
    await bob.whenStatus('online');
    const log = statusLog(alice);
    const restarted = runtime.restart();
    await alice.whenStatus('offline', 15_000);
    alice.untypedStore.setRow('notes', 'during', {
      text: 'written while the runtime was down',
      author: 'alice',
    });
    await restarted;
    await alice.whenStatus('online', 30_000);
    await bob.whenStatus('online', 30_000);
    await eventually(
      () =>
        expect(bob.untypedStore.getCell('notes', 'during', 'text')).toBe(
          'written while the runtime was down',
        ),
      10_000,
    );
    expect(log.filter((status) => status.status === 'connecting').length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
