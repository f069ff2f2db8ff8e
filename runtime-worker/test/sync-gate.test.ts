// The enforcement module on its own: which cells count, what is accepted, and the corrections it writes.
import { compileConfig, type AppConfig } from '@datastore-designer/schema';
import { createMergeableStore, getHlcFunctions, type MergeableChanges } from 'tinybase';
import { expect, test } from 'vitest';
import { judgeChanges, type GateClock } from '../src/sync-gate.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true },
            author: { type: 'string' },
            votes: { type: 'number', default: 0 },
          },
          rules: { create: 'newRow.author == user.id', update: 'row.author == user.id', delete: 'false' },
        },
      },
    },
  },
};
const datastore = compileConfig(config).datastores.board!;
const context = (id: string) => ({
  datastore,
  user: { id, roles: [], tenant: '' },
  instance: { id: 'main', owner: '', members: [] },
  now: Date.now(),
  roomForRows: 1000,
});
const clockFor = (id: string): GateClock => {
  const [next, seen, , decode] = getHlcFunctions(id);
  return {
    next,
    seen,
    wellFormed: (hlc) => /^[-0-9A-Z_a-z]{16}$/.test(hlc),
    aheadBy: (hlc) => Math.max(0, decode(hlc)[0] - Date.now() - 300_000),
  };
};
const changesOf = (store: ReturnType<typeof createMergeableStore>, act: () => void): MergeableChanges => {
  let changes: MergeableChanges | undefined;
  const listener = store.addDidFinishTransactionListener(() => {
    changes = store.getTransactionMergeableChanges(false);
  });
  act();
  store.delListener(listener);
  return changes!;
};

test('an allowed create is accepted with its defaults stamped by the server', () => {
  const server = createMergeableStore('server');
  const client = createMergeableStore('client');
  const changes = changesOf(client, () => client.setRow('notes', 'n1', { text: 'hi', author: 'ann' }));
  const result = judgeChanges(server, changes, context('ann'), clockFor('server'));
  expect(result.rejections).toEqual([]);
  server.applyMergeableChanges(result.accepted!);
  expect(server.getRow('notes', 'n1')).toEqual({ text: 'hi', author: 'ann', votes: 0 });
  client.applyMergeableChanges(result.accepted!);
  expect(client.getMergeableContentHashes()).toEqual(server.getMergeableContentHashes());
});

test('a forged create is corrected at the sender alone, and the server stores nothing', () => {
  const server = createMergeableStore('server');
  const client = createMergeableStore('client');
  const before = server.getMergeableContentHashes();
  const changes = changesOf(client, () => client.setRow('notes', 'x', { text: 'forged', author: 'bob' }));
  const result = judgeChanges(server, changes, context('eve'), clockFor('server'));
  expect(result.accepted).toBeUndefined();
  expect(result.correction).toBeUndefined();
  expect(result.rejections).toMatchObject([
    { table: 'notes', row: 'x', operation: 'create', rule: 'create' },
  ]);
  client.applyMergeableChanges(result.senderCorrection!);
  expect(client.hasRow('notes', 'x')).toBe(false);
  expect(server.getMergeableContentHashes()).toEqual(before);
  // The sender's leftover tombstone is not judged again (no resend loop).
  const again = judgeChanges(
    server,
    [client.getMergeableTableDiff({})[0], [{}, ''], 1],
    context('eve'),
    clockFor('server'),
  );
  expect(again.rejections).toEqual([]);
});

test('a refused update is re-asserted under a newer stamp so both sides agree again', () => {
  const server = createMergeableStore('server');
  const client = createMergeableStore('client');
  server.setRow('notes', 'n', { text: 'original', author: 'ann', votes: 0 });
  client.setMergeableContent(server.getMergeableContent());
  const changes = changesOf(client, () => client.setCell('notes', 'n', 'text', 'hijack'));
  const result = judgeChanges(server, changes, context('bob'), clockFor('server'));
  expect(result.rejections).toMatchObject([{ operation: 'update', rule: 'update', cells: ['text'] }]);
  server.applyMergeableChanges(result.correction!);
  client.applyMergeableChanges(result.correction!);
  expect(client.getCell('notes', 'n', 'text')).toBe('original');
  expect(client.getMergeableContentHashes()).toEqual(server.getMergeableContentHashes());
});

