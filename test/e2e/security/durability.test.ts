// Durability: clients write while wrangler dev is SIGKILLed (its whole process group) and restarted; every change
// another client had received is there after, and connect() clients resume on their own.
import type { Connection } from '@datastore-designer/preview';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attackConfig, connectBoard, snapshotTables } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { waitFor, waitForAsync } from '../../support/sync-client.ts';

let runtime: Runtime;
const open: Connection[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', '/api/apps/durable/config', { body: attackConfig })).status).toBe(200);
});
afterAll(async () => {
  await Promise.all(open.map((connection) => connection.destroy()));
  await runtime?.stop();
});

const client = (sub: string) => connectBoard(runtime, 'durable', sub, open);

const crashes = Number(process.env.CRASHES ?? 2);

test(`${crashes} SIGKILLs while writing: nothing another client saw is lost, and clients resume`, async () => {
  const writer = await client('alice');
  const reader = await client('bob');
  const received = new Set<string>();
  reader.store.addRowListener('notes', null, (store, _table, rowId) => {
    if (store.hasRow('notes', rowId)) received.add(rowId);
  });
  let n = 0;
  let writing = true;
  const writing$ = (async () => {
    while (writing) {
      writer.store.setRow('notes', `a-${n}`, { text: `t${n}`, author: 'alice' });
      n++;
      await new Promise((done) => setTimeout(done, 10));
    }
  })();
  for (let crash = 0; crash < crashes; crash++) {
    const seenBefore = received.size;
    await waitFor(() => received.size >= seenBefore + 20, 'the reader to receive writes', 30_000);
    const seen = [...received];
    await runtime.crash();
    // After the restart both clients come back by themselves, and what the reader had is stored.
    await writer.whenStatus('online');
    await reader.whenStatus('online');
    const rows = (await snapshotTables(runtime, 'durable', 'board', 'main')).notes ?? {};
    const lost = seen.filter((row) => rows[row] === undefined);
    expect(lost, `rows the reader had seen before crash ${crash + 1}`).toEqual([]);
  }
  writing = false;
  await writing$;
  // The writer's edits made while the runtime was down reach the server after it resumes.
  await waitForAsync(
    async () =>
      Object.keys((await snapshotTables(runtime, 'durable', 'board', 'main')).notes ?? {}).length === n,
    `all ${n} writes to be stored`,
    30_000,
  );
  await waitFor(() => reader.store.getRowCount('notes') === n, 'the reader to hold every row', 30_000);
}, 300_000);
