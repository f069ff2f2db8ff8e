// Random and mutated frames from several sockets while two good clients keep syncing (3,000 here; the soak sends
// 20,000, and FRAMES=n sets another count).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attackConfig, frameAttack, waitForConvergence } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', '/api/apps/frames/config', { body: attackConfig })).status).toBe(200);
});
afterAll(async () => {
  await runtime?.stop();
});

test('hostile frames never reach the good clients, who end equal to the snapshot', async () => {
  const { report, good } = await frameAttack(runtime, 'frames', {
    frames: Number(process.env.FRAMES ?? 3_000),
    sockets: 6,
    seed: 9,
  });
  expect(report.sent).toBeGreaterThanOrEqual(Number(process.env.FRAMES ?? 3_000));
  // The hub pulled from the attackers, and so met wrong answers to its own requests too.
  expect(report.pullsAnswered).toBeGreaterThan(0);
  const snapshot = await waitForConvergence(runtime, 'frames', 'board', 'main', good);
  const rows = Object.entries(snapshot.notes ?? {});
  expect(rows.length).toBeGreaterThan(0);
  // Attackers may create rows of their own (the rules allow that); nothing else got in: no row in a good
  // client's name that it did not write, no cell that breaks the schema.
  for (const [row, cells] of rows) {
    const author = String(cells.author);
    if (author === 'alice' || author === 'bob') {
      expect(row.startsWith(`${author}-`), `${row}: ${JSON.stringify(cells)}`).toBe(true);
      expect(String(cells.text)).toMatch(/^v\d+$/);
    } else expect(author).toMatch(/^mallory-\d+$/);
    expect(typeof cells.text === 'string' && cells.text.length <= 200).toBe(true);
    // votes is optional (a good client's setRow without it deletes it), and never below its minimum.
    if ('votes' in cells) expect(typeof cells.votes === 'number' && cells.votes >= 0, row).toBe(true);
    expect(Object.keys(cells).every((field) => ['author', 'text', 'votes'].includes(field))).toBe(true);
  }
  for (const client of good) expect(client.store.getTableIds()).toEqual(['notes']);
  expect((await api(runtime, 'GET', '/api/health', { token: null })).status).toBe(200);
  await Promise.all(good.map((client) => client.close()));
}, 300_000);
