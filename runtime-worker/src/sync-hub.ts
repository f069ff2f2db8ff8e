// The enforcing sync hub: speaks TinyBase's protocol to each client as its only peer, answers its requests, pulls
// what it brings, has the gate judge it, saves and relays what was accepted, and corrects and notifies the sender.
// Nothing here walks the whole store: every step costs what the change touches.
import { CloseCode, encodeRejectionNotice, type RejectionNotice } from '@datastore-designer/schema';
import type {
  CellHashes,
  ContentHashes,
  MergeableChanges,
  MergeableStore,
  RowHashes,
  RowStamp,
  TableHashes,
  TableStamp,
  TablesStamp,
  ValueHashes,
} from 'tinybase';
import { BacklogProbe, MAX_BACKLOG_MS } from './backlog-probe.ts';
import type { SocketFacts } from './instance-facts.ts';
import type { InstancePersister } from './instance-persister.ts';
import { emptyRecord } from './own-key.ts';
import { RepeatedRefusals } from './repeated-refusals.ts';
import { RestampedCells } from './restamped-cells.ts';
import {
  healHubDeletions,
  splitHiddenWrites,
  viewCellDiff,
  viewContentHashes,
  viewRowDiff,
  viewRowHashes,
  viewTableDiff,
  viewTableHashes,
  visibleChanges,
  type View,
} from './read-views.ts';
import { judgeChanges, type GateClock, type GateContext } from './sync-gate.ts';
import {
  formatFrame,
  fragmentFrame,
  isContentHashes,
  isMergeableChanges,
  isTablesStamp,
  isValuesStamp,
  MessageType,
  parseFrame,
} from './sync-protocol.ts';

/** What the hub needs from the object that holds it: its sockets, the rules that apply now, and closing. */
export interface HubHost {
  sockets(): WebSocket[];
  /** The judging context for a user, or undefined when the datastore is no longer deployed. */
  gateContext(user: SocketFacts['user']): GateContext | undefined;
  /** What this socket's person sees (read rules), or undefined when they see every synced table whole. */
  view(socket: WebSocket): View | undefined;
  /** Called before each relay: the host closes sockets whose view a save just changed. */
  beforeRelay(): void;
  close(socket: WebSocket, code: number, reason: string): void;
}

