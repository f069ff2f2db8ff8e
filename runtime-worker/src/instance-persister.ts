// Saves one of an instance's MergeableStores in the object's SQLite, one SQL row per cell, writing only what a
// change touched, synchronously: the output gate then holds every frame sent after a save until it is durable.
import {
  createMergeableStore,
  getHash,
  getRowHash,
  type CellOrUndefined,
  type Hlc,
  type MergeableChanges,
  type MergeableStore,
  type RowStamp,
  type TableStamp,
  type TablesStamp,
  type ValueOrUndefined,
  type ValuesStamp,
} from 'tinybase';
import { createDurableObjectSqlStoragePersister } from 'tinybase/persisters/persister-durable-object-sql-storage';
import { emptyRecord } from './own-key.ts';

/** Which cells (and values) a change touched: table → row → cell ids. */
export interface Touched {
  cells: Map<string, Map<string, Set<string>>>;
  values: Set<string>;
}

type SqlValue = string | number | null;

/** The part of a Durable Object's storage the persister uses (kept structural, so Node can profile it too). */
export interface PersisterStorage {
  sql: {
    exec(
      query: string,
      ...bindings: SqlValue[]
    ): { raw(): IterableIterator<(ArrayBuffer | SqlValue)[]>; toArray(): Record<string, unknown>[] };
  };
  transactionSync<T>(closure: () => T): T;
}

type Sql = PersisterStorage['sql'];

/** A stored value: JSON, with SQL NULL for a deleted cell (JSON has no undefined, and `null` is a value). */
const encode = (value: CellOrUndefined | ValueOrUndefined): string | null =>
  value === undefined ? null : JSON.stringify(value);

const decode = (text: unknown): CellOrUndefined =>
  text === null || text === undefined ? undefined : (JSON.parse(String(text)) as CellOrUndefined);

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

const touchedOf = ([[tables], [values]]: MergeableChanges): Touched => {
  const cells = new Map<string, Map<string, Set<string>>>();
  for (const [tableId, [rows]] of Object.entries(tables)) {
    const table = new Map<string, Set<string>>();
    for (const [rowId, [rowCells]] of Object.entries(rows)) table.set(rowId, new Set(Object.keys(rowCells)));
    cells.set(tableId, table);
  }
  return { cells, values: new Set(Object.keys(values)) };
};

const isEmpty = ({ cells, values }: Touched): boolean => cells.size === 0 && values.size === 0;

// Durable Object SQL binds at most 100 parameters per statement, so many rows travel as one JSON parameter
// that SQLite unpacks with json_each; a chunk stays well below the 2 MB a string may have there.
const CHUNK_CHARS = 512 * 1024;

// Cells merged into the store per step while loading.
const LOAD_CHUNK_CELLS = 20_000;

/**
 * Writes rows of values into one table, one statement per chunk however many rows there are, flushing as it
 * goes so a large save never holds all its rows at once.
 */
class RowWriter {
  readonly #sql: Sql;
  readonly #statement: string;
  #chunk: string[] = [];
  #chars = 0;

  constructor(sql: Sql, table: string, columns: number) {
    this.#sql = sql;
    const pick = Array.from({ length: columns }, (_, i) => `value ->> ${i}`).join(', ');
    this.#statement = `INSERT OR REPLACE INTO ${table} SELECT ${pick} FROM json_each(?)`;
  }

