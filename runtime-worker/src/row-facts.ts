// The cells that decide who sees a row: its write-once `auto` fields (Created by, Created at), the only ones a
// `read` rule may use. A living row's are in the store; a deleted row's are gone from it, yet a person who saw the
// row must still get its deletion and see its tombstone in their hashes, so they are kept here, in memory and in
// SQLite, from the moment the row is deleted until it is created again.
import {
  readableRuleFields,
  type CellValue,
  type CompiledDatastore,
  type Row,
} from '@datastore-designer/schema';
import type { Cell, MergeableStore } from 'tinybase';
import type { PersisterStorage } from './instance-persister.ts';

/** A row's deciding cells, in the order of the table's deciding fields, with the key they are cached under. */
export interface Facts {
  row: Row;
  key: string;
}

/** Where a view finds a row's deciding cells. */
export interface FactsSource {
  of(tableId: string, rowId: string): Facts;
}

const UNKNOWN: Facts = { row: {}, key: 'unknown' };

/** A deciding cell's value, or null where the row has none (as JSON keeps it). */
type Decider = Cell | null;

export const factsOf = (fields: readonly string[], values: readonly Decider[]): Facts => {
  const row: Row = {};
  fields.forEach((field, index) => {
    const value = values[index];
    if (value !== undefined && value !== null) row[field] = value as CellValue;
  });
  return { row, key: JSON.stringify(values) };
};

/** A row whose deciding cells changed, with what they were; `recreated` when it had been deleted before. */
export interface Refacted {
  tableId: string;
  rowId: string;
  before: Facts;
  recreated: boolean;
}

/** The deciding cells of an instance's rows, for every table that has deciding fields. */
export class RowFacts implements FactsSource {
  readonly #store: MergeableStore;
  readonly #sql: PersisterStorage['sql'];
  readonly #table: string;
  /** table → row → the deciding values of a deleted row, in field order (as when it was deleted). */
  readonly #deleted = new Map<string, Map<string, Decider[]>>();
  #fields = new Map<string, readonly string[]>();
  #listeners: string[] = [];
  /**
   * Rows whose deciding cells changed, with the facts they had before: living rows the server data API gave other
   * deciding cells, and deleted rows created again (under the same id, by someone else, or later).
   */
  #refacted: Refacted[] = [];

  constructor(store: MergeableStore, storage: PersisterStorage, prefix: string) {
    this.#store = store;
    this.#sql = storage.sql;
    this.#table = `${prefix}deleted_row_facts`;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS ${this.#table} (table_id TEXT NOT NULL, row_id TEXT NOT NULL,
      facts TEXT NOT NULL, PRIMARY KEY (table_id, row_id)) WITHOUT ROWID`);
    for (const [table, row, facts] of this.#sql
      .exec(`SELECT table_id, row_id, facts FROM ${this.#table}`)
      .raw()) {
      this.#deletedIn(String(table)).set(String(row), JSON.parse(String(facts)) as Decider[]);
    }
  }

  /**
   * Follows a datastore's deciding fields: from now on, the deciding cells of each row deleted are kept. Rows
   * deleted before a table had such fields have none kept, and are seen by nobody a row decides for.
   */
  follow(datastore: CompiledDatastore | undefined): void {
    const fields = new Map<string, readonly string[]>();
    for (const table of Object.values(datastore?.tables ?? {})) {
      const deciding = readableRuleFields(table.config);
      if (!table.serverOnly && deciding.length > 0) fields.set(table.id, deciding);
    }
    if (JSON.stringify([...fields]) === JSON.stringify([...this.#fields])) return;
    for (const id of this.#listeners) this.#store.delListener(id);
    this.#fields = fields;
    this.#listeners = [...fields].flatMap(([tableId, deciding]) =>
      deciding.map((field) =>
        this.#store.addCellListener(
          tableId,
          null,
          field,
          (store, _table, rowId, _cell, newCell, oldCell, getCellChange) => {
            const old = (cell: string) => getCellChange?.(tableId, rowId, cell)[1];
            if (newCell === undefined) {
              if (!store.hasRow(tableId, rowId)) this.#keepDeleted(tableId, rowId, deciding, old);
              return;
            }
            const kept = this.#deleted.get(tableId)?.get(rowId);
            this.#forgetDeleted(tableId, rowId);
            const changed = oldCell !== undefined && oldCell !== newCell && store.hasRow(tableId, rowId);
            if (!kept && !changed) return;
            if (this.#refacted.some((entry) => entry.tableId === tableId && entry.rowId === rowId)) return;
            const before = factsOf(deciding, kept ?? deciding.map((field) => old(field) ?? null));
            this.#refacted.push({ tableId, rowId, before, recreated: kept !== undefined });
          },
        ),
      ),
    );
  }

  /** A row's deciding cells: from the store while it lives, as kept when it was deleted, or unknown. */
  of(tableId: string, rowId: string): Facts {
    const fields = this.#fields.get(tableId);
    if (!fields) return UNKNOWN;
    const store = this.#store;
    if (store.hasRow(tableId, rowId)) {
      return factsOf(
        fields,
        fields.map((field) => store.getCell(tableId, rowId, field) ?? null),
      );
    }
    const kept = this.#deleted.get(tableId)?.get(rowId);
    return kept ? factsOf(fields, kept) : UNKNOWN;
  }

  /**
   * The rows whose deciding cells changed since the last call (on a living row only the server data API can change
   * them; a deleted row gets new ones when it is created again), with what they were.
   */
  takeRefacted(): Refacted[] {
    const taken = this.#refacted;
    this.#refacted = [];
    return taken;
  }

  /** The deleted rows of a table whose deciding cells are kept. */
  deletedRows(tableId: string): Iterable<string> {
    return this.#deleted.get(tableId)?.keys() ?? [];
  }

  #deletedIn(tableId: string): Map<string, Decider[]> {
    let rows = this.#deleted.get(tableId);
    if (!rows) this.#deleted.set(tableId, (rows = new Map()));
    return rows;
  }

  /**
   * Keeps the deciding cells of a row just deleted: each deciding cell's listener runs once the transaction is
   * done, so the first to run reads every old value from the transaction's record of what it changed.
   */
  #keepDeleted(
    tableId: string,
    rowId: string,
    fields: readonly string[],
    oldCell: (cellId: string) => Cell | undefined,
  ): void {
    const rows = this.#deletedIn(tableId);
    if (rows.has(rowId)) return;
    const values = fields.map((field) => oldCell(field) ?? null);
    rows.set(rowId, values);
    this.#sql.exec(
      `INSERT OR REPLACE INTO ${this.#table} VALUES (?, ?, ?)`,
      tableId,
      rowId,
      JSON.stringify(values),
    );
  }

  #forgetDeleted(tableId: string, rowId: string): void {
    if (!this.#deleted.get(tableId)?.delete(rowId)) return;
    this.#sql.exec(`DELETE FROM ${this.#table} WHERE table_id = ? AND row_id = ?`, tableId, rowId);
  }
}
