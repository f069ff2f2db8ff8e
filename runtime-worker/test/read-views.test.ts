// Views of the synced store for read rules on their own: view hashes, cut answers and relays, hidden writes, the
// heal rule, and what counts as a change of view.
import { compileConfig, type AppConfig } from '@datastore-designer/schema';
import { createMergeableStore, getHlcFunctions, type MergeableChanges, type MergeableStore } from 'tinybase';
import { expect, test } from 'vitest';
import {
  healHubDeletions,
  splitHiddenWrites,
  View,
  viewContentHashes,
  viewRowDiff,
  viewTableDiff,
  visibleChanges,
} from '../src/read-views.ts';
import { factsOf, type FactsSource } from '../src/row-facts.ts';
import { viewChanged } from '../src/view-changes.ts';

const config = (payRead: string, dealsRead = "row.by == user.id || 'manager' in user.roles"): AppConfig => ({
  format: 1,
  datastores: {
    office: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' } }, rules: { create: 'true' } },
        pay: {
          fields: { amount: { type: 'number' }, by: { type: 'string', auto: 'creator' } },
          rules: { create: 'true', read: payRead },
        },
        deals: {
          fields: { title: { type: 'string' }, by: { type: 'string', auto: 'creator' } },
          rules: { create: 'true', update: 'true', read: dealsRead },
        },
      },
    },
  },
});
const MANAGERS = "'manager' in user.roles";
const office = compileConfig(config(MANAGERS)).datastores.office!;
const main = { id: 'main', owner: '', members: [] };
const user = (id: string, roles: string[] = []) => ({ id, roles, tenant: '' });

/** Deciding cells read from the store alone (living rows), as the instance's own RowFacts does for them. */
const liveFacts = (store: MergeableStore): FactsSource => ({
  of: (tableId, rowId) => factsOf(['by'], [store.getCell(tableId, rowId, 'by') ?? null]),
});

const serverStore = (): MergeableStore => {
  const server = createMergeableStore('server');
  server
    .setRow('notes', 'n1', { text: 'hi' })
    .setRow('pay', 'p1', { amount: 5, by: 'ann' })
    .setRow('deals', 'd1', { title: 'Acme', by: 'ann' })
    .setRow('deals', 'd2', { title: 'Bolt', by: 'bob' });
  return server;
};

/** A store holding exactly the given rows of the server, as a client that sees just those would. */
const copyOf = (server: MergeableStore, rows: Record<string, string[] | 'all'>): MergeableStore => {
  const copy = createMergeableStore('copy');
  const [[tables]] = server.getMergeableTableDiff({});
  for (const [tableId, keep] of Object.entries(rows)) {
    const [tableRows] = tables[tableId]!;
    const kept =
      keep === 'all' ? tableRows : Object.fromEntries(keep.map((rowId) => [rowId, tableRows[rowId]!]));
    copy.applyMergeableChanges([[{ [tableId]: [kept, ''] }, ''], [{}, ''], 1]);
  }
  return copy;
};

test('a view sees whole tables, none of them, or row by row, and nothing more when it sees all', () => {
  const server = serverStore();
  const manager = new View(office, user('max', ['manager']), main, liveFacts(server));
  expect(manager.seesAll).toBe(true);
  const ann = new View(office, user('ann'), main, liveFacts(server));
  expect([ann.sight('notes'), ann.sight('pay'), ann.sight('deals')]).toEqual(['all', 'none', 'perRow']);
  expect([ann.sees('deals', 'd1'), ann.sees('deals', 'd2'), ann.sees('deals', 'nope')]).toEqual([
    true,
    false,
    false,
  ]);
});

test('a view’s content hash leaves out hidden tables and rows, and moves not when they change', () => {
  const server = serverStore();
  const ann = new View(office, user('ann'), main, liveFacts(server));
  const before = viewContentHashes(server, ann);
  server.setCell('pay', 'p1', 'amount', 6).setCell('deals', 'd2', 'title', 'Bolt Ltd');
  expect(viewContentHashes(server, ann)).toEqual(before);
  server.setCell('deals', 'd1', 'title', 'Acme Inc');
  expect(viewContentHashes(server, ann)).not.toEqual(before);
});

