// The instance persister inside workerd, on a Durable Object's real SQLite: what it saves loads back identical
// (hashes included), and an instance saved by TinyBase's own persister is carried over with nothing lost.
import { env, runInDurableObject } from 'cloudflare:test';
import { createMergeableStore, getHlcFunctions } from 'tinybase';
import { createDurableObjectSqlStoragePersister } from 'tinybase/persisters/persister-durable-object-sql-storage';
import { expect, test } from 'vitest';
import { refOf, type InstanceFacts } from '../src/instance-facts.ts';
import { InstanceObject } from '../src/instance-object.ts';
import { InstancePersister } from '../src/instance-persister.ts';

const facts: InstanceFacts = {
  app: 'legacy',
  datastore: 'board',
  kind: 'single',
  instanceId: 'main',
  version: 1,
  config: {
    instances: 'single',
    sync: 'twoWay',
    tables: {
      notes: { fields: { text: { type: 'string' }, votes: { type: 'number' } } },
      secrets: { serverOnly: true, fields: { note: { type: 'string' } } },
    },
  },
};

const freshObject = () => env.INSTANCE.get(env.INSTANCE.newUniqueId());

test('what the persister saves, change by change, loads back as the same content and hashes', async () => {
  await runInDurableObject(freshObject(), (_object, state) => {
    const store = createMergeableStore('hub');
    const persister = new InstancePersister(store, state.storage, 'trial_');
    const relayed: unknown[] = [];
    persister.onSaved = (changes) => relayed.push(changes);
    persister.relaying = () => true;
    // Local edits: creates, an update, a deleted cell, a deleted row, and a row named like a built-in.
    store.setRow('notes', 'a', { text: 'one', votes: 1 });
    store.setRow('notes', '__proto__', { text: 'odd id' });
    store.setCell('notes', 'a', 'votes', 2);
    store.setRow('notes', 'b', { text: 'two', votes: 0 });
    store.delCell('notes', 'b', 'votes');
    store.setRow('notes', 'c', { text: 'gone soon' });
    store.delRow('notes', 'c');
    store.setRow('gone', 'g1', { text: 'a table soon deleted' });
    store.delTable('gone');
    // A change from a client with container stamps, and a stamp-only re-assertion (same value, newer stamp),
    // which a transaction does not report: merge() saves it all the same.
    const client = createMergeableStore('client');
    client.setRow('notes', 'd', { text: 'from a client' });
    persister.merge([client.getMergeableTableDiff({})[0], [{}, ''], 1]);
    const [next] = getHlcFunctions('hub-clock');
    const stamp = next();
    persister.merge([[{ notes: [{ a: [{ text: ['one', stamp] }, stamp] }, stamp] }, stamp], [{}, ''], 1]);
    expect(store.getMergeableCellDiff({ notes: { a: {} } })[0].notes?.[0].a?.[0].text?.[1]).toBe(stamp);
    expect(relayed).toHaveLength(11);

    const reloaded = createMergeableStore('reloaded');
    const loader = new InstancePersister(reloaded, state.storage, 'trial_');
    return loader.load().then(() => {
      expect(reloaded.getMergeableContent()).toEqual(store.getMergeableContent());
      expect(reloaded.getMergeableContentHashes()).toEqual(store.getMergeableContentHashes());
      expect(reloaded.getRow('notes', '__proto__')).toEqual({ text: 'odd id' });
    });
  });
});

