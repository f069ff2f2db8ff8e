// The config's journey inside workerd: instances hold their facts and catch up by RPC, connects carry only a
// reference, the app's id is kept for alarms, and the app directory carries over the list kept the old way.
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { expect, test } from 'vitest';
import { DIRECTORY_NAME } from '../src/app-directory.ts';
import type { ControlObject } from '../src/control-object.ts';
import { CONNECT_HEADER, type InstanceFacts } from '../src/instance-facts.ts';
import type { InstanceObject } from '../src/instance-object.ts';

const admin = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };
const config = (rule: string) => ({
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      connect: 'true',
      tables: { notes: { fields: { text: { type: 'string' } }, rules: { create: rule } } },
    },
  },
});
const deploy = async (app: string, body: unknown) =>
  SELF.fetch(`http://runtime.test/api/apps/${app}/config`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(body),
  });

test('the app directory carries over the list an earlier runtime kept in a control object, once', async () => {
  const legacy = env.CONTROL.get(env.CONTROL.idFromName('#directory'));
  await runInDurableObject<ControlObject, void>(legacy, (_object, state) => {
    state.storage.sql.exec('CREATE TABLE apps (app TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    state.storage.sql.exec("INSERT INTO apps (app, version) VALUES ('old-app', 4)");
  });
  const directory = env.DIRECTORY.get(env.DIRECTORY.idFromName(DIRECTORY_NAME));
  expect(await directory.list()).toContainEqual({ app: 'old-app', version: 4 });
  await directory.set('old-app', null);
  expect(await directory.list()).not.toContainEqual({ app: 'old-app', version: 4 });
  const listed = await SELF.fetch('http://runtime.test/api/apps', { headers: admin });
  expect(((await listed.json()) as { apps: { app: string }[] }).apps.map((entry) => entry.app)).not.toContain(
    'old-app',
  );
});

test('a socket connect carries a small reference, and an instance without facts asks the control object', async () => {
  expect((await deploy('journey', config('true'))).status).toBe(200);
  const control = env.CONTROL.get(env.CONTROL.idFromName('journey'));
  const resolved = await control.resolveInstance('board', 'main', { admin: false }, 'connect');
  if (!('ref' in resolved)) throw new Error('not resolved');
  const header = JSON.stringify({ ref: resolved.ref, user: { id: '', roles: [], tenant: '' }, expiresAt: 0 });
  expect(header.length).toBeLessThan(512);
  expect(header).not.toContain('notes');

  // Forget the facts the deploy pushed, as if that push had been missed: the next call fetches them by RPC.
  const instance = env.INSTANCE.get(env.INSTANCE.idFromString(resolved.objectId));
  await runInDurableObject<InstanceObject, void>(instance, async (_object, state) => {
    await state.storage.delete('facts');
  });
  const fresh = env.INSTANCE.get(env.INSTANCE.idFromString(resolved.objectId));
  // DataAnswer's body is `unknown`, which the RPC stub's types cannot express.
  const answer: { status: number } = await fresh.putRow(resolved.ref, 'notes', 'n1', { text: 'hi' });
  expect(answer.status).toBe(200);
  const upgrade = await fresh.fetch(
    new Request('http://runtime.test/sync/journey/board/main', {
      headers: { upgrade: 'websocket', [CONNECT_HEADER]: header },
    }),
  );
  expect(upgrade.status).toBe(101);
  upgrade.webSocket?.accept();
  upgrade.webSocket?.close(1000);
  const stored = await runInDurableObject<InstanceObject, InstanceFacts | undefined>(
    fresh,
    (_object, state) => state.storage.get<InstanceFacts>('facts'),
  );
  expect(stored).toMatchObject({ app: 'journey', datastore: 'board', instanceId: 'main', version: 1 });
});

test('an instance that was deleted answers 404 to a reference it cannot catch up with', async () => {
  expect((await deploy('gone-later', config('true'))).status).toBe(200);
  const control = env.CONTROL.get(env.CONTROL.idFromName('gone-later'));
  const resolved = await control.resolveInstance('board', 'main', { admin: true }, 'data');
  if (!('ref' in resolved)) throw new Error('not resolved');
  await SELF.fetch('http://runtime.test/api/apps/gone-later', { method: 'DELETE', headers: admin });
  const instance = env.INSTANCE.get(env.INSTANCE.idFromString(resolved.objectId));
  const stats: { status: number } = await instance.getStats(resolved.ref);
  expect(stats.status).toBe(404);
});

test('the control object keeps its app id stored for when it has no name (alarms after a restart)', async () => {
  expect((await deploy('named', config('true'))).status).toBe(200);
  const stored = await runInDurableObject<ControlObject, string | undefined>(
    env.CONTROL.get(env.CONTROL.idFromName('named')),
    (_object, state) =>
      state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'app'").toArray()[0]
        ?.value,
  );
  expect(stored).toBe('named');
});