interface PendingRequest {
  socket: WebSocket;
  resolve: (body: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const PULL_TIMEOUT_MS = 5000;
// How long a client's first request for the server's hashes may wait while the hub takes in what it brought:
// well below the one second a plain TinyBase client waits for an answer.
const TAKE_IN_FIRST_MS = 600;
const EMPTY_TABLES: TablesStamp = [{}, ''];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isEmptyObject = (value: object): boolean => Object.keys(value).length === 0;

const hasChanges = ([[tables], [values]]: MergeableChanges): boolean =>
  !isEmptyObject(tables) || !isEmptyObject(values);

/** A malformed answer to one of the hub's own pulls: the socket is closed as speaking something else. */
class BadResponse extends Error {}

/** Merges a pulled diff into what a pull has gathered so far, as TinyBase's own synchronizer does. */
const mergeInto = (target: TablesStamp, [tables, hlc]: TablesStamp): void => {
  for (const [tableId, [rows, tableHlc]] of Object.entries(tables)) {
    const table = (target[0][tableId] ??= [emptyRecord(), '']);
    for (const [rowId, [cells, rowHlc]] of Object.entries(rows)) {
      const row = (table[0][rowId] ??= [emptyRecord(), '']);
      Object.assign(row[0], cells);
      if ((rowHlc ?? '') > (row[1] ?? '')) row[1] = rowHlc;
    }
    if ((tableHlc ?? '') > (table[1] ?? '')) table[1] = tableHlc;
  }
  if ((hlc ?? '') > (target[1] ?? '')) target[1] = hlc;
};

/** A diff answer `[stamp, differing hashes]` to a GetTableDiff or GetRowDiff pull. */
const diffAnswer = (body: unknown): [TablesStamp, Record<string, unknown>] => {
  if (!Array.isArray(body) || !isTablesStamp(body[0]) || !isRecord(body[1])) throw new BadResponse();
  return [body[0], body[1]];
};

/** The hub of one instance's synced store. */
export class SyncHub {
  readonly #store: MergeableStore;
  readonly #persister: InstancePersister;
  readonly #host: HubHost;
  readonly #clock: GateClock;
  readonly #restamped: RestampedCells;
  readonly #pending = new Map<string, PendingRequest>();
  readonly #tookInFirst = new WeakSet<WebSocket>();
  readonly #backlog = new BacklogProbe();
  readonly #refusals = new RepeatedRefusals();
  #requests = 0;
  #notices = 0;
  /** The client-id part of this hub's stamps: its own stamps are recognisable when they come back. */
  readonly #stampId: string;

  constructor(
    store: MergeableStore,
    persister: InstancePersister,
    host: HubHost,
    clock: GateClock,
    restamped: RestampedCells,
  ) {
    this.#store = store;
    this.#restamped = restamped;
    this.#persister = persister;
    this.#host = host;
    this.#clock = clock;
    this.#stampId = clock.next().slice(11);
    // Every save of the synced store (accepted changes, corrections, the data API's writes) goes to every client.
    persister.onSaved = (changes) => this.relay(changes);
    persister.relaying = () => host.sockets().length > 0;
  }

  /**
   * Sends saved changes to every socket, each cut to what its person may see; called after the save, so the
   * output gate holds them until durable.
   */
  relay(changes: MergeableChanges): void {
    if (!hasChanges(changes)) return;
    this.#host.beforeRelay();
    let frame: string | undefined;
    for (const socket of this.#host.sockets()) {
      const view = this.#host.view(socket);
      if (view === undefined) {
        this.#send(socket, (frame ??= formatFrame(null, MessageType.ContentDiff, changes)));
        continue;
      }
      const visible = visibleChanges(changes, view);
      if (visible) this.#send(socket, formatFrame(null, MessageType.ContentDiff, visible));
    }
  }

  /** Handles one text frame from a client whose transport checks (size, rate, expiry) have passed. */
  handle(socket: WebSocket, attached: SocketFacts, message: string): void {
    if (this.#fallenBehind(socket)) return;
    const frame = parseFrame(message);
    if (!frame) {
      this.#host.close(socket, CloseCode.invalidFrame, 'That was not a valid TinyBase sync frame.');
      return;
    }
    const { requestId, type, body } = frame;
    const store = this.#store;
    const answer = (response: unknown) =>
      this.#send(socket, formatFrame(requestId, MessageType.Response, response));
    switch (type) {
      case MessageType.Response: {
        const pending = requestId === null ? undefined : this.#pending.get(requestId);
        if (requestId !== null && pending && pending.socket === socket) {
          clearTimeout(pending.timer);
          this.#pending.delete(requestId);
          pending.resolve(body);
        }
        return;
      }
      case MessageType.GetContentHashes: {
        const viewHashes = () => {
          const view = this.#host.view(socket);
          return view ? viewContentHashes(store, view) : store.getMergeableContentHashes();
        };
        if (this.#mustTakeInFirst(socket)) {
          void this.#takeInFirst(socket, attached).then(() => answer(viewHashes()));
          return;
        }
        return answer(viewHashes());
      }
      case MessageType.ContentHashes:
        if (!isContentHashes(body)) break;
        void this.#pullFrom(socket, attached, body);
        return;
      case MessageType.ContentDiff:
        if (!isMergeableChanges(body)) break;
        return this.#receive(socket, attached, body);
      case MessageType.GetTableDiff: {
        if (!isRecord(body)) break;
        const view = this.#host.view(socket);
        if (!view) return answer(store.getMergeableTableDiff(body as TableHashes));
        return answer(viewTableDiff(store, view, body as TableHashes));
      }
      case MessageType.GetRowDiff: {
        if (!isRecord(body)) break;
        const view = this.#host.view(socket);
        if (!view) return answer(store.getMergeableRowDiff(body as RowHashes));
        return answer(viewRowDiff(store, view, body as RowHashes));
      }
      case MessageType.GetCellDiff: {
        if (!isRecord(body)) break;
        const view = this.#host.view(socket);
        if (!view) return answer(store.getMergeableCellDiff(body as CellHashes));
        return answer(viewCellDiff(store, view, body as CellHashes));
      }
      case MessageType.GetValueDiff:
        if (!isRecord(body)) break;
        return answer(store.getMergeableValueDiff(body as ValueHashes));
    }
    this.#host.close(socket, CloseCode.invalidFrame, 'That was not a valid TinyBase sync message.');
  }

  /** Drops the pulls a closed socket will never answer, and the refusals it was told of. */
  forget(socket: WebSocket): void {
    this.#refusals.forget(socket);
    for (const [requestId, pending] of this.#pending) {
      if (pending.socket === socket) {
        clearTimeout(pending.timer);
        this.#pending.delete(requestId);
        pending.reject(new Error('socket closed'));
      }
    }
  }

  /**
   * Back-pressure before any parsing: a socket whose messages wait too long behind each other is closed and its
   * queued messages dropped; a busy one is asked, now and then, the question whose answer measures that wait.
   */
  #fallenBehind(socket: WebSocket): boolean {
    if (this.#backlog.dropping(socket)) return true;
    const verdict = this.#backlog.noteMessage(socket, Date.now());
    if (verdict === 'probe') {
      const answered = () => this.#backlog.answered(socket);
      this.#request(socket, MessageType.GetContentHashes, '').then(answered, answered);
    } else if (verdict === 'behind') {
      this.#host.close(
        socket,
        CloseCode.overLimit,
        `This device sends changes faster than the instance can take them in (they waited over ${MAX_BACKLOG_MS} ms).`,
      );
      return true;
    }
    return false;
  }

  #send(socket: WebSocket, frame: string): void {
    try {
      for (const piece of fragmentFrame(frame)) socket.send(piece);
    } catch {
      // The socket closed meanwhile; its close handler cleans up.
    }
  }

  #request(socket: WebSocket, type: number, body: unknown): Promise<unknown> {
    const requestId = `pull-${++this.#requests}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new Error('no response'));
      }, PULL_TIMEOUT_MS);
      this.#pending.set(requestId, { socket, resolve, reject, timer });
      this.#send(socket, formatFrame(requestId, type, body));
    });
  }

  /**
   * Whether to take in what a client brings before handing it the server's copy (on a socket's first pull): a
   * client pulls first and merges what it gets, so an allowed offline edit older than one of the hub's restamps
   * (a correction of someone else's refused edit) would be overwritten on the client before the hub saw it. While
   * its first pull waits, the client merges nothing it receives, relays included.
   */
  #mustTakeInFirst(socket: WebSocket): boolean {
    if (this.#tookInFirst.has(socket)) return false;
    this.#tookInFirst.add(socket);
    return true;
  }

  /** Pulls and judges what the client holds, giving up waiting (the pull goes on) after `TAKE_IN_FIRST_MS`. */
  async #takeInFirst(socket: WebSocket, attached: SocketFacts): Promise<void> {
    const pull = (async () => {
      const hashes = await this.#request(socket, MessageType.GetContentHashes, '');
      if (isContentHashes(hashes)) await this.#pullFrom(socket, attached, hashes);
    })().catch(() => undefined);
    const budget = new Promise<void>((done) => {
      const timer = setTimeout(done, TAKE_IN_FIRST_MS);
      void pull.then(() => clearTimeout(timer));
    });
    await Promise.race([pull, budget]);
  }

  /** After a client's ContentHashes, pulls what it has that the server lacks (4 → 5 → 6, and 7) and judges it. */
  async #pullFrom(socket: WebSocket, attached: SocketFacts, [otherTables, otherValues]: ContentHashes) {
    const store = this.#store;
    // The hub asks only about what the person may see: even a hidden table's or row's id never goes out.
    const view = this.#host.view(socket);
    const [tablesHash, valuesHash] = view
      ? viewContentHashes(store, view)
      : store.getMergeableContentHashes();
    if (tablesHash === otherTables && valuesHash === otherValues) return;
    try {
      const tables: TablesStamp = [emptyRecord(), ''];
      if (tablesHash !== otherTables) {
        const tableHashes = view ? viewTableHashes(store, view) : store.getMergeableTableHashes();
        const [tableDiff, answeredTables] = diffAnswer(
          await this.#request(socket, MessageType.GetTableDiff, tableHashes),
        );
        mergeInto(tables, tableDiff);
        const differingTables = answeredTables as TableHashes;
        if (!isEmptyObject(differingTables)) {
          // Row hashes of the tables that differ: a reconnect's sync round, not a per-change step.
          const rowHashes = view
            ? viewRowHashes(store, view, differingTables)
            : store.getMergeableRowHashes(differingTables);
          const [rowDiff, differingRows] = diffAnswer(
            await this.#request(socket, MessageType.GetRowDiff, rowHashes),
          );
          mergeInto(tables, rowDiff);
          if (!isEmptyObject(differingRows)) {
            const cellHashes = store.getMergeableCellHashes(differingRows as RowHashes);
            const cellDiff = await this.#request(socket, MessageType.GetCellDiff, cellHashes);
            if (!isTablesStamp(cellDiff)) throw new BadResponse();
            mergeInto(tables, cellDiff);
          }
        }
      }
      let values: MergeableChanges[1] = [{}, ''];
      if (valuesHash !== otherValues) {
        const valueDiff = await this.#request(
          socket,
          MessageType.GetValueDiff,
          store.getMergeableValueHashes(),
        );
        if (!isValuesStamp(valueDiff)) throw new BadResponse();
        values = valueDiff;
      }
      this.#receive(socket, attached, [tables, values, 1]);
    } catch (error) {
      if (error instanceof BadResponse) {
        this.#host.close(socket, CloseCode.invalidFrame, 'That was not a valid TinyBase sync response.');
      }
      // Otherwise the socket closed or did not answer; the next sync round tries again.
    }
  }

  /** Whether a stamp is one of this hub's own (its client-id part). */
  #isOwnStamp(hlc: string): boolean {
    return hlc.slice(11) === this.#stampId;
  }

  /**
   * The hub's own deletions coming back (sent where a person could not see) never delete what is stored: the
   * stored cells are stamped again, saved and so relayed to everyone who may see them.
   */
  #heal(changes: MergeableChanges): MergeableChanges {
    const healed = healHubDeletions(this.#store, changes, (hlc) => this.#isOwnStamp(hlc), this.#clock.next);
    if (healed.restamp) this.#persister.merge(healed.restamp);
    return healed.changes;
  }

  /**
   * The hub's own writes coming back (a client saving the transaction in which it merged a correction, a restamp
   * or an `auto` cell): a cell under one of the hub's stamps, no newer than the stored one, carries nothing new,
   * yet the gate would take it for a late edit of the sender's and judge it (refusing it again). Such cells are
   * dropped; deletions under the hub's stamps are the heal rule's.
   */
  #withoutOwnEchoes(changes: MergeableChanges): MergeableChanges {
    const [[tables, tablesHlc], values] = changes;
    let echoes = false;
    const kept = emptyRecord<TableStamp>();
    for (const [tableId, [rows, tableHlc]] of Object.entries(tables)) {
      const keptRows = emptyRecord<RowStamp>();
      for (const [rowId, [cells, rowHlc]] of Object.entries(rows)) {
        let stored: RowStamp[0] | undefined;
        const keptCells: RowStamp[0] = emptyRecord();
        for (const [cellId, stamp] of Object.entries(cells)) {
          const [value, hlc] = stamp;
          if (value !== undefined && hlc !== undefined && this.#isOwnStamp(hlc)) {
            // One row's stored stamps, looked up only for a row that carries the hub's own stamps.
            stored ??=
              this.#store.getMergeableCellDiff({ [tableId]: { [rowId]: {} } })[0][tableId]?.[0][rowId]?.[0] ??
              {};
            if (hlc <= (stored[cellId]?.[1] ?? '')) {
              echoes = true;
              continue;
            }
          }
          keptCells[cellId] = stamp;
        }
        if (Object.keys(keptCells).length > 0) keptRows[rowId] = [keptCells, rowHlc];
      }
      if (Object.keys(keptRows).length > 0) kept[tableId] = [keptRows, tableHlc];
    }
    return echoes ? [[kept, tablesHlc], values, 1] : changes;
  }

  /** Sends each rejection notice the socket was not already sent for the very same refused change. */
  #notify(socket: WebSocket, rejections: RejectionNotice[], changes: MergeableChanges): void {
    for (const rejection of rejections) {
      if (!this.#refusals.isNew(socket, rejection, changes)) continue;
      this.#send(socket, encodeRejectionNotice(`rejected-${++this.#notices}`, rejection));
    }
  }

