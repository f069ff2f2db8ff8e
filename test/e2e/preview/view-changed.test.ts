// connect() and who can see rows: a deploy that hides a table closes the socket with 4005, and the client
// reconnects at once with a fresh copy that no longer holds the table, keeping an edit that had not arrived.
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
