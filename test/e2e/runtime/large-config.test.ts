// A config of nearly 1 MiB deploys, and clients sync with it: no part of it travels in a request header.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AppConfig, FieldConfig, TableConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, userToken, waitFor, type SyncClient } from '../../support/sync-client.ts';

const CONFIG_LIMIT = 1024 * 1024;

/** A board datastore with as many wide tables as fit in just under the config limit. */
const largeConfig = (): AppConfig => {
  const fields: Record<string, FieldConfig> = {};
  for (let index = 0; index < 40; index++) {
    fields[`field_number_${index}`] = { type: 'string', maxLength: 500 };
  }
  const table = (id: number): TableConfig => ({
    fields: { ...fields, author: { type: 'string', required: true } },
    rules: {
      create: `newRow.author == user.id && size(newRow.author) < ${100 + id}`,
      update: 'row.author == user.id',
    },
  });
  const tables: Record<string, TableConfig> = {};
  const config: AppConfig = {
    format: 1,
    datastores: { board: { instances: 'single', sync: 'twoWay', tables } },
  };
  for (let id = 0; ; id++) {
    tables[`table_${id}`] = table(id);
    if (new TextEncoder().encode(JSON.stringify(config)).length > CONFIG_LIMIT - 2048) {
      delete tables[`table_${id}`];
      return config;
    }
  }
};

let runtime: Runtime;
const clients: SyncClient[] = [];
const config = largeConfig();
const bytes = new TextEncoder().encode(JSON.stringify(config)).length;

beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

test('a config of nearly 1 MiB deploys, and two clients sync under its rules', async () => {
  expect(bytes).toBeGreaterThan(0.99 * CONFIG_LIMIT);
  expect(bytes).toBeLessThanOrEqual(CONFIG_LIMIT);
  const deployed = await api(runtime, 'PUT', '/api/apps/large/config', { body: config });
  expect(deployed.status).toBe(200);

  const alice = await connectClient(runtime, 'large/board/main', await userToken(runtime, { sub: 'alice' }));
  const bob = await connectClient(runtime, 'large/board/main', await userToken(runtime, { sub: 'bob' }));
  clients.push(alice, bob);
  const last = `table_${Object.keys(config.datastores.board!.tables).length - 1}`;
  alice.store.setRow(last, 'r1', { author: 'alice', field_number_39: 'hello' });
  await waitFor(() => bob.store.getCell(last, 'r1', 'field_number_39') === 'hello', 'bob to see the row');

  // The rules of the large config are the ones enforced: bob may not change alice's row.
  bob.store.setCell(last, 'r1', 'field_number_39', 'mine');
  await waitFor(() => bob.notices.length > 0, 'a rejection notice');
  expect(bob.notices[0]).toMatchObject({ table: last, row: 'r1', rule: 'update' });
  await waitFor(() => bob.store.getCell(last, 'r1', 'field_number_39') === 'hello', 'bob to converge back');

  // A new deploy of the same size reaches the open sockets: the first table's rule now lets nobody create.
  const next = structuredClone(config);
  next.datastores.board!.tables.table_0!.rules = { create: 'false' };
  expect((await api(runtime, 'PUT', '/api/apps/large/config', { body: next })).status).toBe(200);
  alice.store.setRow('table_0', 'r2', { author: 'alice' });
  await waitFor(() => alice.notices.some((notice) => notice.row === 'r2'), 'the new rule to refuse r2');
  expect(bob.store.hasRow('table_0', 'r2')).toBe(false);
});
