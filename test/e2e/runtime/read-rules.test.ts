// Who can see rows on the runtime: a deploy whose read rules the sync hub cannot keep to is refused, never leaked.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AppConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';

const config = (read: string | undefined): AppConfig => ({
  format: 1,
  datastores: {
    sales: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        deals: {
          fields: { title: { type: 'string' }, owner: { type: 'string', auto: 'creator' } },
          rules: { create: 'true', ...(read === undefined ? {} : { read }) },
        },
      },
    },
  },
});

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

test('a config with a read rule is refused at deploy with its place and plain words, and nothing is deployed', async () => {
  const refused = await api(runtime, 'PUT', '/api/apps/readapp/config', {
    body: config('row.owner == user.id'),
  });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({
    errors: [
      {
        path: '/datastores/sales/tables/deals/rules/read',
        code: 'read_not_enforced',
        message: expect.stringContaining('Remove the read rule'),
      },
    ],
  });
  expect((await api(runtime, 'GET', '/api/apps/readapp/config')).status).toBe(404);
  expect((await api(runtime, 'PUT', '/api/apps/readapp/config', { body: config(undefined) })).status).toBe(
    200,
  );
});

test('a read rule that names a field that can change is refused saying which fields it may use', async () => {
  const refused = await api(runtime, 'PUT', '/api/apps/readapp/config', { body: config("row.title == ''") });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({
    errors: [
      {
        path: '/datastores/sales/tables/deals/rules/read',
        code: 'rule_read_changing',
        message: expect.stringContaining('may only use fields that never change: Created by, Created at'),
      },
    ],
  });
});