test('diff answers carry only what the view holds: a fresh copy pulls exactly its rows', () => {
  const server = serverStore();
  const ann = new View(office, user('ann'), main, liveFacts(server));
  const [stamp, differing] = viewTableDiff(server, ann, {});
  expect(Object.keys(stamp[0]).sort()).toEqual(['deals', 'notes']);
  expect(Object.keys(stamp[0].deals![0])).toEqual(['d1']);
  expect(stamp[0].deals![1]).toBe('');
  expect(stamp[1]).toBe('');
  expect(differing).toEqual({});
  // A copy holding the table is always sent on to compare row by row; the rows it may not see are never named.
  const copy = copyOf(server, { notes: 'all', deals: ['d1'] });
  const [, tables] = viewTableDiff(server, ann, copy.getMergeableTableHashes());
  expect(Object.keys(tables)).toEqual(['deals']);
  const [rows, differingRows] = viewRowDiff(server, ann, copy.getMergeableRowHashes(tables));
  expect(rows[0]).toEqual({});
  expect(JSON.stringify(differingRows)).not.toContain('d2');
  // Bob's copy, holding Ann's deal from before, is never told anything of it.
  const bob = new View(office, user('bob'), main, liveFacts(server));
  const stale = copyOf(server, { deals: 'all' });
  const [bobRows, bobDiffering] = viewRowDiff(server, bob, stale.getMergeableRowHashes({ deals: 0 }));
  expect(JSON.stringify([bobRows, bobDiffering])).not.toContain('d1');
});

test('relayed changes are cut to the view, and nothing is sent when none is in it', () => {
  const server = serverStore();
  const ann = new View(office, user('ann'), main, liveFacts(server));
  const changes: MergeableChanges = [
    [
      {
        pay: [{ p1: [{ amount: [5, 'h1'] }, 'h1'] }, 'h1'],
        deals: [{ d1: [{ title: ['A', 'h1'] }, 'h1'], d2: [{ title: ['B', 'h1'] }, 'h1'] }, 'h1'],
      },
      'h1',
    ],
    [{}, ''],
    1,
  ];
  expect(visibleChanges(changes, ann)).toEqual([
    [{ deals: [{ d1: [{ title: ['A', 'h1'] }, 'h1'] }, ''] }, ''],
    [{}, ''],
    1,
  ]);
  const onlyHidden: MergeableChanges = [
    [{ deals: [{ d2: [{ title: ['B', 'h1'] }, 'h1'] }, 'h1'] }, 'h1'],
    [{}, ''],
    1,
  ];
  expect(visibleChanges(onlyHidden, ann)).toBeUndefined();
});

