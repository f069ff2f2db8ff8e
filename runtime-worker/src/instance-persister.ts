// Saves one of an instance's MergeableStores in the object's SQLite, one SQL row per cell, writing only what a
// change touched, synchronously: the output gate then holds every frame sent after a save until it is durable.
import {
  createMergeableStore,
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

/**
 * Which cells (and values) a save writes: each touched table with its touched rows, each row with the ids of its
 * touched cells (none listed: every cell the row has, as after a deleted row or table).
 */
export interface Touched {
  tables: Array<[tableId: string, rows: Array<[rowId: string, cellIds: string[]]>]>;
  values: string[];
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

const touchedOf = ([[tables], [values]]: MergeableChanges): Touched => ({
  tables: Object.entries(tables).map(([tableId, [rows]]) => [
    tableId,
    Object.entries(rows).map(([rowId, [cells]]) => [rowId, Object.keys(cells)]),
  ]),
  values: Object.keys(values),
});

const isEmpty = ({ tables, values }: Touched): boolean => tables.length === 0 && values.length === 0;

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

/** A cell as a save writes it: its id, value as stored (JSON), stamp and hash, then the value itself for the relay. */
type StoredCell = [cellId: string, json: string | null, hlc: Hlc, hash: number, value: CellOrUndefined];

/** The touched cells of one row as a save writes them, with the row's stamp and hash and its table's stamp. */
interface StoredRow {
  cells: StoredCell[];
  hlc: Hlc;
  hash: number;
  tableHlc: Hlc;
}

/** The relay's stamps of saved cells. */
const stampsOf = (cells: readonly StoredCell[]): RowStamp[0] => {
  const stamps: RowStamp[0] = emptyRecord();
  for (const [cellId, , hlc, , value] of cells) stamps[cellId] = [value, hlc];
  return stamps;
};

/**
 * TinyBase's string hash (FNV-1a over the UTF-8 bytes, a lone surrogate counting as U+FFFD, as TextEncoder writes
 * it), computed without encoding the string first: a save hashes a few short ids and stamps.
 */
const stringHash = (text: string): number => {
  let hash = 2166136261;
  const add = (byte: number) => {
    hash = Math.imul(hash ^ byte, 16777619);
  };
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      add(code);
      continue;
    }
    if (code < 0x800) {
      add(0xc0 | (code >> 6));
      add(0x80 | (code & 0x3f));
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = text.charCodeAt(index + 1);
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        index++;
        add(0xf0 | (code >> 18));
        add(0x80 | ((code >> 12) & 0x3f));
        add(0x80 | ((code >> 6) & 0x3f));
        add(0x80 | (code & 0x3f));
        continue;
      }
      code = 0xfffd;
    }
    add(0xe0 | (code >> 12));
    add(0x80 | ((code >> 6) & 0x3f));
    add(0x80 | (code & 0x3f));
  }
  return hash >>> 0;
};

/**
 * The row's hash as TinyBase's MergeableStore keeps it: its cells' hashes combined (each cell also as if its hash
 * were 0, as TinyBase still does for older versions), plus the row's own stamp. A row's hash is the only one the
 * store does not hand out for a single row without walking its whole table.
 */
