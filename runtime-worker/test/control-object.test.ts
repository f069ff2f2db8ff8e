// The control object inside workerd: idle clean-up by alarm, and unknown ids refused before any object exists.
import { env, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { expect, test } from 'vitest';

const admin = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };
const config = {
  format: 1,
  datastores: {
    games: {
      instances: 'multi',
      sync: 'twoWay',
      deleteIdleAfterDays: 2,
      tables: { moves: { fields: { by: { type: 'string' } }, rules: { create: 'true' } } },
    },
  },
};
const base = 'http://runtime.test/api/apps/idle/datastores/games/instances';

test('instances idle longer than deleteIdleAfterDays are deleted by the alarm', async () => {
  const deployed = await SELF.fetch('http://runtime.test/api/apps/idle/config', {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(config),
  });
  expect(deployed.status).toBe(200);
  const create = () =>
    SELF.fetch(base, { method: 'POST', headers: admin, body: JSON.stringify({ owner: 'ann' }) });
  const stale = ((await (await create()).json()) as { id: string }).id;
  const fresh = ((await (await create()).json()) as { id: string }).id;
  await SELF.fetch(`${base}/${stale}/tables/moves/rows/m1`, {
    method: 'PUT',
    headers: admin,
    body: '{"by":"ann"}',
  });

  const control = env.CONTROL.get(env.CONTROL.idFromName('idle'));
  await runInDurableObject(control, (_object, state) => {
    // Three days ago, by the object's own clock: the alarm must judge idleness, not the test.
    state.storage.sql.exec(
      'UPDATE instances SET last_opened_at = ? WHERE id = ?',
      Date.now() - 3 * 86_400_000,
      stale,
    );
  });
  expect(await runDurableObjectAlarm(control)).toBe(true);

  const listed = (await (await SELF.fetch(base, { headers: admin })).json()) as {
    instances: { id: string }[];
  };
  expect(listed.instances.map((instance) => instance.id)).toEqual([fresh]);
  const snapshot = await SELF.fetch(`${base}/${stale}/snapshot`, { headers: admin });
  expect(snapshot.status).toBe(404);
  // The wiped object reopens empty stores: its old rows are gone from its SQLite.
  const rows = await runInDurableObject(
    env.INSTANCE.get(env.INSTANCE.idFromString(stale)),
    (_object, state) =>
      state.storage.sql.exec("SELECT COUNT(*) AS n FROM synced_cells WHERE row_id = 'm1'").one(),
  );
  expect(rows.n).toBe(0);
});

test('a multi id that was never created reaches no instance object', async () => {
  await SELF.fetch('http://runtime.test/api/apps/ids/config', {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(config),
  });
  const before = (await listDurableObjectIds(env.INSTANCE)).length;
  const token = await (
    await SELF.fetch('http://runtime.test/api/dev/token', { method: 'POST', body: '{"sub":"ann"}' })
  ).json<{ token: string }>();
  const unknown = env.INSTANCE.newUniqueId().toString();
  const response = await SELF.fetch(`http://runtime.test/sync/ids/games/${unknown}?token=${token.token}`, {
    headers: { upgrade: 'websocket' },
  });
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ code: 'unknown_instance' });
  expect((await listDurableObjectIds(env.INSTANCE)).length).toBe(before);
});
