// No whole-store work while a write is handled: accepting, correcting, relaying, notices and the data API's row
// writes each cost what the change touches. Every MergeableStore the runtime makes is watched (the real store,
// with its whole-store readers counted), and a write that calls one of them fails the test.
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, expect, test, vi } from 'vitest';
import type { InstanceObject } from '../src/instance-object.ts';
import { notesBoard } from '../../test/support/configs.ts';
import { admin, deploy, noticesIn, openSocket, rowFrame, waitFor } from './support/sockets.ts';

const watch = vi.hoisted(() => ({ on: false, calls: [] as string[] }));

vi.mock('tinybase', async (importOriginal) => {
  const tinybase = await importOriginal<typeof import('tinybase')>();
  const WHOLE = [
    'getMergeableContent',
    'getContent',
    'getTables',
    'getJson',
    'getMergeableTableDiff',
    // Row hashes of a whole table: a sync round's work (a view's table hash), never a write's.
    'getMergeableRowHashes',
  ] as const;
  return {
    ...tinybase,
    createMergeableStore: (...args: Parameters<typeof tinybase.createMergeableStore>) => {
      const store = tinybase.createMergeableStore(...args);
      // The store is frozen: watch a copy of its methods, which close over the same store.
      const watched = { ...store };
      for (const name of WHOLE) {
        const original = store[name] as (...rest: unknown[]) => unknown;
        (watched as Record<string, unknown>)[name] = (...rest: unknown[]) => {
          if (watch.on) watch.calls.push(name);
          return original(...rest);
        };
      }
      return watched;
    },
  };
});

afterEach(() => {
  watch.on = false;
  watch.calls = [];
});

const config = notesBoard(
  {
    fields: {
      text: { type: 'string', required: true },
      author: { type: 'string' },
      votes: { type: 'number', default: 0 },
    },
    rules: {
      create: 'newRow.author == user.id',
      update: 'row.author == user.id',
      delete: 'row.author == user.id',
    },
  },
  { secrets: { serverOnly: true, fields: { note: { type: 'string' } } } },
);

test('accepted, corrected and refused writes and data API row writes never read the whole store', async () => {
  await deploy('cost', config);
  const base = 'http://runtime.test/api/apps/cost/datastores/board/instances/main';
  // Some rows first, so a whole-store read would have something to read.
  const rows = Object.fromEntries(
    Array.from({ length: 500 }, (_, i) => [`r${i}`, { text: `row ${i}`, author: 'ann', votes: i }]),
  );
  const restored = await SELF.fetch(`${base}/snapshot`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify([{ notes: rows }, {}]),
  });
  expect(restored.status).toBe(200);
  const ann = await openSocket('cost/board/main', 'ann');
  const bob = await openSocket('cost/board/main', 'bob');
  // The sockets' first sync rounds are done before watching starts.
  await new Promise((resolve) => setTimeout(resolve, 200));

  watch.on = true;
  ann.socket.send(rowFrame('notes', 'new', { text: 'hello', author: 'ann' }));
  await waitFor(() => bob.frames.some((frame) => frame.includes('"hello"')), 'the accepted create at bob');
  bob.socket.send(rowFrame('notes', 'r1', { text: 'hijack' }));
  await waitFor(() => noticesIn(bob.frames).some((notice) => notice.rule === 'update'), 'the refused update');
  bob.socket.send(rowFrame('notes', 'forged', { text: 'x', author: 'ann' }));
  await waitFor(() => noticesIn(bob.frames).some((notice) => notice.rule === 'create'), 'the refused create');
  const put = await SELF.fetch(`${base}/tables/notes/rows/api`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ text: 'from the server', author: 'ann' }),
  });
  expect(put.status).toBe(200);
  await waitFor(
    () => ann.frames.some((frame) => frame.includes('from the server')),
    'the data API row at ann',
  );
  const putSecret = await SELF.fetch(`${base}/tables/secrets/rows/s1`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ note: 'hidden' }),
  });
  expect(putSecret.status).toBe(200);
  const deleted = await SELF.fetch(`${base}/tables/notes/rows/r2`, { method: 'DELETE', headers: admin });
  expect(deleted.status).toBe(200);
  watch.on = false;
  expect(watch.calls).toEqual([]);

  // And the watch itself works: a snapshot read is whole-store work, and is counted.
  watch.on = true;
  await SELF.fetch(`${base}/snapshot`, { headers: admin });
  expect(watch.calls).toContain('getTables');
  // Nothing above lost a row: 500 restored, one created by a client, one by the data API, one deleted.
  const id = env.INSTANCE.idFromName(JSON.stringify(['cost', 'board', 'main']));
  const stats = await runInDurableObject<InstanceObject, unknown>(
    env.INSTANCE.get(id),
    async (_instance, state) =>
      state.storage.sql
        .exec(
          "SELECT COUNT(DISTINCT row_id) AS n FROM synced_cells WHERE cell_id = 'text' AND value IS NOT NULL",
        )
        .one().n,
  );
  expect(stats).toBe(501);
});

