// Which sockets' view (what their person may read) a deploy, a member change or a data-API save changed: those are
// closed with 4005 so that their person connects again and starts from a fresh copy of what they may now see.
import { CloseCode, type CompiledDatastore, type RuleInstance } from '@datastore-designer/schema';
import type { MergeableStore } from 'tinybase';
import type { SocketFacts } from './instance-facts.ts';
import { View } from './read-views.ts';
import type { RowFacts } from './row-facts.ts';

const VIEW_CHANGED = 'What you may see here changed: connect again.';

/** What the view watch needs from the object that holds it. */
export interface ViewChangesHost {
  /** The synced store, whose rows stand for the facts that decide a per-row view. */
  store: MergeableStore;
  rowFacts: RowFacts;
  sockets(): WebSocket[];
  /** The socket's view under the current config and membership, or undefined when its person sees all. */
  view(socket: WebSocket): View | undefined;
  close(socket: WebSocket, code: number, reason: string): void;
}

/** The config and instance (membership) that views were decided under, before or after a change of facts. */
export interface Sight {
  datastore: CompiledDatastore | undefined;
  instance: RuleInstance;
}

/**
 * Whether a deploy or member change changed what a socket may see, among the tables synced before and after: a
 * table seen whole and now not at all (or the other way), or, where a row decides, any row seen differently.
 */
export const viewChanged = (
  before: View,
  after: View,
  synced: Iterable<string>,
  rowsOf: (tableId: string) => Iterable<string>,
): boolean => {
  for (const tableId of synced) {
    const was = before.sight(tableId);
    const is = after.sight(tableId);
    if (was !== 'perRow' && is !== 'perRow') {
      if (was !== is) return true;
      continue;
    }
    for (const rowId of rowsOf(tableId)) {
      if (before.sees(tableId, rowId) !== after.sees(tableId, rowId)) return true;
    }
  }
  return false;
};

const syncedTables = (datastore: CompiledDatastore | undefined): Set<string> =>
  new Set(Object.values(datastore?.tables ?? {}).flatMap((table) => (table.serverOnly ? [] : [table.id])));

// Views can only change where a read rule, the tables synced or the instance (its members) changed.
const sightKey = ({ datastore, instance }: Sight): string =>
  JSON.stringify([
    Object.values(datastore?.tables ?? {}).map((table) => [table.id, table.serverOnly, table.read ?? null]),
    instance,
  ]);

/** Closes the sockets whose view a change of facts or a data-API save changed. */
export class ViewChanges {
  readonly #host: ViewChangesHost;

  constructor(host: ViewChangesHost) {
    this.#host = host;
  }

  /**
   * After a deploy or member change: closes each of `sockets` (those still allowed in) whose person now may see
   * other tables or rows than under `before`.
   */
  afterFacts(before: Sight, after: Sight, sockets: Iterable<[WebSocket, SocketFacts]>): void {
    const was = before.datastore;
    const is = after.datastore;
    if (!was || !is || sightKey(before) === sightKey(after)) return;
    const synced = syncedTables(was);
    const both = [...syncedTables(is)].filter((id) => synced.has(id));
    const representatives = new Map<string, string[]>();
    const rowsOf = (tableId: string): string[] => {
      let rows = representatives.get(tableId);
      if (!rows) representatives.set(tableId, (rows = this.#oneRowPerFacts(tableId)));
      return rows;
    };
    const rowFacts = this.#host.rowFacts;
    for (const [socket, attached] of sockets) {
      const viewBefore = new View(was, attached.user, before.instance, rowFacts);
      const viewAfter = new View(is, attached.user, after.instance, rowFacts);
      if (viewChanged(viewBefore, viewAfter, both, rowsOf)) {
        this.#host.close(socket, CloseCode.viewChanged, VIEW_CHANGED);
      }
    }
  }

  /**
   * Before a save is relayed, after a row's deciding cells changed: when the server data API changed who a living
   * row belongs to (its Created by or Created at cell), closes every socket that saw the row and now does not, or
   * the other way round; when a deleted row was created again with other deciding cells, every socket that saw
   * its deletion and may not see the new row (its copy keeps a deletion the server no longer counts for it; those
   * who may see the new row get it relayed as any creation).
   */
  afterSave(): void {
    const refacted = this.#host.rowFacts.takeRefacted();
    if (refacted.length === 0) return;
    for (const socket of this.#host.sockets()) {
      const view = this.#host.view(socket);
      if (!view) continue;
      const changed = refacted.some(({ tableId, rowId, before, recreated }) => {
        const saw = view.seesWith(tableId, before);
        const sees = view.sees(tableId, rowId);
        return recreated ? saw && !sees : saw !== sees;
      });
      if (changed) this.#host.close(socket, CloseCode.viewChanged, VIEW_CHANGED);
    }
  }

  /**
   * One row for each distinct set of deciding cells in a table (living rows and deleted ones with kept facts): a
   * view decides alike for rows whose deciding cells are alike, so a change of view shows on these alone.
   */
  #oneRowPerFacts(tableId: string): string[] {
    const rows = new Map<string, string>();
    const rowFacts = this.#host.rowFacts;
    const consider = (rowId: string) => {
      const key = rowFacts.of(tableId, rowId).key;
      if (!rows.has(key)) rows.set(key, rowId);
    };
    this.#host.store.getRowIds(tableId).forEach(consider);
    for (const rowId of rowFacts.deletedRows(tableId)) consider(rowId);
    return [...rows.values()];
  }
}