  push(row: SqlValue[]): void {
    const json = JSON.stringify(row);
    this.#chunk.push(json);
    this.#chars += json.length;
    if (this.#chars >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.#chunk.length === 0) return;
    this.#sql.exec(this.#statement, `[${this.#chunk.join(',')}]`);
    this.#chunk = [];
    this.#chars = 0;
  }
}

/** Writers for a store's cells, rows and tables. */
const writersFor = (sql: Sql, prefix: string) => ({
  cells: new RowWriter(sql, `${prefix}cells`, 6),
  rows: new RowWriter(sql, `${prefix}rows`, 4),
  tables: new RowWriter(sql, `${prefix}tables`, 3),
  flush() {
    this.cells.flush();
    this.rows.flush();
    this.tables.flush();
  },
});

/**
 * The row's hash as TinyBase's MergeableStore keeps it: its cells' hashes combined, plus the row's own stamp.
 * A row's hash is the only one the store does not hand out for a single row without walking its whole table.
 */
const rowHash = (cellHashes: Record<string, number>, hlc: Hlc): number =>
  (getRowHash(cellHashes) ^ (hlc ? getHash(hlc) : 0)) >>> 0;

/**
 * One store's persistence. Every change reaches SQLite through `merge` (changes from a client or a correction,
 * whose stamp-only cells a transaction does not report) or through the store's own transactions (local edits,
 * picked up by a listener); each writes the touched cells, their rows, tables and the content-level stamps, and
 * then hands the stored stamps of exactly those cells to `onSaved`, which relays them.
 */
export class InstancePersister {
  readonly #store: MergeableStore;
  readonly #sql: Sql;
  readonly #storage: PersisterStorage;
  readonly #prefix: string;
  #merging = false;
  /** Called after every save with what was saved (stamps without hashes), for the relay. */
  onSaved: (changes: MergeableChanges) => void = () => {};
  /** Whether anyone would receive `onSaved`'s changes; when not, they are not gathered at all. */
  relaying: () => boolean = () => false;