const readConfig = notesBoard({
  fields: {
    text: { type: 'string', required: true },
    by: { type: 'string', auto: 'creator' },
  },
  rules: {
    read: 'row.by == user.id',
    create: 'true',
    update: 'row.by == user.id',
    delete: 'row.by == user.id',
  },
});

test('with a per-row read rule, writes, relays cut to views, hidden writes and a change of view never read the whole store', async () => {
  await deploy('costview', readConfig);
  const base = 'http://runtime.test/api/apps/costview/datastores/board/instances/main';
  const rows = Object.fromEntries(
    Array.from({ length: 500 }, (_, i) => [`r${i}`, { text: `row ${i}`, by: i % 2 === 0 ? 'ann' : 'bob' }]),
  );
  const restored = await SELF.fetch(`${base}/snapshot`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify([{ notes: rows }, {}]),
  });
  expect(restored.status).toBe(200);
  const ann = await openSocket('costview/board/main', 'ann');
  const bob = await openSocket('costview/board/main', 'bob');
  const cy = await openSocket('costview/board/main', 'cy');
  await new Promise((resolve) => setTimeout(resolve, 200));

  watch.on = true;
  // An accepted create: relayed to its author alone (cy and bob may not see it).
  ann.socket.send(rowFrame('notes', 'new', { text: 'hello' }));
  await waitFor(() => ann.frames.some((frame) => frame.includes('"hello"')), 'the accepted create at ann');
  // An accepted update of bob's own row, and a write where bob cannot see (ann's row): refused with `read`.
  bob.socket.send(rowFrame('notes', 'r1', { text: 'bob edits his own' }));
  await waitFor(() => bob.frames.some((frame) => frame.includes('bob edits his own')), 'bob’s update at bob');
  bob.socket.send(rowFrame('notes', 'r0', { text: 'hijack' }));
  await waitFor(
    () => noticesIn(bob.frames).some((notice) => notice.rule === 'read'),
    'the refused hidden write',
  );
  // A data API row write, cut to the view of each socket.
  const put = await SELF.fetch(`${base}/tables/notes/rows/api`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ text: 'from the server', by: 'cy' }),
  });
  expect(put.status).toBe(200);
  await waitFor(() => cy.frames.some((frame) => frame.includes('from the server')), 'the data API row at cy');
  // A data API save that hands bob's row to ann changes both views: those sockets are closed with 4005.
  const moved = await SELF.fetch(`${base}/tables/notes/rows/r3`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ text: 'row 3', by: 'ann' }),
  });
  expect(moved.status).toBe(200);
  expect(await bob.closed).toBe(4005);
  expect(await ann.closed).toBe(4005);
  watch.on = false;
  expect(watch.calls).toEqual([]);
  expect(bob.frames.some((frame) => frame.includes('from the server') || frame.includes('"hello"'))).toBe(
    false,
  );
  expect(noticesIn(ann.frames)).toEqual([]);
});
