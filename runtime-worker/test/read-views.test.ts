// Views of the synced store for read rules on their own: view hashes, cut answers, hidden writes, the heal rule.
import { compileConfig, type AppConfig } from '@datastore-designer/schema';
import { createMergeableStore, getHlcFunctions, type MergeableChanges } from 'tinybase';
import { expect, test } from 'vitest';
import {
  healHubDeletions,
  hiddenTables,
  splitHiddenWrites,
  unenforcedReadRules,
  viewChanged,
  viewContentHashes,
  visibleChanges,
} from '../src/read-views.ts';

const config = (payRead: string): AppConfig => ({
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
      },
    },
  },
});
const MANAGERS = "'manager' in user.roles";
const office = compileConfig(config(MANAGERS)).datastores.office!;
const main = { id: 'main', owner: '', members: [] };
const user = (roles: string[]) => ({ id: 'u', roles, tenant: '' });

test('a view hides the tables its person may not see, and nothing when they see all', () => {
  expect(hiddenTables(office, user(['manager']), main)).toBeUndefined();
  expect([...(hiddenTables(office, user([]), main) ?? [])]).toEqual(['pay']);
});

test('a view’s content hash is the hash of a store holding only its tables', () => {
  const server = createMergeableStore('server');
  server.setRow('notes', 'n1', { text: 'hi' }).setRow('pay', 'p1', { amount: 5 });
  const copy = createMergeableStore('copy');
  const [[tables]] = server.getMergeableTableDiff({});
  copy.applyMergeableChanges([[{ notes: tables.notes! }, ''], [{}, ''], 1]);
  expect(viewContentHashes(server, new Set(['pay']))).toEqual(copy.getMergeableContentHashes());
  expect(viewContentHashes(server, new Set(['pay']))).not.toEqual(server.getMergeableContentHashes());
});

test('relayed changes are cut to the view, and nothing is sent when none is in it', () => {
  const changes: MergeableChanges = [
    [{ pay: [{ p1: [{ amount: [5, 'h1'] }, 'h1'] }, 'h1'] }, 'h1'],
    [{}, ''],
    1,
  ];
  expect(visibleChanges(changes, new Set(['pay']))).toBeUndefined();
  expect(visibleChanges(changes, new Set(['notes']))).toEqual([[changes[0][0], ''], [{}, ''], 1]);
});

test('writes to hidden tables are refused and deleted at the sender; deletions there are dropped', () => {
  const [next] = getHlcFunctions('hub');
  const changes: MergeableChanges = [
    [
      {
        notes: [{ n1: [{ text: ['hi', 'h1'] }, 'h1'] }, 'h1'],
        pay: [{ p1: [{ amount: [1, 'h1'] }, 'h1'], p2: [{ amount: [undefined, 'h1'] }, 'h1'] }, 'h1'],
      },
      'h1',
    ],
    [{}, ''],
    1,
  ];
  const split = splitHiddenWrites(changes, new Set(['pay']), office, next);
  expect(Object.keys(split.visible[0][0])).toEqual(['notes']);
  expect(split.rejections).toEqual([
    expect.objectContaining({
      table: 'pay',
      row: 'p1',
      cells: ['amount'],
      rule: 'read',
      expression: MANAGERS,
    }),
  ]);
  const deletion = split.senderCorrection?.[0][0].pay?.[0].p1?.[0].amount;
  expect(deletion?.[0]).toBeUndefined();
  expect(deletion?.[1]).toMatch(/^.{11}/);
  expect(split.senderCorrection?.[0][0].pay?.[0].p2).toBeUndefined();
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

test('only rules that look at the row are refused at deploy', () => {
  expect(unenforcedReadRules(config(MANAGERS))).toEqual([]);
  expect(unenforcedReadRules(config("row.by == user.id || 'manager' in user.roles"))).toEqual([
    expect.objectContaining({ path: '/datastores/office/tables/pay/rules/read', code: 'read_not_enforced' }),
  ]);
});

test('a view changes only where a table synced before and after is seen differently', () => {
  const synced = new Set(['notes', 'pay']);
  expect(viewChanged({ synced, hidden: new Set(['pay']) }, { synced, hidden: undefined })).toBe(true);
  expect(viewChanged({ synced, hidden: new Set(['pay']) }, { synced, hidden: new Set(['pay']) })).toBe(false);
  expect(
    viewChanged({ synced, hidden: new Set(['pay']) }, { synced: new Set(['notes']), hidden: undefined }),
  ).toBe(false);
});
