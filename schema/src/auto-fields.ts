// Server-written fields ("Created by", "Created at", "Last changed at"): what a change means once they are set
// aside, and the cells the server writes in their place. Pure, so the hub, the data API and the runners agree.
import type { AutoKind, CellValue, Row, RowRuleKind, TableConfig } from './config-types.ts';
import { ownEntry } from './own-key.ts';

/** Incoming cells of one row: a value, or undefined where the cell is deleted. */
export type IncomingCells = Record<string, CellValue | undefined>;

/** A client's change to one row with its `auto` fields set aside, and what the server writes for them. */
export interface AutoChange {
  /** The incoming cells without `auto` fields: what the change is classified and judged by (`changed`). */
  incoming: IncomingCells;
  /** The `auto` fields the client sent; whatever it sent is replaced by the server's value. */
  sent: string[];
  /** True when the change touched `auto` fields only: it is not judged, and the sender gets the stored cells back. */
  autoOnly: boolean;
  /** What the change is, classified ignoring `auto` fields. */
  operation: RowRuleKind;
  /**
   * The `auto` cells the server writes when the change is accepted: `creator` and `createdAt` on create,
   * `updatedAt` on create and update, the stored value (undefined where none) of any other `auto` field the
   * client sent, and on delete every `auto` cell of the row removed (undefined).
   */
  cells: IncomingCells;
}

/** The `auto` kind of a table's field, or undefined for an ordinary (or unknown) field. */
export const autoKindOf = (table: TableConfig | undefined, fieldId: string): AutoKind | undefined =>
  table === undefined ? undefined : ownEntry(table.fields, fieldId)?.auto;

/** Whether `cells` hold a value of an ordinary field, leaving aside the cells `unless` has its own say on. */
const hasOrdinaryCells = (
  table: TableConfig,
  cells: IncomingCells | undefined,
  unless?: IncomingCells,
): boolean => {
  for (const fieldId in cells) {
    if (!Object.hasOwn(cells, fieldId) || (unless !== undefined && Object.hasOwn(unless, fieldId))) continue;
    if (cells[fieldId] !== undefined && autoKindOf(table, fieldId) === undefined) return true;
  }
  return false;
};

/**
 * Splits a client's change to one row into its ordinary cells and its `auto` ones, classifies it ignoring `auto`
 * fields, and gives the `auto` cells the server writes if the change is accepted (see AutoChange).
 */
export const autoChange = (
  table: TableConfig,
  before: Row | undefined,
  incoming: IncomingCells,
  userId: string,
  now: number,
): AutoChange => {
  // Null-prototype records: a cell named "__proto__" must stay an ordinary (unknown) cell, never vanish.
  const ordinary: IncomingCells = Object.create(null) as IncomingCells;
  const sent: string[] = [];
  for (const [fieldId, value] of Object.entries(incoming)) {
    if (autoKindOf(table, fieldId) === undefined) ordinary[fieldId] = value;
    else sent.push(fieldId);
  }
  const existed = hasOrdinaryCells(table, before);
  // The row after the change (its ordinary cells over the stored ones) has an ordinary cell left.
  const exists = hasOrdinaryCells(table, ordinary) || hasOrdinaryCells(table, before, ordinary);
  const operation: RowRuleKind = exists ? (existed ? 'update' : 'create') : 'delete';
  const stored = (fieldId: string) => (before === undefined ? undefined : ownEntry(before, fieldId));
  const cells: IncomingCells = Object.create(null) as IncomingCells;
  for (const fieldId of sent) cells[fieldId] = stored(fieldId);
  for (const [fieldId, field] of Object.entries(table.fields)) {
    if (field.auto === undefined) continue;
    if (operation === 'delete') {
      if (stored(fieldId) !== undefined || Object.hasOwn(cells, fieldId)) cells[fieldId] = undefined;
    } else if (operation === 'create') {
      cells[fieldId] = field.auto === 'creator' ? userId : now;
    } else if (field.auto === 'updatedAt') {
      cells[fieldId] = now;
    }
  }
  return {
    incoming: ordinary,
    sent,
    autoOnly: sent.length > 0 && Object.keys(ordinary).length === 0,
    operation,
    cells,
  };
};

/**
 * The `auto` cells the server data API adds to a row it sets whole (`PUT`): on a new row `creator` is '' and
 * `createdAt` now; on an existing row the stored `creator` and `createdAt` are kept (never filled when the row
 * had none); `updatedAt` is now. A cell the body sets itself is left as the body has it.
 */
export const autoCellsForPut = (
  table: TableConfig,
  stored: Row | undefined,
  body: Record<string, unknown>,
  now: number,
): Row => {
  const cells: Row = {};
  for (const [fieldId, field] of Object.entries(table.fields)) {
    if (field.auto === undefined || Object.hasOwn(body, fieldId)) continue;
    if (field.auto === 'updatedAt') cells[fieldId] = now;
    else if (stored === undefined) cells[fieldId] = field.auto === 'creator' ? '' : now;
    else {
      const kept = ownEntry(stored, fieldId);
      if (kept !== undefined) cells[fieldId] = kept;
    }
  }
  return cells;
};
