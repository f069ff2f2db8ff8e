// 10,000 refused creates grow an instance's storage by a bounded amount, and the sender converges back.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attackConfig, waitForConvergence } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, userToken, waitFor } from '../../support/sync-client.ts';

/** What 10,000 refused creates may add to the instance's storage at most (the README states it). */
const MAX_GROWTH_BYTES = 64 * 1024;

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', '/api/apps/refused/config', { body: attackConfig })).status).toBe(200);
});
afterAll(async () => {
  await runtime?.stop();
});

const stats = async () =>
  (
    await api<{ bytes: number; rows: Record<string, number> }>(
      runtime,
      'GET',
      '/api/apps/refused/datastores/board/instances/main/stats',
    )
  ).body;

test('10,000 refused creates: bounded storage, no row stored, the sender back to the server state', async () => {
  const alice = await connectClient(
    runtime,
    'refused/board/main',
    await userToken(runtime, { sub: 'alice' }),
  );
  alice.store.setRow('notes', 'keep', { text: 'real', author: 'alice' });
  const mallory = await connectClient(
    runtime,
    'refused/board/main',
    await userToken(runtime, { sub: 'mallory' }),
  );
  await waitFor(() => mallory.store.hasRow('notes', 'keep'), 'mallory to sync');
  const before = await stats();
  for (let batch = 0; batch < 100; batch++) {
    // A hundred forged rows per message keeps the rate limit out of the way: the refusals are what is measured.
    mallory.store.transaction(() => {
      for (let i = 0; i < 100; i++) {
        mallory.store.setRow('notes', `forged-${batch}-${i}`, { text: 'x'.repeat(100), author: 'alice' });
      }
    });
    await waitFor(() => mallory.store.getRowCount('notes') === 1, `batch ${batch} to be undone`, 15_000);
  }
  const after = await stats();
  expect(after.rows.notes).toBe(1);
  const growth = after.bytes - before.bytes;
  console.log(
    `10,000 refused creates grew the instance by ${growth} bytes (${before.bytes} → ${after.bytes})`,
  );
  expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
  await waitForConvergence(runtime, 'refused', 'board', 'main', [alice, mallory]);
  expect(mallory.notices.length).toBeGreaterThanOrEqual(100);
  await Promise.all([alice.close(), mallory.close()]);
}, 180_000);
