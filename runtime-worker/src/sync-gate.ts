// The write judgement of the sync hub: judges a client's incoming changes row by row, keeps what is allowed,
// and writes the corrections that bring the sender back to the server's state. Kept apart so it can be
// swapped for TinyBase's own hub mode when that ships.
import {
  judgeRowChange,
  type CellValue,
  type CompiledDatastore,
  type RejectionNotice,
  type Row,
  type RuleInstance,
  type RuleUser,
} from '@datastore-designer/schema';
import type { MergeableStore } from 'tinybase';
import { emptyRecord, ownEntry } from './own-key.ts';
import type { CellStamps, MergeableChanges, Stamp, TablesStamp, ValuesStamp } from './sync-protocol.ts';

/** Who is writing, into which instance, under which config. */
export interface GateContext {
  datastore: CompiledDatastore;
  user: RuleUser;
  instance: RuleInstance;
  now: number;
}

/** The clock the gate stamps corrections and defaults with: it must have seen every incoming stamp. */
export interface GateClock {
  seen(hlc: string): void;
  next(): string;
  /**
   * Whether an incoming stamp is a well-formed HLC at most a few minutes ahead. A stamp from far in the future
   * would win every later write (and TinyBase's store would silently drop the whole change), so it is refused.
   */
  valid(hlc: string): boolean;
}

/**
 * What to do with one incoming message: merge `accepted`; apply `correction` to the server and send it to every
 * client (it re-asserts rows everyone already has, under a newer stamp); send `senderCorrection` to the sender
 * alone (deletions of rows and values only the sender has: storing them would let a client grow the instance
 * without bound, and sending them would show others a trace of the refused write); notify `rejections`.
 */
export interface GateResult {
  accepted?: MergeableChanges;
  correction?: MergeableChanges;
  senderCorrection?: MergeableChanges;
  rejections: RejectionNotice[];
}

type RowStamps = Record<string, Stamp<CellStamps>>;

const later = (a: string | undefined, b: string | undefined): string =>
  (a ?? '') > (b ?? '') ? (a ?? '') : (b ?? '');

/** The stored cells of one row with their stamps, tombstones included. */
const storedCells = (store: MergeableStore, tableId: string, rowId: string): CellStamps => {
  const diff = store.getMergeableCellDiff({ [tableId]: { [rowId]: {} } }) as unknown as TablesStamp;
  return diff[0][tableId]?.[0][rowId]?.[0] ?? {};
};

const storedValues = (store: MergeableStore): Record<string, Stamp<unknown>> =>
  (store.getMergeableValueDiff({}) as unknown as ValuesStamp)[0];

/** Every stamp in a message, so corrections can be stamped later than all of them. */
const seeAll = (clock: GateClock, changes: MergeableChanges): void => {
  const see = (hlc: string | undefined) => {
    if (hlc && clock.valid(hlc)) clock.seen(hlc);
  };
  const [[tables, tablesHlc], [values, valuesHlc]] = changes;
  see(tablesHlc);
  see(valuesHlc);
  for (const [rows, tableHlc] of Object.values(tables)) {
    see(tableHlc);
    for (const [cells, rowHlc] of Object.values(rows)) {
      see(rowHlc);
      for (const [, cellHlc] of Object.values(cells)) see(cellHlc);
    }
  }
  for (const [, valueHlc] of Object.values(values)) see(valueHlc);
};

/** A container's stamp as the client sent it when valid, else the latest of the stamps inside it. */
const containerHlc = (clock: GateClock, incoming: string | undefined, inside: string): string =>
  incoming && clock.valid(incoming) ? later(incoming, inside) : inside;

const operationOf = (
  before: Row | undefined,
  incoming: Record<string, unknown>,
): RejectionNotice['operation'] => {
  const existed = before !== undefined && Object.keys(before).length > 0;
  const merged = { ...before, ...incoming };
  const exists = Object.values(merged).some((value) => value !== undefined);
  return exists ? (existed ? 'update' : 'create') : 'delete';
};

/**
 * Judges one incoming message (a ContentDiff body, or what a pull brought back) against the server store:
 * cells no newer than the stored ones are ignored, the rest are grouped by row and judged (schema, then rule).
 */