const rowHash = (cellHashes: Record<string, number>, hlc: Hlc): number => {
  let hash = hlc ? stringHash(hlc) : 0;
  for (const [cellId, cellHash] of Object.entries(cellHashes)) {
    hash ^= stringHash(`${cellId}:${cellHash}`) ^ stringHash(`${cellId}:0`);
  }
  return hash >>> 0;
};

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
  readonly #writers: ReturnType<typeof writersFor>;
  /** One row's save: its first cell, the rest as JSON (or null), the row, its table and the content stamp. */
  readonly #rowSave: string;
  readonly #contentSave: string;
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
    // The view and its trigger let a one-row save write its cells, row, table and content stamp in one statement:
    // in workerd each statement costs far more to issue than the SQLite work of one row.
    this.#sql.exec(`
      CREATE TABLE IF NOT EXISTS ${prefix}cells (table_id TEXT NOT NULL, row_id TEXT NOT NULL, cell_id TEXT NOT NULL,
        value TEXT, hlc TEXT NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (table_id, row_id, cell_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${prefix}rows (table_id TEXT NOT NULL, row_id TEXT NOT NULL,
        hlc TEXT NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (table_id, row_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${prefix}tables (table_id TEXT PRIMARY KEY, hlc TEXT NOT NULL, hash INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${prefix}values (value_id TEXT PRIMARY KEY, value TEXT, hlc TEXT NOT NULL,
        hash INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${prefix}content (part TEXT PRIMARY KEY, hlc TEXT NOT NULL, hash INTEGER NOT NULL);
      CREATE VIEW IF NOT EXISTS ${prefix}row_saves (table_id, row_id, cell_id, value, hlc, hash, more_cells, row_hlc,
        row_hash, table_hlc, table_hash, tables_hlc, tables_hash)
        AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;
      CREATE TRIGGER IF NOT EXISTS ${prefix}row_save INSTEAD OF INSERT ON ${prefix}row_saves BEGIN
        INSERT OR REPLACE INTO ${prefix}cells VALUES (NEW.table_id, NEW.row_id, NEW.cell_id, NEW.value, NEW.hlc, NEW.hash);
        INSERT OR REPLACE INTO ${prefix}cells SELECT NEW.table_id, NEW.row_id, value ->> 0, value ->> 1, value ->> 2,
          value ->> 3 FROM json_each(NEW.more_cells) WHERE NEW.more_cells IS NOT NULL;
        INSERT OR REPLACE INTO ${prefix}rows VALUES (NEW.table_id, NEW.row_id, NEW.row_hlc, NEW.row_hash);
        INSERT OR REPLACE INTO ${prefix}tables VALUES (NEW.table_id, NEW.table_hlc, NEW.table_hash);
        INSERT OR REPLACE INTO ${prefix}content VALUES ('tables', NEW.tables_hlc, NEW.tables_hash);
      END;
    `);
    this.#writers = writersFor(this.#sql, prefix);
    this.#rowSave = `INSERT INTO ${prefix}row_saves VALUES (${Array(13).fill('?').join(', ')})`;
    this.#contentSave = `INSERT OR REPLACE INTO ${prefix}content VALUES (?, ?, ?)`;
    store.addDidFinishTransactionListener(() => {
      if (this.#merging) return;
      // Ids only (a plain change set): a restore's save must not hold a second stamped copy of the store.
      const [tables, values] = store.getTransactionChanges();
      const touched: Touched = { tables: [], values: Object.keys(values) };
      for (const [tableId, rows] of Object.entries(tables)) {
        // A deleted table or row (null) touched every cell it had: no cell ids stand for all of a row's cells.
        const rowIds = rows
          ? Object.keys(rows)
          : Object.keys(store.getMergeableRowHashes({ [tableId]: -1 })[tableId] ?? {});
        touched.tables.push([tableId, rowIds.map((rowId) => [rowId, Object.keys(rows?.[rowId] ?? {})])]);
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
    const [tablesHash, valuesHash] = store.getMergeableContentHashes();
    const relaying = this.relaying();
    const lone = touched.values.length === 0 && touched.tables.length === 1 ? touched.tables[0] : undefined;
    const loneRow = lone?.[1].length === 1 ? lone[1][0] : undefined;
    const [saved, tablesHlc] =
      lone && loneRow
        ? this.#saveRow(lone[0], ...loneRow, tablesHash, relaying)
        : this.#saveTables(touched.tables, tablesHash, relaying);
    const savedValues: ValuesStamp[0] = emptyRecord();
    let valuesHlc: Hlc = '';
    if (touched.values.length > 0) {
      const [values, hlc = ''] = store.getMergeableValueDiff({});
      const hashes = store.getMergeableValueHashes();
      valuesHlc = hlc;
      for (const valueId of touched.values) {
        const value = values[valueId];
        if (!value) continue;
        this.#sql.exec(
          `INSERT OR REPLACE INTO ${this.#prefix}values VALUES (?, ?, ?, ?)`,
          valueId,
          encode(value[0]),
          value[1] ?? '',
          hashes[valueId] ?? 0,
        );
        savedValues[valueId] = [value[0], value[1] ?? ''];
      }
      this.#sql.exec(this.#contentSave, 'values', valuesHlc, valuesHash);
    }
    this.onSaved([[saved, tablesHlc], [savedValues, valuesHlc], 1]);
  }

  /**
   * Saves one row (a client's usual change) in a single statement: its cells, the row, its table and the content
   * stamp. Answers the saved stamps for the relay (none when nobody listens) and the store's tables stamp.
   */
  #saveRow(
    tableId: string,
    rowId: string,
    cellIds: string[],
    tablesHash: number,
    relaying: boolean,
  ): [TablesStamp[0], Hlc] {
    const saved: TablesStamp[0] = emptyRecord();
    const { tablesHlc, row } = this.#storedRow(tableId, rowId, cellIds);
    if (!row) return [saved, tablesHlc];
    const tableHash = this.#store.getMergeableTableHashes()[tableId] ?? 0;
    const [cell, ...more] = row.cells;
    if (cell) {
      const moreJson =
        more.length > 0 ? JSON.stringify(more.map(([id, json, hlc, hash]) => [id, json, hlc, hash])) : null;
      this.#sql.exec(
        this.#rowSave,
        tableId,
        rowId,
        cell[0],
        cell[1],
        cell[2],
        cell[3],
        moreJson,
        row.hlc,
        row.hash,
        row.tableHlc,
        tableHash,
        tablesHlc,
        tablesHash,
      );
    } else {
      // None of the touched cells is in the row (nothing to write of them): its stamps alone, as any save.
      this.#writers.rows.push([tableId, rowId, row.hlc, row.hash]);
      this.#writers.tables.push([tableId, row.tableHlc, tableHash]);
      this.#writers.flush();
      this.#sql.exec(this.#contentSave, 'tables', tablesHlc, tablesHash);
    }
    if (relaying) {
      const savedRows: TableStamp[0] = emptyRecord();
      savedRows[rowId] = [stampsOf(row.cells), row.hlc];
      saved[tableId] = [savedRows, row.tableHlc];
    }
    return [saved, tablesHlc];
  }

  /** Saves the touched rows of any number of tables, a few statements per chunk of rows; answers as `#saveRow`. */
  #saveTables(tables: Touched['tables'], tablesHash: number, relaying: boolean): [TablesStamp[0], Hlc] {
    const tableHashes = this.#store.getMergeableTableHashes();
    const write = this.#writers;
    const saved: TablesStamp[0] = emptyRecord();
    let tablesHlc: Hlc = '';
    let savedAny = false;
    for (const [tableId, rows] of tables) {
      let tableHlc: Hlc | undefined;
      const savedRows: TableStamp[0] = emptyRecord();
      for (const [rowId, cellIds] of rows) {
        const stored = this.#storedRow(tableId, rowId, cellIds);
        tablesHlc = stored.tablesHlc;
        const row = stored.row;
        if (!row) continue;
        tableHlc = row.tableHlc;
        for (const [cellId, json, hlc, hash] of row.cells) {
          write.cells.push([tableId, rowId, cellId, json, hlc, hash]);
        }
        write.rows.push([tableId, rowId, row.hlc, row.hash]);
        if (relaying) savedRows[rowId] = [stampsOf(row.cells), row.hlc];
      }
      if (tableHlc === undefined) continue;
      write.tables.push([tableId, tableHlc, tableHashes[tableId] ?? 0]);
      if (relaying) saved[tableId] = [savedRows, tableHlc];
      savedAny = true;
    }
    write.flush();
    if (savedAny) this.#sql.exec(this.#contentSave, 'tables', tablesHlc, tablesHash);
    return [saved, tablesHlc];
  }

  /**
   * One touched row as the store holds it now: the touched cells (every cell it has when none are named) as they
   * are to be stored, the row's stamp and hash, and its table's stamp; `tablesHlc` is the store's tables stamp.
   */
  #storedRow(tableId: string, rowId: string, cellIds: string[]): { tablesHlc: Hlc; row?: StoredRow } {
    const store = this.#store;
    const [diff, tablesHlc = ''] = store.getMergeableCellDiff({ [tableId]: { [rowId]: {} } });
    const table = diff[tableId];
    const row = table?.[0][rowId];
    if (!table || !row) return { tablesHlc };
    const [cells, hlc = ''] = row;
    const cellHashes = store.getMergeableCellHashes({ [tableId]: { [rowId]: -1 } })[tableId]?.[rowId] ?? {};
    const savedCells: StoredCell[] = [];
    for (const cellId of cellIds.length > 0 ? cellIds : Object.keys(cells)) {
      const cell = cells[cellId];
      if (!cell) continue;
      savedCells.push([cellId, encode(cell[0]), cell[1] ?? '', cellHashes[cellId] ?? 0, cell[0]]);
    }
    return {
      tablesHlc,
      row: { cells: savedCells, hlc, hash: rowHash(cellHashes, hlc), tableHlc: table[1] ?? '' },
    };
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
