// Who can see rows on the runtime: each socket's view of the synced store (the tables its person may see), the
// hashes and diffs of that view, the refusal of writes where the person cannot see, and the deploy check.
import {
  checkRule,
  READ_REFUSAL_REASON,
  toPointer,
  type AppConfig,
  type CompiledDatastore,
  type ConfigProblem,
  type RejectionNotice,
  type RuleInstance,
  type RuleUser,
} from '@datastore-designer/schema';
import { getTableInTablesHash } from 'tinybase';
import type {
  CellStamp,
  ContentHashes,
  Hlc,
  MergeableChanges,
  MergeableStore,
  RowStamp,
  TablesStamp,
} from 'tinybase';
import { emptyRecord } from './own-key.ts';

/** The words of the refusal: what cannot be deployed, why, and what to do instead. */
export const READ_RULE_NOT_ENFORCED =
  'This runtime hides whole tables, not single rows, yet: who can see rows (the read rule) may not use "row" here, or everyone who may open the instance would still see every row. Decide by user and instance alone (who sees the whole table), or keep those rows in a datastore whose instances only the right people open (perUser, perTenant or multi).';

/**
 * The read rules of a config the runtime cannot keep to (those that look at the row), each as a problem at its
 * pointer: such a config is refused at deploy, never deployed to leak.
 */
export const unenforcedReadRules = (config: AppConfig): ConfigProblem[] => {
  const problems: ConfigProblem[] = [];
  for (const [datastoreId, datastore] of Object.entries(config.datastores)) {
    for (const [tableId, table] of Object.entries(datastore.tables)) {
      const read = table.rules?.read;
      if (read === undefined || table.serverOnly === true) continue;
      // A rule that still checks when the row has no fields at all never looks at the row.
      if (checkRule(read, 'read', { fields: {} }).length === 0) continue;
      problems.push({
        path: toPointer(['datastores', datastoreId, 'tables', tableId, 'rules', 'read']),
        code: 'read_not_enforced',
        message: READ_RULE_NOT_ENFORCED,
      });
    }
  }
  return problems;
};

const readTables = new WeakMap<CompiledDatastore, string[]>();

/** The synced tables of a datastore that have a read rule (computed once per compiled config). */
const tablesWithReadRules = (datastore: CompiledDatastore): string[] => {
  let tables = readTables.get(datastore);
  if (!tables) {
    tables = Object.values(datastore.tables)
      .filter((table) => table.read !== undefined && !table.serverOnly)
      .map((table) => table.id);
    readTables.set(datastore, tables);
  }
  return tables;
};

/** Whether any synced table of a datastore has a read rule: when none has, every socket sees everything. */
export const hasReadRules = (datastore: CompiledDatastore): boolean =>
  tablesWithReadRules(datastore).length > 0;

/**
 * The tables a person may not see, or undefined when they see every synced table (the usual case, which costs
 * nothing more than before). A table decided row by row counts as hidden: it is never sent in part.
 */
export const hiddenTables = (
  datastore: CompiledDatastore,
  user: RuleUser,
  instance: RuleInstance,
): ReadonlySet<string> | undefined => {
  let hidden: Set<string> | undefined;
  for (const tableId of tablesWithReadRules(datastore)) {
    const table = datastore.tables[tableId];
    if (table && table.visibility(user, instance) !== 'all') (hidden ??= new Set()).add(tableId);
  }
  return hidden;
};

/** A socket's view at one moment: the synced tables there were, and which of them its person could not see. */
export interface ViewAt {
  synced: ReadonlySet<string>;
  hidden: ReadonlySet<string> | undefined;
}

/** The synced tables of a datastore (a view only ever concerns them). */
export const syncedTables = (datastore: CompiledDatastore | undefined): ReadonlySet<string> =>
  new Set(Object.values(datastore?.tables ?? {}).flatMap((table) => (table.serverOnly ? [] : [table.id])));

/**
 * Whether a deploy or member change changed what a socket may see: a table synced before and after that it could
 * see and now cannot, or the other way round. Tables added or removed change nothing the client holds wrongly.
 */
export const viewChanged = (before: ViewAt, after: ViewAt): boolean => {
  for (const tableId of before.synced) {
    if (!after.synced.has(tableId)) continue;
    if ((before.hidden?.has(tableId) ?? false) !== (after.hidden?.has(tableId) ?? false)) return true;
  }
  return false;
};

/**
 * The content hashes of a view: TinyBase combines a table into the tables' hash by XOR, so the view's hash is
 * the XOR over its tables alone. The tables-level stamp is left out, as it moves when hidden tables change.
 */
export const viewContentHashes = (store: MergeableStore, hidden: ReadonlySet<string>): ContentHashes => {
  let tablesHash = 0;
  for (const [tableId, tableHash] of Object.entries(store.getMergeableTableHashes())) {
    if (!hidden.has(tableId)) tablesHash = (tablesHash ^ getTableInTablesHash(tableId, tableHash)) >>> 0;
  }
  return [tablesHash, store.getMergeableContentHashes()[1]];
};

/** A record keyed by table id without the hidden tables. */
export const visibleKeys = <T>(record: Record<string, T>, hidden: ReadonlySet<string>): Record<string, T> => {
  const visible = emptyRecord<T>();
  for (const [tableId, value] of Object.entries(record)) if (!hidden.has(tableId)) visible[tableId] = value;
  return visible;
};

/** A tables stamp without the hidden tables, and without the tables-level stamp (it moves with hidden ones). */
export const visibleStamp = ([tables]: TablesStamp, hidden: ReadonlySet<string>): TablesStamp => [
  visibleKeys(tables, hidden),
  '',
];

