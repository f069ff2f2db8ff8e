// Saves one of an instance's MergeableStores in the object's SQLite, one SQL row per cell, writing only what a
// change touched, synchronously: the output gate then holds every frame sent after a save until it is durable.
import {
  createMergeableStore,
  getHash,
  getRowHash,
  type CellOrUndefined,
  type Hlc,
  type MergeableChanges,
  type MergeableContent,
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

/** Writes rows of values into a table: one statement per chunk, however many rows there are. */
const writeRows = (sql: SqlStorage, table: string, columns: number, rows: SqlValue[][]): void => {
  const pick = Array.from({ length: columns }, (_, i) => `value ->> ${i}`).join(', ');
  const statement = `INSERT OR REPLACE INTO ${table} SELECT ${pick} FROM json_each(?)`;
  let chunk: string[] = [];
  let chars = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    sql.exec(statement, `[${chunk.join(',')}]`);
    chunk = [];
    chars = 0;
  };
  for (const row of rows) {
    const json = JSON.stringify(row);
    chunk.push(json);
    chars += json.length;
    if (chars >= CHUNK_CHARS) flush();
  }
  flush();
};

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
  readonly #sql: SqlStorage;
  readonly #storage: DurableObjectStorage;
  readonly #prefix: string;
  #merging = false;
  /** Called after every save with what was saved (stamps without hashes), for the relay. */
  onSaved: (changes: MergeableChanges) => void = () => {};

  constructor(store: MergeableStore, storage: DurableObjectStorage, prefix: string) {
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
      const touched = touchedOf(store.getTransactionMergeableChanges(false));
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
    this.#store.setMergeableContent(this.#read());
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
    const saved: TablesStamp[0] = emptyRecord();
    const cellRows: SqlValue[][] = [];
    const rowRows: SqlValue[][] = [];
    const tableRows: SqlValue[][] = [];
    let tablesHlc: Hlc = '';
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
        for (const cellId of cellIds) {
          const cell = cells[cellId];
          if (!cell) continue;
          cellRows.push([tableId, rowId, cellId, encode(cell[0]), cell[1] ?? '', cellHashes[cellId] ?? 0]);
          savedCells[cellId] = [cell[0], cell[1] ?? ''];
        }
        rowRows.push([tableId, rowId, hlc, rowHash(cellHashes, hlc)]);
        savedRows[rowId] = [savedCells, hlc];
      }
      if (tableHlc === undefined) continue;
      tableRows.push([tableId, tableHlc, tableHashes[tableId] ?? 0]);
      saved[tableId] = [savedRows, tableHlc];
    }
    writeRows(sql, `${prefix}cells`, 6, cellRows);
    writeRows(sql, `${prefix}rows`, 4, rowRows);
    writeRows(sql, `${prefix}tables`, 3, tableRows);
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
    if (Object.keys(saved).length > 0) {
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('tables', ?, ?)`, tablesHlc, tablesHash);
    }
    this.onSaved([[saved, tablesHlc], [savedValues, valuesHlc], 1]);
  }

  /** Reads everything saved into MergeableStore content, hashes included. */
  #read(): MergeableContent {
    const sql = this.#sql;
    const prefix = this.#prefix;
    const tables: TablesStamp<true> = [emptyRecord(), '', 0];
    const values: ValuesStamp<true> = [emptyRecord(), '', 0];
    for (const [part, hlc, hash] of sql.exec(`SELECT part, hlc, hash FROM ${prefix}content`).raw()) {
      const target = part === 'values' ? values : tables;
      target[1] = text(hlc);
      target[2] = Number(hash);
    }
    for (const [tableId, hlc, hash] of sql.exec(`SELECT table_id, hlc, hash FROM ${prefix}tables`).raw()) {
      tables[0][text(tableId)] = [emptyRecord(), text(hlc), Number(hash)];
    }
    for (const [tableId, rowId, hlc, hash] of sql
      .exec(`SELECT table_id, row_id, hlc, hash FROM ${prefix}rows`)
      .raw()) {
      const table = (tables[0][text(tableId)] ??= [emptyRecord(), '', 0]);
      table[0][text(rowId)] = [emptyRecord(), text(hlc), Number(hash)];
    }
    // Cells come in their key's order, so a row's cells arrive together: look each row up once.
    let lastTable = '';
    let lastRow = '';
    let cells: RowStamp<true>[0] = emptyRecord();
    for (const [tableId, rowId, cellId, value, hlc, hash] of sql
      .exec(`SELECT table_id, row_id, cell_id, value, hlc, hash FROM ${prefix}cells`)
      .raw()) {
      if (tableId !== lastTable || rowId !== lastRow) {
        lastTable = text(tableId);
        lastRow = text(rowId);
        const table = (tables[0][lastTable] ??= [emptyRecord(), '', 0]);
        cells = (table[0][lastRow] ??= [emptyRecord(), '', 0])[0];
      }
      cells[text(cellId)] = [decode(value), text(hlc), Number(hash)];
    }
    for (const [valueId, value, hlc, hash] of sql
      .exec(`SELECT value_id, value, hlc, hash FROM ${prefix}values`)
      .raw()) {
      values[0][text(valueId)] = [decode(value), text(hlc), Number(hash)];
    }
    return [tables, values];
  }

  /** Reads an instance saved by TinyBase's persister and writes it in this layout, dropping the old tables. */
  async #carryOver(): Promise<void> {
    const old = createMergeableStore('carry-over');
    const persister = createDurableObjectSqlStoragePersister(old, this.#sql, {
      mode: 'fragmented',
      storagePrefix: this.#prefix,
    });
    await persister.load();
    await persister.destroy();
    const [[tables, tablesHlc, tablesHash], [values, valuesHlc, valuesHash]] = old.getMergeableContent();
    const sql = this.#sql;
    const prefix = this.#prefix;
    this.#storage.transactionSync(() => {
      const cellRows: SqlValue[][] = [];
      const rowRows: SqlValue[][] = [];
      const tableRows: SqlValue[][] = [];
      for (const [tableId, [tableStamps, tableHlc, tableHash]] of Object.entries(tables)) {
        tableRows.push([tableId, tableHlc, tableHash]);
        for (const [rowId, [cells, hlc, hash]] of Object.entries(tableStamps)) {
          rowRows.push([tableId, rowId, hlc, hash]);
          for (const [cellId, [cell, cellHlc, cellHash]] of Object.entries(cells)) {
            cellRows.push([tableId, rowId, cellId, encode(cell), cellHlc, cellHash]);
          }
        }
      }
      writeRows(sql, `${prefix}cells`, 6, cellRows);
      writeRows(sql, `${prefix}rows`, 4, rowRows);
      writeRows(sql, `${prefix}tables`, 3, tableRows);
      writeRows(
        sql,
        `${prefix}values`,
        4,
        Object.entries(values).map(([valueId, [value, hlc, hash]]) => [valueId, encode(value), hlc, hash]),
      );
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('tables', ?, ?)`, tablesHlc, tablesHash);
      sql.exec(`INSERT OR REPLACE INTO ${prefix}content VALUES ('values', ?, ?)`, valuesHlc, valuesHash);
      sql.exec(`DROP TABLE IF EXISTS ${prefix}tinybase_tables`);
      sql.exec(`DROP TABLE IF EXISTS ${prefix}tinybase_values`);
    });
  }
}
