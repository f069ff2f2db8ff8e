// The long versions of the attack suite (`npm run test:soak`): 20,000 hostile frames, 50 instances × 20 clients
// writing for 60 s, ten forbidding deploys under load, and five SIGKILLs of wrangler dev.
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  attackConfig,
  deploysUnderLoad,
  frameAttack,
  loadRun,
  waitForConvergence,
} from '../support/attack.ts';
import { startRuntime, type Runtime } from '../support/runtime.ts';
import { api } from '../support/runtime-api.ts';

let runtime: Runtime;

// A runtime per test: under wrangler dev every object shares one workerd process, so what one test leaves behind
// (the frame attack stores its attackers' own rows, some with 100 KB ids) would slow the next one down.
beforeEach(async () => {
  runtime = await startRuntime();
  for (const app of ['frames', 'load', 'deploys']) {
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: attackConfig })).status).toBe(200);
  }
});
afterEach(async () => {
  await runtime?.stop();
});

test('20,000 hostile frames from 8 sockets while two good clients sync', async () => {
  const { report, good } = await frameAttack(runtime, 'frames', {
    frames: 20_000,
    sockets: 8,
    seed: 20261201,
  });
  console.log(
    `frames: ${report.sent} sent, ${report.pullsAnswered} pulls answered, closes ${JSON.stringify(report.closeCodes)}`,
  );
  expect(report.sent).toBeGreaterThanOrEqual(20_000);
  const snapshot = await waitForConvergence(runtime, 'frames', 'board', 'main', good, 60_000);
  for (const [row, cells] of Object.entries(snapshot.notes ?? {})) {
    if (cells.author === 'alice' || cells.author === 'bob')
      expect(row.startsWith(`${cells.author}-`)).toBe(true);
    else expect(String(cells.author)).toMatch(/^mallory-\d+$/);
  }
  // A fresh connection: a kept-alive one the runtime closed after the long polling above fails before it is sent.
  const health = await fetch(`${runtime.url}/api/health`, { headers: { connection: 'close' } });
  expect(health.status).toBe(200);
  await Promise.all(good.map((client) => client.close()));
}, 900_000);

test('50 instances × 20 clients writing for 60 s', async () => {
  const started = Date.now();
  const report = await loadRun(runtime, 'load', {
    instances: 50,
    clientsPerInstance: 20,
    seconds: 60,
    writeEveryMs: Number(process.env.SOAK_WRITE_EVERY_MS ?? 5000),
    // Generous: on a shared 2-core machine the 50 instances share one workerd process and drain a backlog.
    convergeWithinMs: 300_000,
  });
  console.log(
    `load: ${report.writes} writes by ${report.clients} clients in ${report.instances} instances, ${Math.round((Date.now() - started) / 1000)} s in all`,
  );
  expect(report.clients).toBe(1000);
}, 1_800_000);

test('10 forbidding deploys and rollbacks while 20 clients create rows', async () => {
  const report = await deploysUnderLoad(runtime, 'deploys', {
    clients: 20,
    rounds: 10,
    writeEveryMs: 200,
    convergeWithinMs: 300_000,
  });
  // 20 clients at 5 creates a second while the rounds last; they end as soon as each rollback is live, so a quick
  // run sends about 900 (twice the rate queues more than one instance takes in on a shared 2-core machine).
  expect(report.creates).toBeGreaterThan(500);
}, 900_000);