  constructor(store: MergeableStore, storage: PersisterStorage, prefix: string) {
    this.#store = store;
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#prefix = prefix;
    this.#sql.exec(`
      CREATE TABLE IF NOT EXISTS ${prefix}cells (table_id TEXT NOT NULL, row_id TEXT NOT NULL, cell_id TEXT NOT NULL,
        value TEXT, hlc TEXT NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (table_id, row_id, cell_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${prefix}rows (table_id TEXT NOT NULL, row_id TEXT NOT NULL,
        hlc TEXT NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (table_id, row_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${prefix}tables (table_id TEXT PRIMARY KEY, hlc TEXT NOT NULL, hash INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${prefix}values (value_id TEXT PRIMARY KEY, value TEXT, hlc TEXT NOT NULL,
        hash INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${prefix}content (part TEXT PRIMARY KEY, hlc TEXT NOT NULL, hash INTEGER NOT NULL);
    `);
    store.addDidFinishTransactionListener(() => {
      if (this.#merging) return;
      // Ids only (a plain change set): a restore's save must not hold a second stamped copy of the store.
      const [tables, values] = store.getTransactionChanges();
      const touched: Touched = { cells: new Map(), values: new Set(Object.keys(values)) };
      for (const [tableId, rows] of Object.entries(tables)) {
        const table = new Map<string, Set<string>>();
        // A deleted table or row (null) touched every cell it had: an empty set stands for all of a row's cells.
        const rowIds = rows
          ? Object.keys(rows)
          : Object.keys(store.getMergeableRowHashes({ [tableId]: -1 })[tableId] ?? {});
        for (const rowId of rowIds) {
          const cells = rows?.[rowId];
          table.set(rowId, new Set(cells ? Object.keys(cells) : []));
        }
        touched.cells.set(tableId, table);
      }
      if (!isEmpty(touched)) this.#save(touched);
    });
  }

  /**
   * Loads the whole store. An instance saved by TinyBase's own Durable Object SQL persister (fragmented mode,
   * same prefix) is read once and carried over into this layout, in one transaction that also drops the old tables.
   */
  async load(): Promise<void> {
    const legacy = `${this.#prefix}tinybase_tables`;
    const hasLegacy =
      this.#sql.exec('SELECT name FROM sqlite_master WHERE type = ? AND name = ?', 'table', legacy).toArray()
        .length > 0;
    if (hasLegacy) await this.#carryOver();
    this.#merging = true;
    try {
      this.#read();
    } finally {
      this.#merging = false;
    }
  }

  /** Merges changes from outside into the store and saves every cell they carry, stamp-only ones included. */
  merge(changes: MergeableChanges): void {
    this.#merging = true;
    try {
      this.#store.applyMergeableChanges(changes);
    } finally {
      this.#merging = false;
    }
    this.#save(touchedOf(changes));
  }

  /** Writes the stored stamps of the touched cells (with their rows, tables and content stamps), then relays them. */
  #save(touched: Touched): void {
    const store = this.#store;
    const sql = this.#sql;
    const prefix = this.#prefix;
    const tableHashes = store.getMergeableTableHashes();
    const [tablesHash, valuesHash] = store.getMergeableContentHashes();
    const relaying = this.relaying();
    const saved: TablesStamp[0] = emptyRecord();
    const write = writersFor(sql, prefix);
    let tablesHlc: Hlc = '';
    let savedAny = false;
    for (const [tableId, rows] of touched.cells) {
      let tableHlc: Hlc | undefined;
      const savedRows: TableStamp[0] = emptyRecord();
      for (const [rowId, cellIds] of rows) {
        const [diff, allHlc] = store.getMergeableCellDiff({ [tableId]: { [rowId]: {} } });
        tablesHlc = allHlc ?? '';
        const table = diff[tableId];
        const row = table?.[0][rowId];
        if (!table || !row) continue;
        tableHlc = table[1] ?? '';
        const [cells, hlc = ''] = row;
        const cellHashes =
          store.getMergeableCellHashes({ [tableId]: { [rowId]: -1 } })[tableId]?.[rowId] ?? {};
        const savedCells: RowStamp[0] = emptyRecord();
        for (const cellId of cellIds.size > 0 ? cellIds : Object.keys(cells)) {
          const cell = cells[cellId];
          if (!cell) continue;
          write.cells.push([tableId, rowId, cellId, encode(cell[0]), cell[1] ?? '', cellHashes[cellId] ?? 0]);
          if (relaying) savedCells[cellId] = [cell[0], cell[1] ?? ''];
        }
        write.rows.push([tableId, rowId, hlc, rowHash(cellHashes, hlc)]);
        if (relaying) savedRows[rowId] = [savedCells, hlc];
      }
      if (tableHlc === undefined) continue;
      write.tables.push([tableId, tableHlc, tableHashes[tableId] ?? 0]);
      if (relaying) saved[tableId] = [savedRows, tableHlc];
      savedAny = true;
    }
    write.flush();
    const savedValues: ValuesStamp[0] = emptyRecord();
    let valuesHlc: Hlc = '';
    if (touched.values.size > 0) {
      const [values, hlc = ''] = store.getMergeableValueDiff({});
      const hashes = store.getMergeableValueHashes();
      valuesHlc = hlc;
      for (const valueId of touched.values) {
        const value = values[valueId];
        if (!value) continue;
        sql.exec(
          `INSERT OR REPLACE INTO ${prefix}values VALUES (?, ?, ?, ?)`,
          valueId,
          encode(value[0]),
          value[1] ?? '',
          hashes[valueId] ?? 0,
        );
        savedValues[valueId] = [value[0], value[1] ?? ''];
      }
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('values', ?, ?)`, valuesHlc, valuesHash);
    }
    if (savedAny) {
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('tables', ?, ?)`, tablesHlc, tablesHash);
    }
    this.onSaved([[saved, tablesHlc], [savedValues, valuesHlc], 1]);
  }

  /**
   * Reads everything saved into the store, a chunk of cells at a time, so loading never holds a second copy of
   * the whole instance beside the store. The store computes the hashes from the stamps as it merges; they equal
   * the saved ones, which the load checks at the end.
   */
  #read(): void {
    const sql = this.#sql;
    const prefix = this.#prefix;
    const store = this.#store;
    const saved: Record<string, number> = {};
    let tablesHlc: Hlc = '';
    let valuesHlc: Hlc = '';
    for (const [part, hlc, hash] of sql.exec(`SELECT part, hlc, hash FROM ${prefix}content`).raw()) {
      if (part === 'values') valuesHlc = text(hlc);
      else tablesHlc = text(hlc);
      saved[text(part)] = Number(hash);
    }
    const tableHlcs = new Map<string, Hlc>();
    for (const [tableId, hlc] of sql.exec(`SELECT table_id, hlc FROM ${prefix}tables`).raw()) {
      tableHlcs.set(text(tableId), text(hlc));
    }
    const values: ValuesStamp[0] = emptyRecord();
    for (const [valueId, value, hlc] of sql.exec(`SELECT value_id, value, hlc FROM ${prefix}values`).raw()) {
      values[text(valueId)] = [decode(value), text(hlc)];
    }
    store.applyMergeableChanges([[{}, tablesHlc], [values, valuesHlc], 1]);
    let chunk: TablesStamp[0] = emptyRecord();
    let count = 0;
    let lastTable = '';
    let lastRow = '';
    let cells: RowStamp[0] = emptyRecord();
    const apply = () => {
      if (count > 0) store.applyMergeableChanges([[chunk, tablesHlc], [{}, valuesHlc], 1]);
      chunk = emptyRecord();
      count = 0;
      lastTable = '';
      lastRow = '';
    };
    // Cells come in their key's order, so a row's cells arrive together.
    for (const [tableId, rowId, cellId, value, hlc, rowHlc] of sql
      .exec(
        `SELECT c.table_id, c.row_id, c.cell_id, c.value, c.hlc, r.hlc FROM ${prefix}cells c
         JOIN ${prefix}rows r ON r.table_id = c.table_id AND r.row_id = c.row_id`,
      )
      .raw()) {
      if (tableId !== lastTable || rowId !== lastRow) {
        if (count >= LOAD_CHUNK_CELLS) apply();
        lastTable = text(tableId);
        lastRow = text(rowId);
        const table = (chunk[lastTable] ??= [emptyRecord(), tableHlcs.get(lastTable) ?? '']);
        cells = (table[0][lastRow] ??= [emptyRecord(), text(rowHlc)])[0];
      }
      cells[text(cellId)] = [decode(value), text(hlc)];
      count++;
    }
    apply();
    const [tablesHash, valuesHash] = store.getMergeableContentHashes();
    if ((saved.tables ?? 0) !== tablesHash || (saved.values ?? 0) !== valuesHash) {
      console.warn(`persister: ${prefix} loaded with other hashes than it saved; clients resync once`);
    }
  }

  /** Reads an instance saved by TinyBase's persister and writes it in this layout, dropping the old tables. */
  async #carryOver(): Promise<void> {
    const old = createMergeableStore('carry-over');
    const sqlStorage = this.#sql as Parameters<typeof createDurableObjectSqlStoragePersister>[1];
    const persister = createDurableObjectSqlStoragePersister(old, sqlStorage, {
      mode: 'fragmented',
      storagePrefix: this.#prefix,
    });
    await persister.load();
    await persister.destroy();
    const [[tables, tablesHlc, tablesHash], [values, valuesHlc, valuesHash]] = old.getMergeableContent();
    const sql = this.#sql;
    const prefix = this.#prefix;
    this.#storage.transactionSync(() => {
      const write = writersFor(sql, prefix);
      for (const [tableId, [tableStamps, tableHlc, tableHash]] of Object.entries(tables)) {
        write.tables.push([tableId, tableHlc, tableHash]);
        for (const [rowId, [cells, hlc, hash]] of Object.entries(tableStamps)) {
          write.rows.push([tableId, rowId, hlc, hash]);
          for (const [cellId, [cell, cellHlc, cellHash]] of Object.entries(cells)) {
            write.cells.push([tableId, rowId, cellId, encode(cell), cellHlc, cellHash]);
          }
        }
      }
      write.flush();
      const valueWriter = new RowWriter(sql, `${prefix}values`, 4);
      for (const [valueId, [value, hlc, hash]] of Object.entries(values)) {
        valueWriter.push([valueId, encode(value), hlc, hash]);
      }
      valueWriter.flush();
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('tables', ?, ?)`, tablesHlc, tablesHash);
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('values', ?, ?)`, valuesHlc, valuesHash);
      sql.exec(`DROP TABLE IF EXISTS ${prefix}tinybase_tables`);
      sql.exec(`DROP TABLE IF EXISTS ${prefix}tinybase_values`);
    });
  }
}