/** A diff answer `[stamp, differing hashes]` to GetTableDiff or GetRowDiff, cut to a view. */
export const visibleDiff = (
  [stamp, differing]: [TablesStamp, Record<string, unknown>],
  hidden: ReadonlySet<string>,
): [TablesStamp, Record<string, unknown>] => [visibleStamp(stamp, hidden), visibleKeys(differing, hidden)];

/** Saved changes cut to a view (without the tables-level stamp), or undefined when none of them is in it. */
export const visibleChanges = (
  [[tables], values]: MergeableChanges,
  hidden: ReadonlySet<string>,
): MergeableChanges | undefined => {
  const visible = visibleKeys(tables, hidden);
  if (Object.keys(visible).length === 0 && Object.keys(values[0]).length === 0) return undefined;
  return [[visible, ''], values, 1];
};

/** What a client sent where its person cannot see: refused, undone at the sender alone, and said so. */
export interface HiddenWrites {
  /** The incoming changes without the hidden tables, to be judged as usual. */
  visible: MergeableChanges;
  /** Deletions under the hub's stamps of every hidden cell the client holds a value in, for the sender only. */
  senderCorrection?: MergeableChanges;
  rejections: RejectionNotice[];
}

/**
 * Splits a client's changes at its view. In hidden tables, nothing is stored or compared with what the server
 * holds there (so nothing said back depends on it): cells the client holds a value in are refused and deleted at
 * the sender under a hub stamp; deletions (the hub's own, or the client's of rows it no longer sees) are dropped.
 */
export const splitHiddenWrites = (
  changes: MergeableChanges,
  hidden: ReadonlySet<string>,
  datastore: CompiledDatastore,
  next: () => Hlc,
): HiddenWrites => {
  const [[tables, tablesHlc], values] = changes;
  const visible = emptyRecord<TablesStamp[0][string]>();
  const corrected = emptyRecord<TablesStamp[0][string]>();
  const rejections: RejectionNotice[] = [];
  let correctionHlc = '';
  for (const [tableId, table] of Object.entries(tables)) {
    if (!hidden.has(tableId)) {
      visible[tableId] = table;
      continue;
    }
    for (const [rowId, [cells]] of Object.entries(table[0])) {
      const held = Object.entries(cells)
        .filter(([, [value]]) => value !== undefined)
        .map(([cellId]) => cellId);
      if (held.length === 0) continue;
      const hlc = next();
      const deletions = emptyRecord<CellStamp>();
      for (const cellId of held) deletions[cellId] = [undefined, hlc];
      const target = (corrected[tableId] ??= [emptyRecord<RowStamp>(), hlc]);
      target[0][rowId] = [deletions, hlc];
      target[1] = hlc;
      correctionHlc = hlc;
      rejections.push({
        table: tableId,
        row: rowId,
        cells: held,
        operation: 'create',
        rule: 'read',
        expression: datastore.tables[tableId]?.read ?? '',
        reason: READ_REFUSAL_REASON,
      });
    }
  }
  const result: HiddenWrites = { visible: [[visible, tablesHlc], values, 1], rejections };
  if (correctionHlc !== '') result.senderCorrection = [[corrected, correctionHlc], [{}, ''], 1];
  return result;
};

/** What healing found: the changes without the hub's own deletions, and the stored cells to stamp again. */
export interface Healed {
  changes: MergeableChanges;
  restamp?: MergeableChanges;
}

/**
 * The heal rule: a deletion under the hub's own stamp coming back (a client that once could not see a table, and
 * was told to delete what it held there) never deletes what the server stores: the stored value is stamped again,
 * newer, so it wins at that client and everywhere; the deletion itself is dropped.
 */
export const healHubDeletions = (
  store: MergeableStore,
  changes: MergeableChanges,
  isHubStamp: (hlc: Hlc) => boolean,
  next: () => Hlc,
): Healed => {
  const [[tables, tablesHlc], values] = changes;
  let touched = false;
  const kept = emptyRecord<TablesStamp[0][string]>();
  const restamped = emptyRecord<TablesStamp[0][string]>();
  let restampHlc = '';
  for (const [tableId, [rows, tableHlc]] of Object.entries(tables)) {
    const keptRows = emptyRecord<RowStamp>();
    for (const [rowId, [cells, rowHlc]] of Object.entries(rows)) {
      const keptCells = emptyRecord<CellStamp>();
      for (const [cellId, stamp] of Object.entries(cells)) {
        const [value, hlc] = stamp;
        if (value !== undefined || hlc === undefined || !isHubStamp(hlc)) {
          keptCells[cellId] = stamp;
          continue;
        }
        touched = true;
        const [stored, storedHlc] =
          store.getMergeableCellDiff({ [tableId]: { [rowId]: {} } })[0][tableId]?.[0][rowId]?.[0][cellId] ??
          [];
        // Older than what is stored, it changes nothing; with nothing stored, there is nothing to keep.
        if (stored === undefined || stored === null || hlc <= (storedHlc ?? '')) continue;
        const fresh = next();
        const table = (restamped[tableId] ??= [emptyRecord<RowStamp>(), fresh]);
        const row = (table[0][rowId] ??= [emptyRecord<CellStamp>(), fresh]);
        row[0][cellId] = [stored, fresh];
        row[1] = fresh;
        table[1] = fresh;
        restampHlc = fresh;
      }
      if (Object.keys(keptCells).length > 0) keptRows[rowId] = [keptCells, rowHlc];
    }
    if (Object.keys(keptRows).length > 0) kept[tableId] = [keptRows, tableHlc];
  }
  if (!touched) return { changes };
  const healed: Healed = { changes: [[kept, tablesHlc], values, 1] };
  if (restampHlc !== '') healed.restamp = [[restamped, restampHlc], [{}, ''], 1];
  return healed;
};