test('writes where the person cannot see are refused and deleted at the sender under the hub’s stamp', () => {
  const server = serverStore();
  const [next] = getHlcFunctions('hub');
  const hubId = next().slice(11);
  const clock = { next, isOwn: (hlc: string) => hlc.slice(11) === hubId };
  const ann = new View(office, user('ann'), main, liveFacts(server));
  const changes: MergeableChanges = [
    [
      {
        notes: [{ n1: [{ text: ['hi', 'h1'] }, 'h1'] }, 'h1'],
        pay: [{ p1: [{ amount: [1, 'h1'] }, 'h1'] }, 'h1'],
        deals: [
          {
            d1: [{ title: ['mine', 'h1'] }, 'h1'],
            d2: [{ title: ['taken', 'h1'] }, 'h1'],
            d3: [{ title: ['new', 'h1'] }, 'h1'],
            d4: [{ title: [undefined, next()] }, 'h1'],
          },
          'h1',
        ],
      },
      'h1',
    ],
    [{}, ''],
    1,
  ];
  const split = splitHiddenWrites(changes, ann, server, office, clock);
  expect(Object.keys(split.visible[0][0]).sort()).toEqual(['deals', 'notes']);
  // d3 does not exist: a create, judged as usual; d4 is the hub's own deletion, not there anyway.
  expect(Object.keys(split.visible[0][0].deals![0]).sort()).toEqual(['d1', 'd3', 'd4']);
  expect(split.rejections.map(({ table, row, rule, operation }) => [table, row, rule, operation])).toEqual([
    ['pay', 'p1', 'read', 'create'],
    ['deals', 'd2', 'read', 'create'],
  ]);
  expect(JSON.stringify(split.rejections)).not.toContain('Bolt');
  const deletion = split.senderCorrection?.[0][0].deals?.[0].d2?.[0].title;
  expect(deletion?.[0]).toBeUndefined();
  expect(clock.isOwn(deletion?.[1] ?? '')).toBe(true);
  expect(split.senderCorrection?.[0][0].deals?.[1]).toBe('');
  // The hub's own deletion coming back where the person still cannot see: dropped, and nothing said.
  const again = splitHiddenWrites(
    [[{ deals: [{ d2: [{ title: [undefined, deletion![1]] }, ''] }, ''] }, ''], [{}, ''], 1],
    ann,
    server,
    office,
    clock,
  );
  expect(again.rejections).toEqual([]);
  expect(again.senderCorrection).toBeUndefined();
});

test('the hub’s own deletions coming back stamp the stored value again instead of deleting it', () => {
  const [next] = getHlcFunctions('hub');
  const hubId = next().slice(11);
  const store = createMergeableStore('server');
  store.setRow('pay', 'p1', { amount: 5 });
  const newer = next();
  const changes: MergeableChanges = [
    [
      {
        pay: [
          { p1: [{ amount: [undefined, newer] }, newer], p9: [{ amount: [undefined, newer] }, newer] },
          newer,
        ],
        notes: [{ n1: [{ text: [undefined, 'Z'.repeat(16)] }, ''] }, ''],
      },
      newer,
    ],
    [{}, ''],
    1,
  ];
  const healed = healHubDeletions(store, changes, (hlc) => hlc.slice(11) === hubId, next);
  expect(Object.keys(healed.changes[0][0])).toEqual(['notes']);
  const restamped = healed.restamp?.[0][0].pay?.[0].p1?.[0].amount;
  expect(restamped?.[0]).toBe(5);
  expect((restamped?.[1] ?? '') > newer).toBe(true);
  expect(healed.restamp?.[0][0].pay?.[0].p9).toBeUndefined();
});

test('a view changes where a table synced before and after, or one of its rows, is seen differently', () => {
  const server = serverStore();
  const facts = liveFacts(server);
  const rows = (tableId: string) => server.getRowIds(tableId);
  const synced = ['notes', 'pay', 'deals'];
  const view = (payRead: string, dealsRead?: string, roles: string[] = []) =>
    new View(compileConfig(config(payRead, dealsRead)).datastores.office!, user('ann', roles), main, facts);
  expect(viewChanged(view(MANAGERS), view('true'), synced, rows)).toBe(true);
  expect(viewChanged(view(MANAGERS), view(MANAGERS, undefined, ['manager']), synced, rows)).toBe(true);
  expect(viewChanged(view(MANAGERS), view("'boss' in user.roles"), synced, rows)).toBe(false);
  // Ann sees her own deal either way, and Bob's in neither: nothing she holds changes.
  expect(
    viewChanged(view(MANAGERS), view(MANAGERS, "row.by == user.id || 'x' in user.roles"), synced, rows),
  ).toBe(false);
  expect(viewChanged(view(MANAGERS), view(MANAGERS, 'row.by != user.id'), synced, rows)).toBe(true);
  expect(viewChanged(view(MANAGERS), view('true'), ['notes'], rows)).toBe(false);
});
