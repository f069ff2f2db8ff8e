// Who can see rows on the runtime: each socket's view of the synced store (the tables its person sees whole, the
// ones they see none of, and the ones where each row decides), the hashes and diffs of that view, relays cut to
// it, the refusal of writes where the person cannot see, and the heal rule for the hub's own deletions.
import {
  READ_REFUSAL_REASON,
  type CompiledDatastore,
  type RejectionNotice,
  type RuleInstance,
  type RuleUser,
  type Visibility,
} from '@datastore-designer/schema';
import { getRowInTableHash, getTableInTablesHash } from 'tinybase';
import type {
  CellHashes,
  CellStamp,
  ContentHashes,
  Hlc,
  MergeableChanges,
  MergeableStore,
  RowHashes,
  RowStamp,
  TableHashes,
  TablesStamp,
  TableStamp,
} from 'tinybase';
import { emptyRecord } from './own-key.ts';
import type { Facts, FactsSource } from './row-facts.ts';

// Distinct deciding cells one view remembers its answer for; past that it starts again (Created at can make
// every row's facts distinct).
const MAX_REMEMBERED_FACTS = 10_000;

/** What one person sees of the synced store, under one config version and membership. */
export class View {
  readonly #datastore: CompiledDatastore;
  readonly #user: RuleUser;
  readonly #instance: RuleInstance;
  readonly #facts: FactsSource;
  readonly #sights = new Map<string, Visibility>();
  readonly #answers = new Map<string, Map<string, boolean>>();

  constructor(datastore: CompiledDatastore, user: RuleUser, instance: RuleInstance, facts: FactsSource) {
    this.#datastore = datastore;
    this.#user = user;
    this.#instance = instance;
    this.#facts = facts;
    for (const table of Object.values(datastore.tables)) {
      if (!table.serverOnly && table.read !== undefined) {
        this.#sights.set(table.id, table.visibility(user, instance));
      }
    }
  }