test('the hashes saved for each cell and row are the store’s own, whatever the ids and however many rows a save holds', async () => {
  await runInDurableObject(freshObject(), (_object, state) => {
    const sql = state.storage.sql;
    const store = createMergeableStore('hub');
    const persister = new InstancePersister(store, state.storage, 'hashes_');
    // One row at a time (one cell, several, a deleted one), ids beyond ASCII, then several rows and tables at once.
    store.setRow('notes', 'a', { text: 'one', votes: 1 });
    store.setCell('notes', 'a', 'votes', 2);
    store.setRow('notes', 'é 😀', { 'ü€': 'x', text: 'y' });
    store.delCell('notes', 'é 😀', 'text');
    store.transaction(() => {
      store.setRow('notes', 'b', { text: 'two' });
      store.setRow('other', 'c', { text: 'three' });
    });
    const [next] = getHlcFunctions('client');
    const stamp = next();
    persister.merge([[{ notes: [{ b: [{ votes: [7, stamp] }, stamp] }, stamp] }, stamp], [{}, ''], 1]);

    const rows = sql.exec('SELECT table_id, row_id, hash, typeof(hash) AS type FROM hashes_rows').toArray();
    expect(rows).toHaveLength(4);
    for (const { table_id, row_id, hash, type } of rows) {
      const tableId = String(table_id);
      expect([row_id, hash, type]).toEqual([
        row_id,
        store.getMergeableRowHashes({ [tableId]: -1 })[tableId]?.[String(row_id)],
        'integer',
      ]);
    }
    const cells = sql
      .exec('SELECT table_id, row_id, cell_id, hash, typeof(hash) AS type FROM hashes_cells')
      .toArray();
    expect(cells).toHaveLength(7);
    for (const { table_id, row_id, cell_id, hash, type } of cells) {
      const [tableId, rowId] = [String(table_id), String(row_id)];
      expect([cell_id, hash, type]).toEqual([
        cell_id,
        store.getMergeableCellHashes({ [tableId]: { [rowId]: -1 } })[tableId]?.[rowId]?.[String(cell_id)],
        'integer',
      ]);
    }
    const tables = sql.exec('SELECT table_id, hash FROM hashes_tables').toArray();
    expect(Object.fromEntries(tables.map(({ table_id, hash }) => [table_id, hash]))).toEqual(
      store.getMergeableTableHashes(),
    );
  });
});

test('each save writes the cells it touched and their containers, not the rest of the store', async () => {
  await runInDurableObject(freshObject(), (_object, state) => {
    const sql = state.storage.sql;
    const store = createMergeableStore('hub');
    new InstancePersister(store, state.storage, 'cost_');
    store.transaction(() => {
      for (let i = 0; i < 2000; i++) store.setRow('notes', `r${i}`, { text: `row ${i}`, votes: i });
    });
    expect(sql.exec('SELECT COUNT(*) AS n FROM cost_cells').one().n).toBe(4000);
    const latest = String(sql.exec('SELECT MAX(hlc) AS hlc FROM cost_cells').one().hlc);
    store.setCell('notes', 'r5', 'votes', -1);
    expect(sql.exec('SELECT row_id, cell_id FROM cost_cells WHERE hlc > ?', latest).toArray()).toEqual([
      { row_id: 'r5', cell_id: 'votes' },
    ]);
    const rows = sql.exec('SELECT row_id, hash FROM cost_rows').toArray();
    expect(rows).toHaveLength(2000);
  });
});

test('an instance saved by TinyBase’s own persister opens with all its rows, and is then saved our way', async () => {
  const stub = freshObject();
  const old = createMergeableStore('old-hub');
  old.setRow('notes', 'n1', { text: 'kept', votes: 3 });
  old.setRow('notes', 'n2', { text: 'deleted later' });
  old.delRow('notes', 'n2');
  const oldSecret = createMergeableStore('old-secret');
  oldSecret.setRow('secrets', 's1', { note: 'server only' });
  await runInDurableObject(stub, async (_object, state) => {
    // The layout of every instance written before this persister: TinyBase's, fragmented, one per store.
    for (const [store, storagePrefix] of [
      [old, 'synced_'],
      [oldSecret, 'server_only_'],
    ] as const) {
      const legacy = createDurableObjectSqlStoragePersister(store, state.storage.sql, {
        mode: 'fragmented',
        storagePrefix,
      });
      await legacy.save();
      await legacy.destroy();
    }
    state.storage.sql.exec('DELETE FROM synced_cells');
    await state.storage.put('facts', facts);

    // The real object, opened on that storage as after a deploy of the new runtime.
    const reopened = new InstanceObject(state, env);
    await state.blockConcurrencyWhile(async () => {});
    const snapshot = await reopened.getSnapshot(refOf(facts));
    expect(snapshot.body).toEqual([
      { notes: { n1: { text: 'kept', votes: 3 } }, secrets: { s1: { note: 'server only' } } },
      {},
    ]);
    const tables = state.storage.sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%tinybase%'")
      .toArray();
    expect(tables).toEqual([]);

    // Same content and hashes as the old store (the tombstone of n2 included), so clients need no resync.
    const check = createMergeableStore('check');
    await new InstancePersister(check, state.storage, 'synced_').load();
    expect(check.getMergeableContent()).toEqual(old.getMergeableContent());
  });
});
