// Summaries of the sync frames a client sends and receives, so a person can see what crossed the wire.
import type { Rejection } from './rejection-notice.ts';

/** One row touched by a frame, with the cells it carried (a deleted cell shows as `undefined`). */
export interface TracedRow {
  table: string;
  row: string;
  cells: Record<string, unknown>;
}

/** One frame that crossed the wire: its direction, what kind of sync step it was, and the rows it carried. */
export interface TraceEvent {
  at: number;
  direction: 'sent' | 'received';
  /** `changes` carries rows; `check` is a hash comparison or a request for differences; `rejected` a notice. */
  kind: 'changes' | 'check' | 'rejected';
  rows: TracedRow[];
  rejection?: Rejection;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads `[{table: [{row: [{cell: [value, hlc]}, hlc]}, hlc]}, hlc]` (a TinyBase tables stamp) into rows. */
const rowsOfTablesStamp = (stamp: unknown): TracedRow[] => {
  const rows: TracedRow[] = [];
  if (!Array.isArray(stamp) || !isRecord(stamp[0])) return rows;
  for (const [table, tableStamp] of Object.entries(stamp[0])) {
    if (!Array.isArray(tableStamp) || !isRecord(tableStamp[0])) continue;
    for (const [row, rowStamp] of Object.entries(tableStamp[0])) {
      if (!Array.isArray(rowStamp) || !isRecord(rowStamp[0])) continue;
      const cells: Record<string, unknown> = {};
      for (const [cell, cellStamp] of Object.entries(rowStamp[0])) {
        cells[cell] = Array.isArray(cellStamp) ? cellStamp[0] : undefined;
      }
      rows.push({ table, row, cells });
    }
  }
  return rows;
};

/** Turns one TinyBase protocol message (type 0–7 and its body) into a trace event. */
export const traceMessage = (direction: TraceEvent['direction'], type: number, body: unknown): TraceEvent => {
  let rows: TracedRow[] = [];
  if (type === 3 && Array.isArray(body)) rows = rowsOfTablesStamp(body[0]);
  else if (type === 0 && Array.isArray(body)) {
    // Answers to GetTableDiff/GetRowDiff are [tablesStamp, hashes]; to GetCellDiff a bare tables stamp.
    rows = rowsOfTablesStamp(Array.isArray(body[0]) ? body[0] : body);
  }
  return { at: Date.now(), direction, kind: rows.length > 0 ? 'changes' : 'check', rows };
};
