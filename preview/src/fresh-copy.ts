// When what a person may see changed (close 4005): the store starts again from nothing, keeping only this
// device's own edits that may not have reached the server yet, so the runtime's fresh copy fills the rest.
import type { MergeableStore } from 'tinybase';

type Content = ReturnType<MergeableStore['getMergeableContent']>;
type Changes = Parameters<MergeableStore['applyMergeableChanges']>[0];

/** The part of an HLC stamp (its last five characters) that names the client which made it. */
export const stampClient = (stamp: string): string => stamp.slice(11);

/** The first seven characters of a stamp encode its time; they sort as the times do. */
const stampTime = (stamp: string): string => stamp.slice(0, 7);

/**
 * The edits of `content` stamped by `clientId` at or after `sinceStamp`'s time, as changes to apply again
 * (cells with their stamps, deletions included); undefined when there are none.
 */
export const ownEditsSince = (
  content: Content,
  clientId: string,
  sinceStamp: string,
): Changes | undefined => {
  const since = stampTime(sinceStamp);
  const own = (stamp: string) => stamp !== '' && stampClient(stamp) === clientId && stampTime(stamp) >= since;
  const tables: Record<string, [Record<string, [Record<string, [unknown, string]>, string]>, string]> = {};
  let any = false;
  for (const [tableId, [rows, tableStamp]] of Object.entries(content[0][0])) {
    for (const [rowId, [cells, rowStamp]] of Object.entries(rows)) {
      for (const [cellId, [value, cellStamp]] of Object.entries(cells)) {
        if (!own(cellStamp)) continue;
        any = true;
        const table = (tables[tableId] ??= [{}, tableStamp]);
        const row = (table[0][rowId] ??= [{}, rowStamp]);
        row[1] = rowStamp;
        row[0][cellId] = [value, cellStamp];
      }
    }
  }
  return any ? ([[tables, content[0][1]], [{}, ''], 1] as unknown as Changes) : undefined;
};

const EMPTY_CONTENT = [
  [{}, '', 0],
  [{}, '', 0],
] as unknown as Parameters<MergeableStore['setMergeableContent']>[0];

/** Empties the store (no tombstones left to sync) and puts back this client's recent edits. */
export const startFreshCopy = (store: MergeableStore, clientId: string, sinceStamp: string): void => {
  const kept = ownEditsSince(store.getMergeableContent(), clientId, sinceStamp);
  store.setMergeableContent(EMPTY_CONTENT);
  if (kept) store.applyMergeableChanges(kept);
};