  /** Whether this person sees every synced table whole (the usual case, which costs nothing more). */
  get seesAll(): boolean {
    for (const sight of this.#sights.values()) if (sight !== 'all') return false;
    return true;
  }

  /** How much of a table this person sees; a table the config does not name is left to the write judgement. */
  sight(tableId: string): Visibility {
    return this.#sights.get(tableId) ?? 'all';
  }

  /** Whether this person sees one row (living or deleted), decided by its write-once cells. */
  sees(tableId: string, rowId: string): boolean {
    const sight = this.sight(tableId);
    if (sight !== 'perRow') return sight === 'all';
    return this.seesWith(tableId, this.#facts.of(tableId, rowId));
  }

  /** Whether this person sees a row of a table with these deciding cells. */
  seesWith(tableId: string, facts: Facts): boolean {
    const sight = this.sight(tableId);
    if (sight !== 'perRow') return sight === 'all';
    const table = this.#datastore.tables[tableId];
    if (!table) return false;
    let answers = this.#answers.get(tableId);
    if (!answers || answers.size >= MAX_REMEMBERED_FACTS) this.#answers.set(tableId, (answers = new Map()));
    let answer = answers.get(facts.key);
    if (answer === undefined) {
      answer = table.mayRead(this.#user, this.#instance, facts.row);
      answers.set(facts.key, answer);
    }
    return answer;
  }
}

/** The hash of a table decided row by row, over the rows the view holds (without the table's own stamp). */
const rowByRowHash = (store: MergeableStore, view: View, tableId: string): number => {
  let hash = 0;
  for (const [rowId, rowHash] of Object.entries(
    store.getMergeableRowHashes({ [tableId]: 0 })[tableId] ?? {},
  )) {
    if (view.sees(tableId, rowId)) hash = (hash ^ getRowInTableHash(rowId, rowHash)) >>> 0;
  }
  return hash;
};

/** The table hashes of a view: whole tables as stored, tables a row decides over their visible rows. */
export const viewTableHashes = (store: MergeableStore, view: View): TableHashes => {
  const hashes = emptyRecord<number>();
  for (const [tableId, tableHash] of Object.entries(store.getMergeableTableHashes())) {
    const sight = view.sight(tableId);
    if (sight === 'all') hashes[tableId] = tableHash;
    else if (sight === 'perRow') hashes[tableId] = rowByRowHash(store, view, tableId);
  }
  return hashes;
};

/**
 * The content hashes of a view: TinyBase combines a table into the tables' hash by XOR, so the view's hash is
 * the XOR over its tables alone. The tables-level stamp is left out, as it moves when hidden rows change.
 */
export const viewContentHashes = (store: MergeableStore, view: View): ContentHashes => {
  let tablesHash = 0;
  for (const [tableId, tableHash] of Object.entries(viewTableHashes(store, view))) {
    tablesHash = (tablesHash ^ getTableInTablesHash(tableId, tableHash)) >>> 0;
  }
  return [tablesHash, store.getMergeableContentHashes()[1]];
};

/** The row hashes of the given tables, cut to the rows a view holds. */
export const viewRowHashes = (store: MergeableStore, view: View, tables: TableHashes): RowHashes => {
  const hashes = emptyRecord<Record<string, number>>();
  for (const [tableId, rows] of Object.entries(store.getMergeableRowHashes(tables))) {
    const sight = view.sight(tableId);
    if (sight === 'none') continue;
    if (sight === 'all') {
      hashes[tableId] = rows;
      continue;
    }
    const visible = emptyRecord<number>();
    for (const [rowId, hash] of Object.entries(rows)) if (view.sees(tableId, rowId)) visible[rowId] = hash;
    hashes[tableId] = visible;
  }
  return hashes;
};

/**
 * A tables stamp cut to a view: whole tables as they are, tables a row decides with only the rows the view holds
 * and no table stamp, hidden tables and the tables-level stamp left out (they move when hidden things change).
 */
export const viewStamp = ([tables]: TablesStamp, view: View): TablesStamp => {
  const cut = emptyRecord<TableStamp>();
  for (const [tableId, table] of Object.entries(tables)) {
    const sight = view.sight(tableId);
    if (sight === 'all') cut[tableId] = table;
    if (sight !== 'perRow') continue;
    const rows = emptyRecord<RowStamp>();
    let any = false;
    for (const [rowId, row] of Object.entries(table[0])) {
      if (!view.sees(tableId, rowId)) continue;
      rows[rowId] = row;
      any = true;
    }
    if (any) cut[tableId] = [rows, ''];
  }
  return [cut, ''];
};

/** Keeps the entries of a record keyed by row id that a view holds, for each table it sees. */
const viewKeys = <T>(
  record: Record<string, Record<string, T>>,
  view: View,
): Record<string, Record<string, T>> => {
  const cut = emptyRecord<Record<string, T>>();
  for (const [tableId, rows] of Object.entries(record)) {
    const sight = view.sight(tableId);
    if (sight === 'none') continue;
    if (sight === 'all') {
      cut[tableId] = rows;
      continue;
    }
    const visible = emptyRecord<T>();
    for (const [rowId, value] of Object.entries(rows)) if (view.sees(tableId, rowId)) visible[rowId] = value;
    cut[tableId] = visible;
  }
  return cut;
};

/**
 * The answer to a client's GetTableDiff for a view. A table a row decides is always named as differing where the
 * client holds it (its hash carries the client's own table stamp, which the view cannot know), so the client
 * compares it row by row.
 */
export const viewTableDiff = (
  store: MergeableStore,
  view: View,
  clientHashes: TableHashes,
): [TablesStamp, TableHashes] => {
  const [stamp, differing] = store.getMergeableTableDiff(clientHashes);
  const cutDiffering = emptyRecord<number>();
  for (const [tableId, hash] of Object.entries(differing)) {
    if (view.sight(tableId) === 'all') cutDiffering[tableId] = hash;
  }
  for (const tableId of Object.keys(clientHashes)) {
    if (view.sight(tableId) === 'perRow' && store.hasTable(tableId)) {
      cutDiffering[tableId] = rowByRowHash(store, view, tableId);
    }
  }
  return [viewStamp(stamp, view), cutDiffering];
};

/** The answer to a client's GetRowDiff for a view: only rows it holds are sent or named. */
export const viewRowDiff = (
  store: MergeableStore,
  view: View,
  clientHashes: RowHashes,
): [TablesStamp, RowHashes] => {
  const [stamp, differing] = store.getMergeableRowDiff(viewKeys(clientHashes, view));
  return [viewStamp(stamp, view), viewKeys(differing, view)];
};

/** The answer to a client's GetCellDiff for a view: only cells of rows it holds. */
export const viewCellDiff = (store: MergeableStore, view: View, clientHashes: CellHashes): TablesStamp =>
  viewStamp(store.getMergeableCellDiff(viewKeys(clientHashes, view)), view);

/** Saved changes cut to a view, or undefined when none of them is in it. */
export const visibleChanges = (changes: MergeableChanges, view: View): MergeableChanges | undefined => {
  const [tables] = viewStamp(changes[0], view);
  const values = changes[1];
  if (Object.keys(tables).length === 0 && Object.keys(values[0]).length === 0) return undefined;
  return [[tables, ''], values, 1];
};

/** What a client sent where its person cannot see: refused, undone at the sender alone, and said so. */
export interface HiddenWrites {
  /** The incoming changes without what the person cannot see, to be judged as usual. */
  visible: MergeableChanges;
  /** Deletions under the hub's stamps of every hidden cell the client sent, for the sender only. */
  senderCorrection?: MergeableChanges;
  rejections: RejectionNotice[];
}

/**
 * Splits a client's changes at its view. Where the person cannot see (a hidden table, or an existing row a row
 * rule hides), nothing is stored or compared with what the server holds there, so nothing said back depends on
 * it: every cell sent is deleted at the sender under a hub stamp (so a deletion coming back later is known as
 * the hub's, and heals instead of deleting), and a write there is refused with `rule: "read"`. The hub's own
 * deletions coming back where the person still cannot see are dropped in silence.
 */
export const splitHiddenWrites = (
  changes: MergeableChanges,
  view: View,
  store: MergeableStore,
  datastore: CompiledDatastore,
  clock: { next: () => Hlc; isOwn: (hlc: Hlc) => boolean },
): HiddenWrites => {
  const [[tables, tablesHlc], values] = changes;
  const visible = emptyRecord<TableStamp>();
  const corrected = emptyRecord<TableStamp>();
  const rejections: RejectionNotice[] = [];
  let correctionHlc = '';
  for (const [tableId, table] of Object.entries(tables)) {
    const sight = view.sight(tableId);
    if (sight === 'all') {
      visible[tableId] = table;
      continue;
    }
    const visibleRows = emptyRecord<RowStamp>();
    for (const [rowId, row] of Object.entries(table[0])) {
      // A row that does not exist is a create, judged as usual (it must be one its author may read).
      if (sight === 'perRow' && (!store.hasRow(tableId, rowId) || view.sees(tableId, rowId))) {
        visibleRows[rowId] = row;
        continue;
      }
      const cells = Object.entries(row[0]).filter(([, [, hlc]]) => hlc === undefined || !clock.isOwn(hlc));
      if (cells.length === 0) continue;
      const hlc = clock.next();
      // Every field the table has, beside the cells sent: the sender may hold more of the row than it sent (a row
      // it saw before its view shrank), and the config's field names say nothing of the row.
      const deletions = emptyRecord<CellStamp>();
      for (const cellId of Object.keys(datastore.tables[tableId]?.config.fields ?? {})) {
        deletions[cellId] = [undefined, hlc];
      }
      for (const [cellId] of cells) deletions[cellId] = [undefined, hlc];
      const target = (corrected[tableId] ??= [emptyRecord<RowStamp>(), '']);
      target[0][rowId] = [deletions, hlc];
      correctionHlc = hlc;
      const held = cells.filter(([, [value]]) => value !== undefined).map(([cellId]) => cellId);
      rejections.push({
        table: tableId,
        row: rowId,
        cells: held.length > 0 ? held : cells.map(([cellId]) => cellId),
        operation: held.length > 0 ? 'create' : 'delete',
        rule: 'read',
        expression: datastore.tables[tableId]?.read ?? '',
        reason: READ_REFUSAL_REASON,
      });
    }
    if (Object.keys(visibleRows).length > 0) visible[tableId] = [visibleRows, table[1]];
  }
  const result: HiddenWrites = { visible: [[visible, tablesHlc], values, 1], rejections };
  if (correctionHlc !== '') result.senderCorrection = [[corrected, ''], [{}, ''], 1];
  return result;
};

/** What healing found: the changes without the hub's own deletions, and the stored cells to stamp again. */
export interface Healed {
  changes: MergeableChanges;
  restamp?: MergeableChanges;
}

/**
 * The heal rule: a deletion under the hub's own stamp coming back (a client that once could not see a row, and
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
  const kept = emptyRecord<TableStamp>();
  const restamped = emptyRecord<TableStamp>();
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
