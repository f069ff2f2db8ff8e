// Settings on a runtime that is not in development mode: no dev tokens, odd sync URLs explained.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';

let runtime: Runtime;
beforeAll(async () => {
  // Anything but the exact string "true" is not development mode.
  runtime = await startRuntime({ vars: { DEV_MODE: 'TRUE' } });
});
afterAll(async () => {
  await runtime?.stop();
});

test('POST /api/dev/token is 404 unless DEV_MODE is "true"; admin-minted tokens still work', async () => {
  const dev = await api<{ error: string }>(runtime, 'POST', '/api/dev/token', {
    body: { sub: 'alice' },
    token: null,
  });
  expect(dev.status).toBe(404);
  expect(dev.body.error.length).toBeGreaterThan(0);
  expect(dev.body).not.toHaveProperty('token');
  const config = { format: 1, datastores: { board: { instances: 'single', sync: 'twoWay', tables: {} } } };
  expect((await api(runtime, 'PUT', '/api/apps/any/config', { body: config })).status).toBe(200);
  const minted = await api<{ token: string }>(runtime, 'POST', '/api/apps/any/tokens', {
    body: { sub: 'a' },
  });
  expect(minted.status).toBe(200);
  expect(minted.body.token.split('.')).toHaveLength(3);
});

test('sync URLs that name no instance are 404 with a JSON reason', async () => {
  for (const path of ['/sync/app/board', '/sync/app', '/sync/app/board/main/extra']) {
    const response = await fetch(`${runtime.url}${path}`);
    expect(response.status, path).toBe(404);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.error.length).toBeGreaterThan(0);
    expect(body.code).toBe('unknown_route');
  }
});
