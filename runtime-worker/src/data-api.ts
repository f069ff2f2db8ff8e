// The server data API of one instance: rows, snapshots and stats, rules bypassed, schema kept.
// Writes go through the stores' persisters, which save them and (for the synced store) relay them at once.
import {
  applyDefaults,
  autoCellsForPut,
  errorBody,
  validateRow,
  type DatastoreConfig,
  type Row,
  type TableConfig,
} from '@datastore-designer/schema';
import type { MergeableStore, Tables } from 'tinybase';
import { emptyRecord, ownEntry } from './own-key.ts';

/** The answer of a server data API call: an HTTP status and a JSON body. */
export interface DataAnswer {
  status: number;
  body: unknown;
}

/** An instance's two stores, and how many new rows still fit under its size ceiling. */
export interface InstanceStores {
  synced: MergeableStore;
  serverOnly: MergeableStore;
  /** How many rows may still be created (0 at the ceiling). */
  roomForRows(): number;
  /** The most rows the instance may hold. */
  maxRows: number;
}

type TablesContent = Record<string, Record<string, Row>>;

/** An answer whose body can cross RPC: TinyBase hands out null-prototype objects, which RPC cannot clone. */
const plain = (status: number, body: unknown): DataAnswer => ({
  status,
  body: JSON.parse(JSON.stringify(body)),
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const noTable = (tableId: string): DataAnswer => ({
  status: 404,
  body: errorBody('unknown_table', `There is no table "${tableId}" in this datastore.`),
});

const full = (maxRows: number): DataAnswer => ({
  status: 413,
  body: errorBody(
    'instance_full',
    `This instance is full: it may hold at most ${maxRows} rows (or its storage is at its ceiling). Delete rows to make room.`,
  ),
});

const tableOf = (
  stores: InstanceStores,
  config: DatastoreConfig,
  tableId: string,
): { store: MergeableStore; table: TableConfig } | undefined => {
  const table = ownEntry(config.tables, tableId);
  if (!table) return undefined;
  return { store: table.serverOnly ? stores.serverOnly : stores.synced, table };
};

/** The rows of one table. */
export const getRows = (stores: InstanceStores, config: DatastoreConfig, tableId: string): DataAnswer => {
  const found = tableOf(stores, config, tableId);
  if (!found) return noTable(tableId);
  return plain(200, found.store.getTable(tableId));
};

/**
 * Sets a whole row (schema-checked, defaults filled, rules bypassed); clients see it at once. `auto` fields the
 * body leaves out are filled: a new row's `creator` is '' and its `createdAt` now, an existing row keeps its
 * stored ones, and `updatedAt` is now.
 */
export const putRow = (
  stores: InstanceStores,
  config: DatastoreConfig,
  tableId: string,
  rowId: string,
  cells: unknown,
  now = Date.now(),
): DataAnswer => {
  const found = tableOf(stores, config, tableId);
  if (!found) return noTable(tableId);
  if (!isRecord(cells)) {
    return { status: 400, body: errorBody('bad_request', 'The row must be a JSON object of cells.') };
  }
  const stored = found.store.hasRow(tableId, rowId) ? (found.store.getRow(tableId, rowId) as Row) : undefined;
  const row = applyDefaults(found.table, {
    ...(cells as Row),
    ...autoCellsForPut(found.table, stored, cells, now),
  });
  const problems = validateRow(found.table, row);
  if (problems.length > 0) {
    return {
      status: 400,
      body: errorBody('invalid_row', 'The row does not fit the table.', {
        errors: problems.map((p) => ({ path: `/${p.field}`, message: p.message, code: p.code })),
      }),
    };
  }
  if (!found.store.hasRow(tableId, rowId) && stores.roomForRows() <= 0) return full(stores.maxRows);
  found.store.setRow(tableId, rowId, row);
  return plain(200, { row });
};

/** Deletes a row; clients see it at once. */
export const deleteRow = (
  stores: InstanceStores,
  config: DatastoreConfig,
  tableId: string,
  rowId: string,
): DataAnswer => {
  const found = tableOf(stores, config, tableId);
  if (!found) return noTable(tableId);
  if (!found.store.hasRow(tableId, rowId)) {
    return {
      status: 404,
      body: errorBody('unknown_row', `There is no row "${rowId}" in table "${tableId}".`),
    };
  }
  found.store.delRow(tableId, rowId);
  return { status: 200, body: { deleted: true } };
};

/** The whole content as TinyBase JSON `[tables, values]`, server-only tables included. */
export const getSnapshot = (stores: InstanceStores): DataAnswer =>
  plain(200, [{ ...stores.synced.getTables(), ...stores.serverOnly.getTables() }, {}]);

/** A snapshot checked against the schema, split by the store that holds each table, ready to apply. */
export interface CheckedSnapshot {
  synced: Tables;
  serverOnly: Tables;
}

/** Checks a snapshot against the schema without changing anything: the refusal, or the content to apply. */
export const checkSnapshot = (
  stores: InstanceStores,
  config: DatastoreConfig,
  snapshot: unknown,
): { refused: DataAnswer } | { checked: CheckedSnapshot } => {
  const errors: { path: string; message: string; code: string }[] = [];
  if (!Array.isArray(snapshot) || snapshot.length < 1 || snapshot.length > 2 || !isRecord(snapshot[0])) {
    return {
      refused: {
        status: 400,
        body: errorBody('invalid_snapshot', 'A snapshot is TinyBase JSON: [tables, values].', { errors: [] }),
      },
    };
  }
  if (snapshot[1] !== undefined && !(isRecord(snapshot[1]) && Object.keys(snapshot[1]).length === 0)) {
    errors.push({
      path: '/1',
      message: 'Values are not part of a datastore; leave them empty ({}).',
      code: 'values',
    });
  }
  const synced: TablesContent = emptyRecord();
  const serverOnly: TablesContent = emptyRecord();
  let rowCount = 0;
  for (const [tableId, rows] of Object.entries(snapshot[0])) {
    const table = ownEntry(config.tables, tableId);
    if (!table) {
      errors.push({
        path: `/0/${tableId}`,
        message: `There is no table "${tableId}".`,
        code: 'unknown_table',
      });
      continue;
    }
    if (!isRecord(rows)) {
      errors.push({ path: `/0/${tableId}`, message: 'A table must be an object of rows.', code: 'invalid' });
      continue;
    }
    const target = table.serverOnly ? serverOnly : synced;
    const rowsOut: Record<string, Row> = (target[tableId] = emptyRecord());
    for (const [rowId, cells] of Object.entries(rows)) {
      if (!isRecord(cells)) {
        errors.push({ path: `/0/${tableId}/${rowId}`, message: 'A row must be an object.', code: 'invalid' });
        continue;
      }
      const row = applyDefaults(table, cells as Row);
      for (const problem of validateRow(table, row)) {
        errors.push({
          path: `/0/${tableId}/${rowId}/${problem.field}`,
          message: problem.message,
          code: problem.code,
        });
      }
      rowsOut[rowId] = row;
      rowCount++;
    }
  }
  if (errors.length > 0) {
    return {
      refused: {
        status: 400,
        body: errorBody('invalid_snapshot', 'The snapshot does not fit the datastore.', { errors }),
      },
    };
  }
  if (rowCount > stores.maxRows) return { refused: full(stores.maxRows) };
  return { checked: { synced: synced as Tables, serverOnly: serverOnly as Tables } };
};

// Rows per transaction of a restore. One transaction for 50,000 rows holds TinyBase's undo record, its change
// set and the save's rows for all of them at once (several times the store itself): more than an object's 128 MB.
const RESTORE_CHUNK_ROWS = 2000;

/**
 * Makes a store hold exactly `tables`, a chunk of rows per transaction: first the rows it has that `tables`
 * lacks are deleted, then every row is set (a row set whole loses the cells it no longer has; an unchanged one
 * costs nothing). After each chunk it awaits `between`, which lets the object commit that chunk's writes.
 */
const replaceContent = async (
  store: MergeableStore,
  tables: Tables,
  between: () => Promise<void>,
): Promise<void> => {
  const steps: (() => void)[] = [];
  for (const tableId of store.getTableIds()) {
    const keep = ownEntry(tables, tableId);
    for (const rowId of store.getRowIds(tableId)) {
      if (!keep || ownEntry(keep, rowId) === undefined) steps.push(() => store.delRow(tableId, rowId));
    }
  }
  for (const [tableId, rows] of Object.entries(tables)) {
    for (const [rowId, row] of Object.entries(rows)) steps.push(() => store.setRow(tableId, rowId, row));
  }
  for (let from = 0; from < steps.length; from += RESTORE_CHUNK_ROWS) {
    store.transaction(() => steps.slice(from, from + RESTORE_CHUNK_ROWS).forEach((step) => step()));
    await between();
  }
};

/**
 * Replaces the whole content with a checked snapshot, a chunk at a time; clients see each chunk once it is
 * stored. The caller keeps other events out meanwhile (the object's `blockConcurrencyWhile`).
 */
export const applySnapshot = async (
  stores: InstanceStores,
  checked: CheckedSnapshot,
  between: () => Promise<void>,
): Promise<void> => {
  await replaceContent(stores.synced, checked.synced, between);
  await replaceContent(stores.serverOnly, checked.serverOnly, between);
};

/** Replaces the whole content after checking every row against the schema; clients see it at once. */
export const putSnapshot = async (
  stores: InstanceStores,
  config: DatastoreConfig,
  snapshot: unknown,
  between: () => Promise<void>,
): Promise<DataAnswer> => {
  const result = checkSnapshot(stores, config, snapshot);
  if ('refused' in result) return result.refused;
  await applySnapshot(stores, result.checked, between);
  return { status: 200, body: { restored: true } };
};

/** Rows per table of the config (empty ones as 0, so a count that drops to nothing reads 0 rather than vanishing). */
export const rowCounts = (stores: InstanceStores, config: DatastoreConfig): Record<string, number> => {
  const rows: Record<string, number> = {};
  for (const [tableId, table] of Object.entries(config.tables)) {
    rows[tableId] = (table.serverOnly ? stores.serverOnly : stores.synced).getRowCount(tableId);
  }
  return rows;
};
