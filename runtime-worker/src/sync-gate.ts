// The write judgement of the sync hub on TinyBase's changes: finds the cells of a client's message that are newer
// than the stored ones, groups them by row, has schema's `judgeWrite` decide each row, and writes the corrections
// that bring the sender back to the server's state. Kept apart so it can be swapped for TinyBase's own hub mode.
import {
  judgeValueWrite,
  judgeWrite,
  rowIdsProblem,
  shortId,
  writeOperation,
  type CellValue,
  type CompiledDatastore,
  type RejectionNotice,
  type Row,
  type RuleInstance,
  type RuleUser,
} from '@datastore-designer/schema';
import type { Hlc, MergeableChanges, MergeableStore, RowStamp, TablesStamp, ValueStamp } from 'tinybase';
import { emptyRecord, ownEntry } from './own-key.ts';

/** Who is writing, into which instance, under which config, and how many new rows still fit. */
export interface GateContext {
  datastore: CompiledDatastore;
  user: RuleUser;
  instance: RuleInstance;
  now: number;
  /** How many rows may still be created before the instance reaches its size ceiling. */
  roomForRows: number;
}

/** The clock the gate stamps corrections and defaults with: it must have seen every incoming stamp. */
export interface GateClock {
  seen(hlc: Hlc): void;
  next(): Hlc;
  /** Whether a stamp is a well-formed HLC. */
  wellFormed(hlc: Hlc): boolean;
  /**
   * How many milliseconds a stamp's time is ahead of the server's clock beyond what TinyBase tolerates (five
   * minutes); 0 when it is within. Such a stamp would win every later write, and TinyBase's store silently drops
   * a whole change holding one, so it is refused.
   */
  aheadBy(hlc: Hlc): number;
}

/**
 * A cell the hub stores under a stamp of its own (`hubHlc`) while its value really dates from `trueHlc`: a
 * correction re-asserting a refused cell must outrank the refused stamp, yet an allowed edit made between the
 * value's own time and the correction is newer than the value and must still be judged, not ignored as older.
 */
export interface Restamp {
  table: string;
  row: string;
  cell: string;
  trueHlc: Hlc;
  hubHlc: Hlc;
}

/** Where the gate looks up the true stamps of restamped cells (`sync-hub` keeps them). */
export interface TrueStamps {
  /** The stamp the stored cell's value really has; `storedHlc` unless the hub restamped it. */
  trueHlc(table: string, row: string, cell: string, storedHlc: Hlc): Hlc;
}

/**
 * What to do with one incoming message: merge `accepted`; apply `correction` to the server and send it to every
 * client (it re-asserts rows everyone already has, under a newer stamp); send `senderCorrection` to the sender
 * alone (deletions of rows and values only the sender has: storing them would let a client grow the instance
 * without bound, and sending them would show others a trace of the refused write); notify `rejections`.
 * `clockAheadBy` is set when the message carried stamps too far in the future: the sender's clock is fast.
 */
export interface GateResult {
  accepted?: MergeableChanges;
  correction?: MergeableChanges;
  senderCorrection?: MergeableChanges;
  rejections: RejectionNotice[];
  clockAheadBy?: number;
  /** Cells `accepted` or `correction` store under the hub's stamp, to remember once stored. */
  restamps?: Restamp[];
}

const later = (a: Hlc | undefined, b: Hlc | undefined): Hlc =>
  (a ?? '') > (b ?? '') ? (a ?? '') : (b ?? '');

const validHlc = (clock: GateClock, hlc: Hlc | undefined): hlc is Hlc =>
  hlc !== undefined && clock.wellFormed(hlc) && clock.aheadBy(hlc) === 0;

/** The stored cells of one row with their stamps, tombstones included (one row's work, never the table's). */
const storedCells = (store: MergeableStore, tableId: string, rowId: string): RowStamp[0] =>
  store.getMergeableCellDiff({ [tableId]: { [rowId]: {} } })[0][tableId]?.[0][rowId]?.[0] ?? {};

