// connect() and who can see rows: a deploy that hides a table (or shows others' rows) closes the socket with 4005,
// and the client reconnects at once with a fresh copy of what it may now see, keeping an edit that had not arrived.
import type { AppConfig } from '@datastore-designer/schema';
import type { Connection, ConnectOptions, Rejection } from '@datastore-designer/preview';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api, connectClient, deploy, eventually, mintToken } from './preview-fixture.ts';

const office = (salariesRead: string | undefined): AppConfig => ({
  format: 1,
  datastores: {
    office: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } },
        salaries: {
          fields: { amount: { type: 'number' } },
          rules: { create: 'true', ...(salariesRead === undefined ? {} : { read: salariesRead }) },
        },
      },
    },
  },
});

/** A real socket whose sends can be lost on the way, as on a network that drops them before a close. */
class LossySocket extends WebSocket {
  static losing = false;
  override send(data: Parameters<WebSocket['send']>[0]): void {
    if (!LossySocket.losing) super.send(data);
  }
}

let runtime: Runtime;
const open: Connection[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
});

afterAll(async () => {
  await Promise.all(open.map((connection) => connection.destroy()));
  await runtime?.stop();
});

test('a deploy that hides a table reconnects at once with a fresh copy and keeps the edit that had not arrived', async () => {
  const app = `view-changed-${process.pid}`;
  await deploy(runtime, app, office(undefined));
  const rows = `/api/apps/${app}/datastores/office/instances/main/tables`;
  await api(runtime, 'PUT', `${rows}/salaries/rows/s1`, { amount: 5000 });
  await api(runtime, 'PUT', `${rows}/notes/rows/n1`, { text: 'hello' });

  const ann = await connectClient(runtime, {
    app,
    datastore: 'office',
    instance: 'main',
    config: office(undefined),
    token: await mintToken(runtime, app, 'ann'),
    WebSocket: LossySocket as unknown as ConnectOptions['WebSocket'],
  });
  open.push(ann);
  const viewChanges: string[] = [];
  ann.addViewChangeListener(() => viewChanges.push(ann.status.status));
  const rejections: Rejection[] = [];
  ann.addRejectionListener((rejection) => rejections.push(rejection));
  await ann.whenStatus('online');
  await eventually(() => expect(ann.untypedStore.getCell('salaries', 's1', 'amount')).toBe(5000));

  // Ann's edit is lost on the way: it is in her store only when the deploy closes her socket.
  LossySocket.losing = true;
  ann.untypedStore.setCell('notes', 'n1', 'text', 'edited by ann');
  const closed = ann.whenStatus('offline');
  await deploy(runtime, app, office("'manager' in user.roles"));
  expect((await closed).closeCode).toBe(4005);
  LossySocket.losing = false;

  await ann.whenStatus('online');
  expect(viewChanges).toHaveLength(1);
  expect(ann.untypedStore.hasTable('salaries')).toBe(false);
  expect(ann.untypedStore.getMergeableContent()[0][0]).not.toHaveProperty('salaries');
  expect(ann.untypedStore.getCell('notes', 'n1', 'text')).toBe('edited by ann');
  await eventually(async () => {
    const stored = await api(runtime, 'GET', `${rows}/notes/rows`);
    expect(stored).toEqual({ n1: { text: 'edited by ann' } });
  });
  expect(rejections).toEqual([]);
});

const sales = (read: string): AppConfig => ({
  format: 1,
  datastores: {
    sales: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        deals: {
          fields: { title: { type: 'string' }, owner: { type: 'string', auto: 'creator' } },
          rules: { create: 'true', update: 'row.owner == user.id', read },
        },
      },
    },
  },
});

test('row by row: a deploy that shows others’ rows reconnects with them, and the edit that had not arrived', async () => {
  const app = `view-rows-${process.pid}`;
  await deploy(runtime, app, sales('row.owner == user.id'));
  const person = async (sub: string, roles: string[] = [], lossy = false) => {
    const connection = await connectClient(runtime, {
      app,
      datastore: 'sales',
      instance: 'main',
      config: sales('row.owner == user.id'),
      token: await mintToken(runtime, app, sub, { roles }),
      ...(lossy ? { WebSocket: LossySocket as unknown as ConnectOptions['WebSocket'] } : {}),
    });
    open.push(connection);
    await connection.whenStatus('online');
    return connection;
  };
  const bob = await person('bob');
  bob.untypedStore.setRow('deals', 'deal-bob', { title: 'Bob deal' });
  const ann = await person('ann', ['lead'], true);
  ann.untypedStore.setRow('deals', 'deal-ann', { title: 'Ann deal' });
  await eventually(async () => {
    const stored = await api(
      runtime,
      'GET',
      `/api/apps/${app}/datastores/sales/instances/main/tables/deals/rows`,
    );
    expect(Object.keys(stored).sort()).toEqual(['deal-ann', 'deal-bob']);
  });
  expect(ann.untypedStore.hasRow('deals', 'deal-bob')).toBe(false);

  // Ann's edit of her own deal is lost on the way; then leads may see every row: her socket alone is closed.
  LossySocket.losing = true;
  ann.untypedStore.setCell('deals', 'deal-ann', 'title', 'Ann deal, signed');
  const closed = ann.whenStatus('offline');
  let bobClosed = false;
  bob.addViewChangeListener(() => (bobClosed = true));
  await deploy(runtime, app, sales("row.owner == user.id || 'lead' in user.roles"));
  expect((await closed).closeCode).toBe(4005);
  LossySocket.losing = false;
  await ann.whenStatus('online');
  await eventually(() =>
    expect(ann.untypedStore.getRow('deals', 'deal-bob')).toEqual({ title: 'Bob deal', owner: 'bob' }),
  );
  expect(ann.untypedStore.getCell('deals', 'deal-ann', 'title')).toBe('Ann deal, signed');
  await eventually(async () => {
    const stored = await api(
      runtime,
      'GET',
      `/api/apps/${app}/datastores/sales/instances/main/tables/deals/rows`,
    );
    expect(stored['deal-ann']).toEqual({ title: 'Ann deal, signed', owner: 'ann' });
  });
  expect(bobClosed).toBe(false);
  expect(bob.untypedStore.hasRow('deals', 'deal-ann')).toBe(false);
});