export const judgeChanges = (
  store: MergeableStore,
  changes: MergeableChanges,
  context: GateContext,
  clock: GateClock,
): GateResult => {
  seeAll(clock, changes);
  const readOnly = context.datastore.config.sync === 'serverToClient';
  const [[incomingTables, incomingTablesHlc], [incomingValues]] = changes;
  const acceptedTables = emptyRecord<Stamp<RowStamps>>();
  const corrected = emptyRecord<Stamp<RowStamps>>();
  const senderCorrected = emptyRecord<Stamp<RowStamps>>();
  const rejections: RejectionNotice[] = [];
  let acceptedHlc = incomingTablesHlc && clock.valid(incomingTablesHlc) ? incomingTablesHlc : '';
  let correctionHlc = '';
  let senderHlc = '';

  for (const [tableId, [incomingRows, incomingTableHlc]] of Object.entries(incomingTables)) {
    const table = ownEntry(context.datastore.tables, tableId);
    for (const [rowId, [incomingCells, incomingRowHlc]] of Object.entries(incomingRows)) {
      const stored = storedCells(store, tableId, rowId);
      const newer: CellStamps = emptyRecord();
      for (const [cellId, stamp] of Object.entries(incomingCells)) {
        if ((stamp[1] ?? '') > (stored[cellId]?.[1] ?? '')) newer[cellId] = stamp;
      }
      const cellIds = Object.keys(newer);
      if (cellIds.length === 0) continue;
      const incoming = Object.fromEntries(cellIds.map((cellId) => [cellId, newer[cellId]?.[0]]));
      const before = store.hasRow(tableId, rowId) ? (store.getRow(tableId, rowId) as Row) : undefined;
      const operation = operationOf(before, incoming);
      if (before === undefined && operation === 'delete') {
        // A tombstone for a row the server never had (often the remains of a refused create): nothing to
        // judge, and storing it would let a client grow the instance without bound.
        continue;
      }
      let rejection: Omit<RejectionNotice, 'table' | 'row' | 'cells' | 'operation'> | undefined;
      let defaults: Row = {};
      if (cellIds.some((cellId) => !clock.valid(newer[cellId]?.[1] ?? ''))) {
        rejection = {
          rule: 'schema',
          expression: '',
          reason: 'The change carries a malformed time stamp or one from the future: check the device clock.',
        };
      } else if (table === undefined || table.serverOnly) {
        rejection = {
          rule: 'unknownTable',
          expression: '',
          reason:
            table === undefined
              ? `There is no table "${tableId}" in this datastore.`
              : `The table "${tableId}" is server-only: clients cannot read or write it.`,
        };
      } else if (readOnly) {
        rejection = {
          rule: 'readOnly',
          expression: '',
          reason: 'This datastore syncs from the server to clients only: clients cannot change it.',
        };
      } else {
        const judgement = judgeRowChange(table, before, incoming as Record<string, CellValue | undefined>, {
          user: context.user,
          instance: context.instance,
          now: context.now,
        });
        if (judgement.allowed) defaults = judgement.defaults;
        else rejection = { rule: judgement.rule, expression: judgement.expression, reason: judgement.reason };
      }

      if (rejection === undefined) {
        const cells: CellStamps = Object.assign(emptyRecord(), newer);
        let insideHlc = '';
        for (const [, cellHlc] of Object.values(newer)) insideHlc = later(insideHlc, cellHlc);
        for (const [cellId, value] of Object.entries(defaults)) {
          const hlc = clock.next();
          cells[cellId] = [value, hlc];
          insideHlc = later(insideHlc, hlc);
        }
        const rowHlc = containerHlc(clock, incomingRowHlc, insideHlc);
        const tableStamp = (acceptedTables[tableId] ??= [
          emptyRecord(),
          containerHlc(clock, incomingTableHlc, ''),
        ]);
        tableStamp[0][rowId] = [cells, rowHlc];
        tableStamp[1] = later(tableStamp[1], rowHlc);
        acceptedHlc = later(acceptedHlc, rowHlc);
        continue;
      }

      rejections.push({ table: tableId, row: rowId, cells: cellIds, operation, ...rejection });
      // The stored value (or a deletion where there was none) under a stamp newer than the refused one.
      const hlc = clock.next();
      const cells: CellStamps = emptyRecord();
      for (const cellId of cellIds) cells[cellId] = [stored[cellId]?.[0], hlc];
      const tableStamp = ((before === undefined ? senderCorrected : corrected)[tableId] ??= [
        emptyRecord(),
        hlc,
      ]);
      tableStamp[0][rowId] = [cells, hlc];
      tableStamp[1] = hlc;
      if (before === undefined) senderHlc = hlc;
      else correctionHlc = hlc;
    }
  }

  const values = storedValues(store);
  const correctedValues = emptyRecord<Stamp<unknown>>();
  let valuesHlc = '';
  for (const [valueId, [, hlc]] of Object.entries(incomingValues)) {
    if ((hlc ?? '') <= (values[valueId]?.[1] ?? '')) continue;
    valuesHlc = clock.next();
    correctedValues[valueId] = [values[valueId]?.[0], valuesHlc];
    rejections.push({
      table: '',
      row: '',
      cells: [valueId],
      operation: values[valueId]?.[0] === undefined ? 'create' : 'update',
      rule: 'values',
      expression: '',
      reason: `Values (like "${valueId}") are not part of this datastore: clients cannot write them.`,
    });
  }

  const result: GateResult = { rejections };
  if (Object.keys(acceptedTables).length > 0) {
    result.accepted = [[acceptedTables, acceptedHlc], [{}, ''], 1];
  }
  if (correctionHlc !== '') result.correction = [[corrected, correctionHlc], [{}, ''], 1];
  if (senderHlc !== '' || valuesHlc !== '') {
    result.senderCorrection = [[senderCorrected, senderHlc], [correctedValues, valuesHlc], 1];
  }
  return result;
};