  /**
   * Judges incoming changes, saves and relays what is allowed, and corrects and notifies the sender for the rest.
   * All of it is synchronous: each save is written before the frames that follow it are sent, so the output gate
   * holds those frames until the save is durable ("persist before relay", with nothing awaited).
   */
  #receive(socket: WebSocket, attached: SocketFacts, changes: MergeableChanges): void {
    const context = this.#host.gateContext(attached.user);
    if (!context) {
      this.#host.close(socket, CloseCode.accessWithdrawn, 'This datastore is no longer deployed.');
      return;
    }
    const sent: MergeableChanges = [changes[0] ?? EMPTY_TABLES, changes[1] ?? [{}, ''], 1];
    let incoming = sent;
    const view = this.#host.view(socket);
    if (view) {
      const split = splitHiddenWrites(incoming, view, this.#store, context.datastore, {
        next: this.#clock.next,
        isOwn: (hlc) => this.#isOwnStamp(hlc),
      });
      incoming = split.visible;
      if (split.senderCorrection) {
        this.#send(socket, formatFrame(null, MessageType.ContentDiff, split.senderCorrection));
      }
      this.#notify(socket, split.rejections, sent);
    }
    // Healed only where the person may see: a hidden table's deletions were dropped above, untouched.
    incoming = this.#withoutOwnEchoes(this.#heal(incoming));
    const result = judgeChanges(this.#store, incoming, context, this.#clock, this.#restamped);
    // Accepted changes carry the server's `auto` cells under newer stamps; the save relays them (stamp-only
    // ones included, which a store's transaction would not report) to every socket, the sender's too.
    if (result.accepted) this.#persister.merge(result.accepted);
    // Re-asserts rows everyone has under a newer stamp (after a refusal, or a change to `auto` fields only):
    // saved, then relayed to every socket by the save.
    if (result.correction) this.#persister.merge(result.correction);
    if (result.restamps) this.#restamped.remember(result.restamps);
    if (result.senderCorrection) {
      this.#send(socket, formatFrame(null, MessageType.ContentDiff, result.senderCorrection));
    }
    this.#notify(socket, result.rejections, sent);
    if (result.clockAheadBy !== undefined) {
      // Such a client can never converge with anyone: say so (the notice above) and stop talking to it.
      this.#host.close(socket, CloseCode.overLimit, "The device's clock is ahead of the server's.");
    }
  }
}