test('older cells are ignored, not refused; wrong types are refused by the schema', () => {
  // The server's clock runs a minute ahead, so its writes are newer than the client's, whatever the clock ids.
  const server = createMergeableStore('server', () => Date.now() + 60_000);
  const client = createMergeableStore('client');
  const old = changesOf(client, () => client.setRow('notes', 'n', { text: 'old', author: 'ann' }));
  server.setRow('notes', 'n', { text: 'newer', author: 'ann', votes: 1 });
  expect(judgeChanges(server, old, context('ann'), clockFor('server'))).toEqual({ rejections: [] });
  const later = createMergeableStore('later', () => Date.now() + 120_000);
  const wrong = changesOf(later, () => later.setCell('notes', 'n', 'votes', 'many'));
  const result = judgeChanges(server, wrong, context('ann'), clockFor('server'));
  expect(result.rejections).toMatchObject([{ rule: 'schema', operation: 'update' }]);
});

test('stamps from the future are refused, and do not move the server clock', () => {
  const server = createMergeableStore('server');
  const future = createMergeableStore('future', () => Date.now() + 3_600_000);
  const changes = changesOf(future, () => future.setRow('notes', 'f', { text: 'from 2099', author: 'ann' }));
  const clock = clockFor('server');
  const result = judgeChanges(server, changes, context('ann'), clock);
  expect(result.rejections).toMatchObject([{ rule: 'schema', row: 'f' }]);
  expect(result.accepted).toBeUndefined();
  expect(clock.next() < (changes[0][0].notes?.[0].f?.[0].text?.[1] ?? '')).toBe(true);
});

test('an allowed edit older than a correction but newer than the value it re-asserts is taken in', () => {
  const server = createMergeableStore('server');
  server.setRow('notes', 'n', { text: 'original', author: 'ann', votes: 0 });
  const ann = createMergeableStore('ann');
  const bob = createMergeableStore('bob');
  ann.setMergeableContent(server.getMergeableContent());
  bob.setMergeableContent(server.getMergeableContent());
  // Both edit offline, Ann first; Bob's refused edit reaches the server first and is corrected past his stamp.
  const annEdit = changesOf(ann, () => ann.setCell('notes', 'n', 'text', 'ann offline'));
  const bobEdit = changesOf(bob, () => bob.setCell('notes', 'n', 'text', 'bob was here'));
  const clock = clockFor('server');
  const remembered = new Map<string, { trueHlc: string; hubHlc: string }>();
  const trueStamps = {
    trueHlc: (table: string, row: string, cell: string, storedHlc: string) => {
      const entry = remembered.get(`${table}/${row}/${cell}`);
      return entry?.hubHlc === storedHlc ? entry.trueHlc : storedHlc;
    },
  };
  const remember = (
    restamps: { table: string; row: string; cell: string; trueHlc: string; hubHlc: string }[],
  ) => {
    for (const { table, row, cell, trueHlc, hubHlc } of restamps) {
      remembered.set(`${table}/${row}/${cell}`, { trueHlc, hubHlc });
    }
  };
  const refused = judgeChanges(server, bobEdit, context('bob'), clock, trueStamps);
  expect(refused.rejections).toMatchObject([{ row: 'n', rule: 'update' }]);
  server.applyMergeableChanges(refused.correction!);
  remember(refused.restamps!);
  // Without the true stamps, Ann's edit is older than the correction and ignored.
  expect(judgeChanges(server, annEdit, context('ann'), clockFor('server')).accepted).toBeUndefined();
  const taken = judgeChanges(server, annEdit, context('ann'), clock, trueStamps);
  expect(taken.rejections).toEqual([]);
  server.applyMergeableChanges(taken.accepted!);
  remember(taken.restamps!);
  expect(server.getCell('notes', 'n', 'text')).toBe('ann offline');
  // Every copy converges on it, the sender's (whose value was already that) included.
  for (const copy of [ann, bob]) {
    copy.applyMergeableChanges(refused.correction!);
    copy.applyMergeableChanges(taken.accepted!);
    expect(copy.getCell('notes', 'n', 'text')).toBe('ann offline');
    expect(copy.getMergeableContentHashes()).toEqual(server.getMergeableContentHashes());
  }
  // Bob's refused edit, arriving again, is not taken in; Ann's, arriving again, changes nothing.
  expect(judgeChanges(server, bobEdit, context('bob'), clock, trueStamps).accepted).toBeUndefined();
  expect(judgeChanges(server, annEdit, context('ann'), clock, trueStamps)).toEqual({ rejections: [] });
});
