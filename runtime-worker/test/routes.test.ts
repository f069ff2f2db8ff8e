// The worker's routes inside workerd: admin auth, config deploys and the server data API.
import { env, SELF } from 'cloudflare:test';
import { createHttpApp } from '../src/http-app.ts';
import { expect, test } from 'vitest';

const admin = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };
const config = {
  format: 1,
  datastores: {
    news: {
      instances: 'single',
      sync: 'serverToClient',
      tables: {
        posts: {
          fields: { title: { type: 'string', required: true }, likes: { type: 'number', default: 0 } },
        },
      },
    },
  },
};

test('the server data API sets, reads and deletes rows', async () => {
  const deployed = await SELF.fetch('http://runtime.test/api/apps/news/config', {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(config),
  });
  expect(deployed.status).toBe(200);
  const rows = 'http://runtime.test/api/apps/news/datastores/news/instances/main/tables/posts/rows';
  const put = await SELF.fetch(`${rows}/p1`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ title: 'Hi' }),
  });
  expect(await put.json()).toEqual({ row: { title: 'Hi', likes: 0 } });
  const read = await SELF.fetch(rows, { headers: admin });
  expect(await read.json()).toEqual({ p1: { title: 'Hi', likes: 0 } });
  const deleted = await SELF.fetch(`${rows}/p1`, { method: 'DELETE', headers: admin });
  expect(deleted.status).toBe(200);
  const after = await SELF.fetch(rows, { headers: admin });
  expect(await after.json()).toEqual({});
});

test('dev tokens exist only when DEV_MODE is "true"', async () => {
  const app = createHttpApp();
  const ask = (devMode: string) =>
    app.request('/api/dev/token', { method: 'POST', body: '{"sub":"ann"}' }, { ...env, DEV_MODE: devMode });
  expect((await ask('false')).status).toBe(404);
  expect((await ask('')).status).toBe(404);
  const minted = await ask('true');
  expect(minted.status).toBe(200);
  expect(await minted.json()).toHaveProperty('token');
});

test('unknown API routes and bad JSON bodies get JSON errors', async () => {
  const missing = await SELF.fetch('http://runtime.test/api/nothing-here', { headers: admin });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toHaveProperty('error');
  const bad = await SELF.fetch('http://runtime.test/api/apps/x/config', {
    method: 'PUT',
    headers: admin,
    body: '{',
  });
  expect(bad.status).toBe(400);
});

test('a refusal reason on the sync URL is readable from an allowed origin', async () => {
  const response = await SELF.fetch('http://runtime.test/sync/nope/board/main', {
    headers: { origin: 'https://app.example' },
  });
  expect(response.status).toBe(404);
  expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
});

test('a single datastore has only the instance "main"', async () => {
  const other = await SELF.fetch('http://runtime.test/api/apps/news/datastores/news/instances/other/stats', {
    headers: admin,
  });
  expect(other.status).toBe(404);
  expect(await other.json()).toMatchObject({ code: 'unknown_instance' });
});
