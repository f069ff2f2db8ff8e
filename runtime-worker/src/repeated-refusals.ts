// The refusals each socket was recently told of, so the same refused change arriving again over that socket (a
// loaded client answering the hub's pull with what it still holds) is corrected again but not notified twice.
import { shortId, type RejectionNotice } from '@datastore-designer/schema';
import { getHash, type MergeableChanges } from 'tinybase';

/** How many refusals are remembered per socket: enough for a burst of refused rows, small enough to cost nothing. */
export const REMEMBERED_REFUSALS = 64;

// TinyBase's own string hash, with the length: a remembered refusal costs a few bytes however many cells its row
// has, and two different refusals of one socket's last 64 sharing both is beyond any practical chance.
const fingerprint = (text: string): string => `${getHash(text)}:${text.length}`;

/**
 * The stamps the incoming changes carry for a notice's cells. A notice quotes ids shortened, so the row is found
 * by its quoted ids: rows whose long ids shorten alike all contribute, which only makes the key more particular.
 */
const stampsOf = (notice: RejectionNotice, [[tables], [values]]: MergeableChanges): string[] => {
  const stamps: string[] = [];
  const named = new Set(notice.cells);
  const add = (cells: Record<string, [unknown, string?]>) => {
    for (const [cellId, [, hlc]] of Object.entries(cells)) {
      if (named.has(shortId(cellId))) stamps.push(`${cellId}@${hlc ?? ''}`);
    }
  };
  if (notice.table === '' && notice.row === '') add(values);
  for (const [tableId, [rows]] of Object.entries(tables)) {
    if (shortId(tableId) !== notice.table) continue;
    for (const [rowId, [cells]] of Object.entries(rows)) if (shortId(rowId) === notice.row) add(cells);
  }
  return stamps.sort();
};

/** Per socket, the refusals it was told of lately (least recent first), gone with the socket. */
export class RepeatedRefusals {
  readonly #told = new WeakMap<WebSocket, string[]>();

  /**
   * Whether the socket is to be told of this refusal: false when it was already told of the very same one (same
   * notice, same cell stamps), which is then remembered as the most recent.
   */
  isNew(socket: WebSocket, notice: RejectionNotice, changes: MergeableChanges): boolean {
    const key = fingerprint(JSON.stringify([notice, stampsOf(notice, changes)]));
    let told = this.#told.get(socket);
    if (!told) this.#told.set(socket, (told = []));
    const at = told.indexOf(key);
    if (at >= 0) told.splice(at, 1);
    told.push(key);
    if (told.length > REMEMBERED_REFUSALS) told.shift();
    return at < 0;
  }

  /** Forgets a closed socket's refusals. */
  forget(socket: WebSocket): void {
    this.#told.delete(socket);
  }
}