/** Every stamp in a message, so corrections can be stamped later than all of them. */
const seeAll = (clock: GateClock, [[tables, tablesHlc], [values, valuesHlc]]: MergeableChanges): void => {
  // A client's change repeats one stamp at every level (tables, table, row, cell): each is seen once in a row.
  let last: Hlc | undefined;
  const see = (hlc: Hlc | undefined) => {
    if (hlc === last) return;
    last = hlc;
    if (validHlc(clock, hlc)) clock.seen(hlc);
  };
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

/**
 * The clock with the checks of the last stamp it checked remembered: one message repeats the same stamp at every
 * level and checks each several times. (The server's time stands still while a message is handled.)
 */
const checkingOnce = (clock: GateClock): GateClock => {
  let formedHlc: Hlc | undefined;
  let formed = false;
  let aheadHlc: Hlc | undefined;
  let ahead = 0;
  return {
    seen: (hlc) => clock.seen(hlc),
    next: () => clock.next(),
    wellFormed: (hlc) => {
      if (hlc !== formedHlc) {
        formed = clock.wellFormed(hlc);
        formedHlc = hlc;
      }
      return formed;
    },
    aheadBy: (hlc) => {
      if (hlc !== aheadHlc) {
        ahead = clock.aheadBy(hlc);
        aheadHlc = hlc;
      }
      return ahead;
    },
  };
};

/** A container's stamp as the client sent it when valid, else the latest of the stamps inside it. */
const containerHlc = (clock: GateClock, incoming: Hlc | undefined, inside: Hlc): Hlc =>
  validHlc(clock, incoming) ? later(incoming, inside) : inside;

const clockReason = (aheadBy: number): string => {
  const minutes = Math.round((aheadBy + 5 * 60_000) / 60_000);
  return (
    `This device's clock is about ${minutes} minutes ahead of the server's, so its changes carry times from ` +
    'the future that no other copy can accept. Set the device clock right (automatic time), then reconnect.'
  );
};

/** A notice's ids as the sender may see them quoted: a too long id is shortened, never echoed in full. */
const quoted = (notice: RejectionNotice): RejectionNotice => ({
  ...notice,
  table: shortId(notice.table),
  row: shortId(notice.row),
  cells: notice.cells.map(shortId),
});

const plainStamps: TrueStamps = { trueHlc: (_table, _row, _cell, storedHlc) => storedHlc };

/**
 * The incoming cells newer than the stored ones, judged against each cell's true stamp; `late` lists those newer
 * only than the true stamp (older than the hub's restamp), which must be stored under a fresh hub stamp.
 */
const newerCells = (
  incomingCells: RowStamp[0],
  stored: RowStamp[0],
  truth: (cellId: string) => Hlc,
): { newer: RowStamp[0]; late: string[] } => {
  const newer: RowStamp[0] = emptyRecord();
  const late: string[] = [];
  for (const [cellId, stamp] of Object.entries(incomingCells)) {
    const hlc = stamp[1] ?? '';
    if (hlc > (stored[cellId]?.[1] ?? '')) newer[cellId] = stamp;
    else if (hlc > truth(cellId)) {
      newer[cellId] = stamp;
      late.push(cellId);
    }
  }
  return { newer, late };
};

/**
 * Restamps an accepted row's late cells past the hub's own stamp (so every copy, the sender's included, takes
 * them) and says what to remember: their value dates from the sender's stamp.
 */
const restampLate = (
  clock: GateClock,
  where: { table: string; row: string },
  cells: RowStamp[0],
  late: readonly string[],
  stored: RowStamp[0],
): Restamp[] =>
  late.map((cell) => {
    const storedHlc = stored[cell]?.[1] ?? '';
    if (clock.wellFormed(storedHlc)) clock.seen(storedHlc);
    const hubHlc = clock.next();
    const trueHlc = cells[cell]?.[1] ?? '';
    cells[cell] = [cells[cell]?.[0], hubHlc];
    return { ...where, cell, trueHlc, hubHlc };
  });

/**
 * Writes the `auto` cells of an accepted change into it, each under a new hub stamp: the server's values replace
 * whatever the client sent for them, and the newer stamp makes the sender converge to them. Answers the latest stamp.
 */
const stampAutoCells = (
  clock: GateClock,
  cells: RowStamp[0],
  written: Record<string, CellValue | undefined>,
): Hlc => {
  let latest = '';
  for (const [cellId, value] of Object.entries(written)) {
    const hlc = clock.next();
    cells[cellId] = [value, hlc];
    latest = hlc;
  }
  return latest;
};

/**
 * Answers a change that touched `auto` fields only (not a change to judge, so no notice): the stored cells, or a
 * deletion where the row has none, under one new stamp, added to `target`. Answers that stamp.
 */
const restoreAutoOnly = (
  clock: GateClock,
  stored: RowStamp[0],
  tableId: string,
  rowId: string,
  cellIds: string[],
  target: TablesStamp[0],
): Hlc => {
  const hlc = clock.next();
  const cells: RowStamp[0] = emptyRecord();
  for (const cellId of cellIds) cells[cellId] = [ownEntry(stored, cellId)?.[0], hlc];
  const tableStamp = (target[tableId] ??= [emptyRecord<RowStamp>(), hlc]);
  tableStamp[0][rowId] = [cells, hlc];
  tableStamp[1] = hlc;
  return hlc;
};

/**
 * Judges one incoming message (a ContentDiff body, or what a pull brought back) against the server store:
 * cells no newer than the stored ones are ignored, the rest are grouped by row and judged by `judgeWrite`.
 */
export const judgeChanges = (
  store: MergeableStore,
  changes: MergeableChanges,
  context: GateContext,
  serverClock: GateClock,
  trueStamps: TrueStamps = plainStamps,
): GateResult => {
  const clock = checkingOnce(serverClock);
  seeAll(clock, changes);
  const [[incomingTables, incomingTablesHlc], [incomingValues]] = changes;
  const acceptedTables: TablesStamp[0] = emptyRecord();
  const corrected: TablesStamp[0] = emptyRecord();
  const senderCorrected: TablesStamp[0] = emptyRecord();
  const rejections: RejectionNotice[] = [];
  let acceptedHlc = validHlc(clock, incomingTablesHlc) ? incomingTablesHlc : '';
  let correctionHlc = '';
  let senderHlc = '';
  let clockAheadBy = 0;
  let roomForRows = context.roomForRows;
  const restamps: Restamp[] = [];

  for (const [tableId, [incomingRows, incomingTableHlc]] of Object.entries(incomingTables)) {
    for (const [rowId, [incomingCells, incomingRowHlc]] of Object.entries(incomingRows)) {
      const stored = storedCells(store, tableId, rowId);
      const truth = (cellId: string) => trueStamps.trueHlc(tableId, rowId, cellId, stored[cellId]?.[1] ?? '');
      const { newer, late } = newerCells(incomingCells, stored, truth);
      const cellIds = Object.keys(newer);
      if (cellIds.length === 0) continue;
      const incoming: Record<string, CellValue | undefined> = emptyRecord();
      for (const cellId of cellIds) incoming[cellId] = newer[cellId]?.[0] as CellValue | undefined;
      const before = store.hasRow(tableId, rowId) ? (store.getRow(tableId, rowId) as Row) : undefined;
      const operation = writeOperation(before, incoming);
      if (before === undefined && operation === 'delete') {
        // A tombstone for a row the server never had (often the remains of a refused create): nothing to
        // judge, and storing it would let a client grow the instance without bound.
        continue;
      }
      let rejection: Omit<RejectionNotice, 'table' | 'row' | 'cells'> | undefined;
      let defaults: Row = {};
      let serverWritten: Record<string, CellValue | undefined> = {};
      let aheadBy = -Infinity;
      for (const cellId of cellIds) aheadBy = Math.max(aheadBy, clock.aheadBy(newer[cellId]?.[1] ?? ''));
      const idProblem = rowIdsProblem(tableId, rowId, cellIds);
      if (idProblem !== undefined) {
        rejection = { operation, rule: 'schema', expression: '', reason: idProblem.message };
      } else if (cellIds.some((cellId) => !clock.wellFormed(newer[cellId]?.[1] ?? ''))) {
        rejection = {
          operation,
          rule: 'schema',
          expression: '',
          reason: 'The change carries a malformed time stamp.',
        };
      } else if (aheadBy > 0) {
        clockAheadBy = Math.max(clockAheadBy, aheadBy);
        rejection = { operation, rule: 'schema', expression: '', reason: clockReason(aheadBy) };
      } else {
        const verdict = judgeWrite(context.datastore, tableId, before, incoming, {
          user: context.user,
          instance: context.instance,
          now: context.now,
          roomForNewRows: roomForRows > 0,
        });
        if (verdict.allowed && verdict.autoOnly) {
          // Not a change to judge: the sender gets the stored cells back, and no notice.
          const hlc = restoreAutoOnly(
            clock,
            stored,
            tableId,
            rowId,
            cellIds,
            before === undefined ? senderCorrected : corrected,
          );
          if (before === undefined) senderHlc = later(senderHlc, hlc);
          else correctionHlc = later(correctionHlc, hlc);
          continue;
        }
        if (verdict.allowed) {
          defaults = verdict.defaults;
          serverWritten = verdict.auto;
          if (verdict.operation === 'create') roomForRows--;
        } else {
          const { operation: kind, rule, expression, reason } = verdict;
          rejection = { operation: kind, rule, expression, reason };
        }
      }

      if (rejection === undefined) {
        // `newer` is this row's own record, not used past here: it becomes the accepted row's cells.
        const cells = newer;
        restamps.push(...restampLate(clock, { table: tableId, row: rowId }, cells, late, stored));
        let insideHlc = '';
        for (const [, cellHlc] of Object.values(cells)) insideHlc = later(insideHlc, cellHlc);
        for (const [cellId, value] of Object.entries(defaults)) {
          const hlc = clock.next();
          cells[cellId] = [value, hlc];
          insideHlc = later(insideHlc, hlc);
        }
        insideHlc = later(insideHlc, stampAutoCells(clock, cells, serverWritten));
        const rowHlc = containerHlc(clock, incomingRowHlc, insideHlc);
        const tableStamp = (acceptedTables[tableId] ??= [
          emptyRecord<RowStamp>(),
          containerHlc(clock, incomingTableHlc, ''),
        ]);
        tableStamp[0][rowId] = [cells, rowHlc];
        tableStamp[1] = later(tableStamp[1], rowHlc);
        acceptedHlc = later(acceptedHlc, rowHlc);
        continue;
      }

      rejections.push(quoted({ table: tableId, row: rowId, cells: cellIds, ...rejection }));
      // The stored value (or a deletion where there was none) under a stamp newer than the refused one.
      const hlc = clock.next();
      const cells: RowStamp[0] = emptyRecord();
      for (const cellId of cellIds) cells[cellId] = [stored[cellId]?.[0], hlc];
      if (before !== undefined) {
        for (const cell of cellIds) {
          restamps.push({ table: tableId, row: rowId, cell, trueHlc: truth(cell), hubHlc: hlc });
        }
      }
      const target = before === undefined ? senderCorrected : corrected;
      const tableStamp = (target[tableId] ??= [emptyRecord<RowStamp>(), hlc]);
      tableStamp[0][rowId] = [cells, hlc];
      tableStamp[1] = hlc;
      if (before === undefined) senderHlc = hlc;
      else correctionHlc = hlc;
    }
  }

  // The stored values are read only when the message writes any (it never may: every value write is refused).
  const storedValues =
    Object.keys(incomingValues).length > 0 ? store.getMergeableValueDiff({})[0] : emptyRecord<ValueStamp>();
  const correctedValues: Record<string, ValueStamp> = emptyRecord();
  let valuesHlc = '';
  for (const [valueId, [, hlc]] of Object.entries(incomingValues)) {
    const storedValue = ownEntry(storedValues, valueId);
    if ((hlc ?? '') <= (storedValue?.[1] ?? '')) continue;
    valuesHlc = clock.next();
    correctedValues[valueId] = [storedValue?.[0], valuesHlc];
    const verdict = judgeValueWrite(shortId(valueId), storedValue?.[0] !== undefined);
    if (!verdict.allowed) {
      const { operation, rule, expression, reason } = verdict;
      rejections.push(quoted({ table: '', row: '', cells: [valueId], operation, rule, expression, reason }));
    }
  }

  const result: GateResult = { rejections };
  if (Object.keys(acceptedTables).length > 0) {
    result.accepted = [[acceptedTables, acceptedHlc], [{}, ''], 1];
  }
  if (correctionHlc !== '') result.correction = [[corrected, correctionHlc], [{}, ''], 1];
  if (senderHlc !== '' || valuesHlc !== '') {
    result.senderCorrection = [[senderCorrected, senderHlc], [correctedValues, valuesHlc], 1];
  }
  if (clockAheadBy > 0) result.clockAheadBy = clockAheadBy;
  if (restamps.length > 0) result.restamps = restamps;
  return result;
};
