// Load and deploys under load, short (the soak runs 50 instances × 20 clients for 60 s): no accepted write lost,
// no row in the wrong instance, every client equal to its instance's snapshot; a deploy that forbids creates
// stops them from the moment it is answered.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attackConfig, deploysUnderLoad, loadRun } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime();
  for (const app of ['load', 'deploys']) {
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: attackConfig })).status).toBe(200);
  }
});
afterAll(async () => {
  await runtime?.stop();
});

test('5 instances × 4 clients writing for 5 s', async () => {
  const report = await loadRun(runtime, 'load', { instances: 5, clientsPerInstance: 4, seconds: 5 });
  expect(report.clients).toBe(20);
  expect(report.writes).toBeGreaterThan(500);
}, 180_000);

test('3 deploys that forbid creates, each rolled back, while 4 clients create rows', async () => {
  const report = await deploysUnderLoad(runtime, 'deploys', { clients: 4, rounds: 3 });
  expect(report.creates).toBeGreaterThan(100);
}, 180_000);
