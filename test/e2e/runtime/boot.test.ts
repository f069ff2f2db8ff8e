// The runtime starts on its own, serves its placeholder page and the API, and restarts on the same port.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

test('serves the API and the static placeholder', async () => {
  const health = await fetch(`${runtime.url}/api/health`);
  expect(health.status).toBe(200);
  const page = await fetch(`${runtime.url}/some/spa/route`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
});

test('restarts on the same url', async () => {
  const before = runtime.url;
  await runtime.restart();
  expect(runtime.url).toBe(before);
  expect((await fetch(`${runtime.url}/api/health`)).status).toBe(200);
});
