// Measures how long one simulated user's change takes to show up in the other users' stores, and who wrote what.
import type { MergeableStore } from 'tinybase';

/**
 * The last change a user made and, per other user who was online when it was made, how many milliseconds it took
 * to reach them; `later` names those who got it on connecting or coming back online (no latency to speak of).
 */
export interface ChangeLatency {
  at: number;
  table: string;
  row: string;
  reached: Record<string, number>;
  later: string[];
}

/** Where a received row came from, as far as the preview can tell. */
export type TraceSource = { kind: 'person'; who: string } | { kind: 'echo' | 'undo' | 'server' };

/** A change a person made while offline that someone's later change replaced once they came back online. */
export interface ReplacedChange {
  table: string;
  /** How people know the row: its first text field when it had one as the person wrote, else its id. */
  rowLabel: string;
  cell: string;
  /** The key of the person whose later change won, or undefined when it was the server's. */
  by: string | undefined;
  at: number;
}

const NONE: readonly ReplacedChange[] = [];

interface PendingWrite {
  writer: string;
  value: unknown;
  at: number;
}

const cellKey = (table: string, row: string, cell: string) => JSON.stringify([table, row, cell]);

/** One tracker per preview pane: users note their writes, every user's store reports what arrives. */
export class LatencyTracker {
  readonly #pending = new Map<string, PendingWrite>();
  #latest: Record<string, ChangeLatency> = {};
  readonly #listeners = new Set<() => void>();
  /** Since when (performance.now) each user has been connected and online without a break. */
  readonly #onlineSince = new Map<string, number>();
  /** Who is offline now, and the cells each wrote while offline (value and row label), by cell key. */
  readonly #offline = new Set<string>();
  readonly #offlineWrites = new Map<string, Map<string, { value: unknown; rowLabel: string }>>();
  #replaced: Record<string, readonly ReplacedChange[]> = {};

  /** Records that a user just came (back) online: changes made before now reach them "later", not with a latency. */
  noteOnline(user: string): void {
    this.#onlineSince.set(user, performance.now());
    this.#offline.delete(user);
  }

  /** Records that a user went offline: what they write now may be replaced by later changes when they return. */
  noteOffline(user: string): void {
    this.#offline.add(user);
  }

  /** Records that `writer` is about to write these cells (undefined = deleted) of one row, known as `rowLabel`. */
  noteWrite(
    writer: string,
    table: string,
    row: string,
    cells: Record<string, unknown>,
    rowLabel: string = row,
  ): void {
    const at = performance.now();
    const offline = this.#offline.has(writer);
    const kept = this.#offlineWrites.get(writer) ?? new Map<string, { value: unknown; rowLabel: string }>();
    this.#offlineWrites.set(writer, kept);
    for (const [cell, value] of Object.entries(cells)) {
      const key = cellKey(table, row, cell);
      this.#pending.set(key, { writer, value, at });
      // A change made online settles at once; only offline ones can be overtaken unseen.
      if (offline) kept.set(key, { value, rowLabel });
      else kept.delete(key);
    }
    this.#latest = { ...this.#latest, [writer]: { at: Date.now(), table, row, reached: {}, later: [] } };
    this.#emit();
  }

  /**
   * Where received cells came from: another person whose pending write carried exactly these values; my own write
   * coming back (`echo`, e.g. with defaults filled); the server undoing my refused write (`undo`); or the server
   * itself (the data API, or re-asserting a row after someone else's refused write).
   */
  sourceOf(me: string, table: string, row: string, cells: Record<string, unknown>): TraceSource {
    let mine: 'echo' | 'undo' | undefined;
    for (const [cell, value] of Object.entries(cells)) {
      const pending = this.#pending.get(cellKey(table, row, cell));
      if (!pending) continue;
      if (pending.writer !== me && pending.value === value) return { kind: 'person', who: pending.writer };
      if (pending.writer === me) mine = pending.value === value ? (mine ?? 'echo') : 'undo';
    }
    return { kind: mine ?? 'server' };
  }

  /** Watches a user's store for cells written by someone else; returns a function that stops watching. */
  observe(user: string, store: MergeableStore): () => void {
    this.noteOnline(user);
    const id = store.addCellListener(null, null, null, (_store, table, row, cell, newCell) => {
      const pending = this.#pending.get(cellKey(table, row, cell));
      this.#noteReplaced(user, table, row, cell, newCell, pending);
      if (!pending || pending.writer === user || pending.value !== newCell) return;
      const last = this.#latest[pending.writer];
      if (!last || last.table !== table || last.row !== row) return;
      if (last.reached[user] !== undefined || last.later.includes(user)) return;
      const joinedAfter = (this.#onlineSince.get(user) ?? 0) > pending.at;
      this.#latest = {
        ...this.#latest,
        [pending.writer]: joinedAfter
          ? { ...last, later: [...last.later, user] }
          : { ...last, reached: { ...last.reached, [user]: Math.round(performance.now() - pending.at) } },
      };
      this.#emit();
    });
    return () => store.delListener(id);
  }

  /** The person's offline changes that later changes replaced, newest first (the same array until it changes). */
  replacedOf = (user: string): readonly ReplacedChange[] => this.#replaced[user] ?? NONE;

  /** A cell the person wrote offline now holds another value: someone's later change won the merge. */
  #noteReplaced(
    user: string,
    table: string,
    row: string,
    cell: string,
    value: unknown,
    pending: PendingWrite | undefined,
  ): void {
    const key = cellKey(table, row, cell);
    const mine = this.#offlineWrites.get(user)?.get(key);
    if (!mine || this.#offline.has(user) || mine.value === value) return;
    this.#offlineWrites.get(user)?.delete(key);
    // The person's own write undone is a refusal, which the card shows with its rule.
    if (pending?.writer === user) return;
    const by = pending && pending.value === value ? pending.writer : undefined;
    const change: ReplacedChange = { table, rowLabel: mine.rowLabel, cell, by, at: Date.now() };
    this.#replaced = { ...this.#replaced, [user]: [change, ...(this.#replaced[user] ?? NONE)].slice(0, 5) };
    this.#emit();
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** For useSyncExternalStore: the latest change of every writer. */
  getSnapshot = (): Record<string, ChangeLatency> => this.#latest;

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
