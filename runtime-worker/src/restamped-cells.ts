// The cells the hub stored under a stamp of its own (a correction re-asserting a refused cell, or an allowed late
// edit taken in after one): what stamp their value really has, so an edit made offline before that stamp but
// after the value's own time is judged instead of being ignored as older. Kept in SQLite, bounded, oldest dropped.
import type { Hlc } from 'tinybase';
import type { PersisterStorage } from './instance-persister.ts';
import type { Restamp, TrueStamps } from './sync-gate.ts';

/** How many restamped cells are remembered; past that the oldest are forgotten (they fall back to plain stamps). */
export const MAX_RESTAMPED_CELLS = 10_000;

interface Entry {
  trueHlc: Hlc;
  hubHlc: Hlc;
}

const keyOf = (table: string, row: string, cell: string): string => JSON.stringify([table, row, cell]);

/** An instance's restamped cells: read from memory, every change also written to its SQL table. */
export class RestampedCells implements TrueStamps {
  readonly #sql: PersisterStorage['sql'];
  readonly #table: string;
  readonly #max: number;
  // Insertion order is age order: loaded by hub stamp, and each new entry is appended.
  readonly #entries = new Map<string, Entry>();

  constructor(storage: PersisterStorage, prefix: string, max = MAX_RESTAMPED_CELLS) {
    this.#sql = storage.sql;
    this.#table = `${prefix}restamped`;
    this.#max = max;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS ${this.#table} (table_id TEXT NOT NULL, row_id TEXT NOT NULL,
      cell_id TEXT NOT NULL, true_hlc TEXT NOT NULL, hub_hlc TEXT NOT NULL,
      PRIMARY KEY (table_id, row_id, cell_id)) WITHOUT ROWID`);
    for (const [table, row, cell, trueHlc, hubHlc] of this.#sql
      .exec(`SELECT table_id, row_id, cell_id, true_hlc, hub_hlc FROM ${this.#table} ORDER BY hub_hlc`)
      .raw()) {
      this.#entries.set(keyOf(String(table), String(row), String(cell)), {
        trueHlc: String(trueHlc),
        hubHlc: String(hubHlc),
      });
    }
  }

  /** How many cells are remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The stamp a stored cell's value really has: its remembered true stamp while the store still holds the hub's
   * stamp for it, else the stored stamp (an entry a later write overtook is forgotten on the way).
   */
  trueHlc(table: string, row: string, cell: string, storedHlc: Hlc): Hlc {
    const key = keyOf(table, row, cell);
    const entry = this.#entries.get(key);
    if (entry === undefined) return storedHlc;
    if (entry.hubHlc === storedHlc) return entry.trueHlc;
    this.#forget(key, table, row, cell);
    return storedHlc;
  }

  /** Remembers cells just stored under the hub's stamps, dropping the oldest beyond the bound. */
  remember(restamps: readonly Restamp[]): void {
    for (const { table, row, cell, trueHlc, hubHlc } of restamps) {
      const key = keyOf(table, row, cell);
      this.#entries.delete(key);
      this.#entries.set(key, { trueHlc, hubHlc });
      this.#sql.exec(
        `INSERT OR REPLACE INTO ${this.#table} VALUES (?, ?, ?, ?, ?)`,
        table,
        row,
        cell,
        trueHlc,
        hubHlc,
      );
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      const [table = '', row = '', cell = ''] = JSON.parse(key) as string[];
      this.#forget(key, table, row, cell);
    }
  }

  #forget(key: string, table: string, row: string, cell: string): void {
    this.#entries.delete(key);
    this.#sql.exec(
      `DELETE FROM ${this.#table} WHERE table_id = ? AND row_id = ? AND cell_id = ?`,
      table,
      row,
      cell,
    );
  }
}
