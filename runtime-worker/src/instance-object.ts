// The instance Durable Object: one isolated datastore instance, persisted in its SQLite, and the enforcing
// sync hub its clients talk to. We own the hub rather than subclass TinyBase's WsServerDurableObject because
// that class relays every client frame to every other client from private fields we cannot intercept.
import {
  applyDefaults,
  CloseCode,
  compileConfig,
  encodeRejectionNotice,
  errorBody,
  instanceFacts,
  validateRow,
  type CompiledDatastore,
  type RejectionNotice,
  type Row,
  type RuleUser,
} from '@datastore-designer/schema';
import { DurableObject } from 'cloudflare:workers';
import { createMergeableStore, getHlcFunctions, type MergeableStore } from 'tinybase';
import {
  createDurableObjectSqlStoragePersister,
  type DurableObjectSqlStoragePersister,
} from 'tinybase/persisters/persister-durable-object-sql-storage';
import { CONNECT_HEADER, type ConnectFacts, type InstanceFacts, type SocketFacts } from './instance-facts.ts';
import { emptyRecord, ownEntry } from './own-key.ts';
import { limitsFrom, type Limits } from './settings.ts';
import { judgeChanges, type GateClock } from './sync-gate.ts';
import {
  formatFrame,
  fragmentFrame,
  isContentHashes,
  isMergeableChanges,
  isTablesStamp,
  isValuesStamp,
  MessageType,
  parseFrame,
  type MergeableChanges,
  type TablesStamp,
  type ValuesStamp,
} from './sync-protocol.ts';

/** The answer of a server data API call: an HTTP status and a JSON body. */
export interface DataAnswer {
  status: number;
  body: unknown;
}

interface PendingRequest {
  socket: WebSocket;
  resolve: (body: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type TablesContent = Record<string, Record<string, Row>>;

const PULL_TIMEOUT_MS = 5000;
// TinyBase's own bound: its store drops changes stamped further ahead than this.
const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
const HLC = /^[-0-9A-Z_a-z]{16}$/;
const EMPTY_TABLES: TablesStamp = [{}, ''];
const EMPTY_VALUES: ValuesStamp = [{}, ''];

/** An answer whose body can cross RPC: TinyBase hands out null-prototype objects, which RPC cannot clone. */
const plain = (status: number, body: unknown): DataAnswer => ({
  status,
  body: JSON.parse(JSON.stringify(body)),
});

const isEmptyObject = (value: object): boolean => Object.keys(value).length === 0;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

// Workers cap a WebSocket tag at 256 characters; a longer `user:<sub>` is tagged by its SHA-256 instead (a prefix no
// plain tag has), so every `sub` a token may carry can connect and still counts as one user.
const MAX_TAG_BYTES = 256;
const userTag = async (user: RuleUser): Promise<string> => {
  const plainTag = `user:${user.id}`;
  if (utf8Length(plainTag) <= MAX_TAG_BYTES) return plainTag;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(user.id));
  return `user-sha256:${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
};

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

/** One datastore instance: its synced store, its server-only store, and the sockets of its clients. */
export class InstanceObject extends DurableObject<Env> {
  #store!: MergeableStore;
  #persister!: DurableObjectSqlStoragePersister;
  #privateStore!: MergeableStore;
  #privatePersister!: DurableObjectSqlStoragePersister;
  #facts: InstanceFacts | undefined;
  #compiled: { version: number; datastore: CompiledDatastore } | undefined;
  #clock: GateClock;
  #limits: Limits;
  #pending = new Map<string, PendingRequest>();
  #rates = new WeakMap<WebSocket, { start: number; count: number }>();
  #requests = 0;
  #notices = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#limits = limitsFrom(env as unknown as Record<string, unknown>);
    const [getNextHlc, seenHlc, , decodeHlc] = getHlcFunctions(ctx.id.toString());
    this.#clock = {
      next: getNextHlc,
      seen: seenHlc,
      valid: (hlc) => HLC.test(hlc) && decodeHlc(hlc)[0] <= Date.now() + MAX_CLOCK_AHEAD_MS,
    };
    void ctx.blockConcurrencyWhile(() => this.#open());
  }

  /** Loads both stores from SQLite and starts saving every change. */
  async #open(): Promise<void> {
    const uniqueId = this.ctx.id.toString();
    this.#store = createMergeableStore(uniqueId);
    this.#persister = createDurableObjectSqlStoragePersister(this.#store, this.ctx.storage.sql, {
      mode: 'fragmented',
      storagePrefix: 'synced_',
    });
    // serverOnly tables live in a store of their own, so the synced store's hashes match the clients'.
    this.#privateStore = createMergeableStore(`${uniqueId}-server-only`);
    this.#privatePersister = createDurableObjectSqlStoragePersister(
      this.#privateStore,
      this.ctx.storage.sql,
      {
        mode: 'fragmented',
        storagePrefix: 'server_only_',
      },
    );
    await this.#persister.load();
    await this.#persister.startAutoSave();
    await this.#privatePersister.load();
    await this.#privatePersister.startAutoSave();
    // Registered after the autosave listener, so each relay is scheduled behind the save of the same change.
    this.#store.addDidFinishTransactionListener(() => this.#relayTransaction());
    this.#facts = await this.ctx.storage.get<InstanceFacts>('facts');
  }

  // --- facts and config

  async #adoptFacts(facts: InstanceFacts): Promise<void> {
    const current = this.#facts;
    if (current && facts.version < current.version) return;
    // Every call carries the facts; write them only when they changed (a deploy or a member change).
    if (
      current &&
      current.version === facts.version &&
      JSON.stringify(current.registry) === JSON.stringify(facts.registry)
    ) {
      return;
    }
    this.#facts = facts;
    await this.ctx.storage.put('facts', facts);
    if (current && current.version !== facts.version) this.#followTableChanges(facts);
  }

  #datastore(): CompiledDatastore | undefined {
    const facts = this.#facts;
    if (!facts) return undefined;
    if (this.#compiled?.version !== facts.version) {
      const app = compileConfig({ format: 1, datastores: { [facts.datastore]: facts.config } });
      const datastore = ownEntry(app.datastores, facts.datastore);
      if (!datastore) return undefined;
      this.#compiled = { version: facts.version, datastore };
    }
    return this.#compiled.datastore;
  }

  #instance() {
    const facts = this.#facts;
    return instanceFacts(facts?.kind ?? 'single', facts?.instanceId ?? 'main', facts?.registry);
  }

  /**
   * A deploy that removes tables removes their rows too (the deploy was forced: it said so). A table turned
   * `serverOnly` (or back) keeps its rows: they move to the store that now holds the table, so clients lose
   * (or gain) sight of them but nothing is deleted by a deploy nobody was warned about.
   */
  #followTableChanges(facts: InstanceFacts): void {
    const tables = facts.config.tables;
    const serverOnly = (id: string) => ownEntry(tables, id)?.serverOnly === true;
    const known = (id: string) => ownEntry(tables, id) !== undefined;
    const leavingSynced = this.#store.getTableIds().filter((id) => !known(id) || serverOnly(id));
    const leavingPrivate = this.#privateStore.getTableIds().filter((id) => !known(id) || !serverOnly(id));
    const toPrivate = leavingSynced.filter(known).map((id) => [id, this.#store.getTable(id)] as const);
    const toSynced = leavingPrivate.filter(known).map((id) => [id, this.#privateStore.getTable(id)] as const);
    if (leavingSynced.length > 0 || toSynced.length > 0) {
      this.#store.transaction(() => {
        leavingSynced.forEach((id) => this.#store.delTable(id));
        toSynced.forEach(([id, rows]) => this.#store.setTable(id, rows));
      });
    }
    if (leavingPrivate.length > 0 || toPrivate.length > 0) {
      this.#privateStore.transaction(() => {
        leavingPrivate.forEach((id) => this.#privateStore.delTable(id));
        toPrivate.forEach(([id, rows]) => this.#privateStore.setTable(id, rows));
      });
    }
  }

  /** Whether a user may still hold a socket here under the current config and membership. */
  #mayConnect(user: RuleUser): boolean {
    const datastore = this.#datastore();
    if (!datastore) return false;
    const instance = this.#instance();
    if (this.#facts?.kind === 'multi' && !instance.members.includes(user.id)) return false;
    return datastore.connect({ user, instance, now: Date.now() }).allowed;
  }

  /** Takes a new config version or membership: new rules apply at once, and denied sockets are closed. */
  async applyFacts(facts: InstanceFacts): Promise<void> {
    await this.#adoptFacts(facts);
    for (const socket of this.ctx.getWebSockets()) {
      const attached = socket.deserializeAttachment() as SocketFacts | null;
      if (attached && !this.#mayConnect(attached.user)) {
        this.#close(socket, CloseCode.accessWithdrawn, 'Access to this instance was withdrawn.');
      }
    }
  }

  /** Deletes everything this instance holds and closes its sockets with 4004. */
  async wipe(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) {
      this.#close(socket, CloseCode.instanceDeleted, 'This instance was deleted.');
    }
    await this.#persister.stopAutoSave();
    await this.#privatePersister.stopAutoSave();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#facts = undefined;
    this.#compiled = undefined;
    await this.#open();
  }

  // --- sockets

  /** Accepts a WebSocket the worker has already authorized (facts in a header only the worker can set). */
  override async fetch(request: Request): Promise<Response> {
    const header = request.headers.get(CONNECT_HEADER);
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket' || header === null) {
      return Response.json(errorBody('upgrade_required', 'Expected a WebSocket upgrade.'), { status: 426 });
    }
    const connect = JSON.parse(header) as ConnectFacts;
    await this.#adoptFacts(connect.facts);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    // Anonymous sockets (allowed where `connect` lets everyone in) are no one user: counting them as one would
    // cap a public instance at a handful of viewers.
    const tag = await userTag(connect.user);
    const tooMany =
      connect.user.id !== '' && this.ctx.getWebSockets(tag).length >= this.#limits.maxSocketsPerUser;
    this.ctx.acceptWebSocket(server, [tag]);
    const attached: SocketFacts = {
      clientId: crypto.randomUUID(),
      user: connect.user,
      expiresAt: connect.expiresAt,
      connectedAt: Date.now(),
    };
    server.serializeAttachment(attached);
    if (tooMany) {
      // Closed by the alarm, once the upgrade is complete: a close sent during the upgrade request itself
      // reaches the client only after a long delay.
      attached.overLimit = true;
      server.serializeAttachment(attached);
      await this.ctx.storage.setAlarm(Date.now() + 20);
    } else if (attached.expiresAt > 0) {
      await this.#scheduleExpiry();
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.#onMessage(socket, message);
    } catch (error) {
      // One bad message must not take the instance down for everyone else.
      console.error('instance: message failed', error);
      this.#close(socket, CloseCode.invalidFrame, 'That message could not be handled.');
    }
  }

  async #onMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attached = socket.deserializeAttachment() as SocketFacts | null;
    if (!attached) return;
    if (attached.overLimit) {
      this.#close(socket, CloseCode.overLimit, `At most ${this.#limits.maxSocketsPerUser} sockets per user.`);
      return;
    }
    if (typeof message !== 'string') {
      this.#close(socket, CloseCode.invalidFrame, 'Only TinyBase text frames are understood.');
      return;
    }
    if (
      message.length > this.#limits.maxMessageBytes / 3 &&
      utf8Length(message) > this.#limits.maxMessageBytes
    ) {
      this.#close(socket, CloseCode.tooBig, `Messages may be at most ${this.#limits.maxMessageBytes} bytes.`);
      return;
    }
    if (!this.#withinRate(socket)) {
      this.#close(
        socket,
        CloseCode.overLimit,
        `At most ${this.#limits.maxMessagesPerSecond} messages per second.`,
      );
      return;
    }
    if (attached.expiresAt > 0 && attached.expiresAt <= Date.now()) {
      this.#close(socket, CloseCode.tokenExpired, 'The token expired.');
      return;
    }
    const frame = parseFrame(message);
    if (!frame) {
      this.#close(socket, CloseCode.invalidFrame, 'That was not a valid TinyBase sync frame.');
      return;
    }
    const { requestId, type, body } = frame;
    const store = this.#store;
    const answer = (response: unknown) =>
      this.#send(socket, formatFrame(requestId, MessageType.Response, response));
    switch (type) {
      case MessageType.Response: {
        const pending = requestId === null ? undefined : this.#pending.get(requestId);
        if (pending && pending.socket === socket) {
          clearTimeout(pending.timer);
          this.#pending.delete(requestId as string);
          pending.resolve(body);
        }
        return;
      }
      case MessageType.GetContentHashes:
        return answer(store.getMergeableContentHashes());
      case MessageType.ContentHashes:
        if (!isContentHashes(body)) break;
        return this.#pullFrom(socket, attached, body);
      case MessageType.ContentDiff:
        if (!isMergeableChanges(body)) break;
        return this.#receive(socket, attached, body);
      case MessageType.GetTableDiff:
        if (!isRecord(body)) break;
        return answer(store.getMergeableTableDiff(body as never));
      case MessageType.GetRowDiff:
        if (!isRecord(body)) break;
        return answer(store.getMergeableRowDiff(body as never));
      case MessageType.GetCellDiff:
        if (!isRecord(body)) break;
        return answer(store.getMergeableCellDiff(body as never));
      case MessageType.GetValueDiff:
        if (!isRecord(body)) break;
        return answer(store.getMergeableValueDiff(body as never));
    }
    this.#close(socket, CloseCode.invalidFrame, 'That was not a valid TinyBase sync message.');
  }

  override webSocketClose(socket: WebSocket, code: number): void {
    this.#forgetSocket(socket);
    // Answer the client's close, or it waits (about 10 s under workerd) and ends with 1006.
    try {
      socket.close(code >= 3000 || code === 1000 ? code : 1000, 'Closed.');
    } catch {
      // Already answered.
    }
  }

  override webSocketError(socket: WebSocket): void {
    this.#forgetSocket(socket);
  }

  #forgetSocket(socket: WebSocket): void {
    for (const [requestId, pending] of this.#pending) {
      if (pending.socket === socket) {
        clearTimeout(pending.timer);
        this.#pending.delete(requestId);
        pending.reject(new Error('socket closed'));
      }
    }
  }

  #withinRate(socket: WebSocket): boolean {
    const now = Date.now();
    const rate = this.#rates.get(socket);
    if (!rate || now - rate.start >= 1000) {
      this.#rates.set(socket, { start: now, count: 1 });
      return true;
    }
    rate.count++;
    return rate.count <= this.#limits.maxMessagesPerSecond;
  }

  #send(socket: WebSocket, frame: string): void {
    try {
      for (const piece of fragmentFrame(frame)) socket.send(piece);
    } catch {
      // The socket closed meanwhile; its close handler cleans up.
    }
  }

  #close(socket: WebSocket, code: number, reason: string): void {
    this.#forgetSocket(socket);
    try {
      socket.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  /** Sends every accepted change to every socket, once the save of that change is done. */
  #relayTransaction(): void {
    const changes = this.#store.getTransactionMergeableChanges();
    if (isEmptyObject(changes[0][0]) && isEmptyObject(changes[1][0])) return;
    const frame = formatFrame(null, MessageType.ContentDiff, changes);
    void this.#persister.schedule(async () => {
      for (const socket of this.ctx.getWebSockets()) this.#send(socket, frame);
    });
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

  /** After a client's ContentHashes, pulls what it has that the server lacks (4 → 5 → 6, and 7) and judges it. */
  async #pullFrom(socket: WebSocket, attached: SocketFacts, [otherTables, otherValues]: [number, number]) {
    const store = this.#store;
    const [tablesHash, valuesHash] = store.getMergeableContentHashes();
    if (tablesHash === otherTables && valuesHash === otherValues) return;
    try {
      const tables: TablesStamp = [emptyRecord(), ''];
      if (tablesHash !== otherTables) {
        const tableDiff = await this.#request(
          socket,
          MessageType.GetTableDiff,
          store.getMergeableTableHashes(),
        );
        if (!Array.isArray(tableDiff) || !isTablesStamp(tableDiff[0]) || !isRecord(tableDiff[1]))
          throw new Error();
        mergeInto(tables, tableDiff[0]);
        if (!isEmptyObject(tableDiff[1])) {
          const rowHashes = store.getMergeableRowHashes(tableDiff[1] as never);
          const rowDiff = await this.#request(socket, MessageType.GetRowDiff, rowHashes);
          if (!Array.isArray(rowDiff) || !isTablesStamp(rowDiff[0]) || !isRecord(rowDiff[1]))
            throw new Error();
          mergeInto(tables, rowDiff[0]);
          if (!isEmptyObject(rowDiff[1])) {
            const cellHashes = store.getMergeableCellHashes(rowDiff[1] as never);
            const cellDiff = await this.#request(socket, MessageType.GetCellDiff, cellHashes);
            if (!isTablesStamp(cellDiff)) throw new Error();
            mergeInto(tables, cellDiff);
          }
        }
      }
      let values = EMPTY_VALUES;
      if (valuesHash !== otherValues) {
        const valueDiff = await this.#request(
          socket,
          MessageType.GetValueDiff,
          store.getMergeableValueHashes(),
        );
        if (!isValuesStamp(valueDiff)) throw new Error();
        values = valueDiff;
      }
      this.#receive(socket, attached, [tables, values, 1]);
    } catch (error) {
      if (error instanceof Error && error.message === '') {
        this.#close(socket, CloseCode.invalidFrame, 'That was not a valid TinyBase sync response.');
      }
      // Otherwise the socket closed or did not answer; the next sync round tries again.
    }
  }

  /** Judges incoming changes, merges what is allowed, and corrects and notifies the sender for the rest. */
  #receive(socket: WebSocket, attached: SocketFacts, changes: MergeableChanges): void {
    const datastore = this.#datastore();
    if (!datastore) {
      this.#close(socket, CloseCode.accessWithdrawn, 'This datastore is no longer deployed.');
      return;
    }
    const result = judgeChanges(
      this.#store,
      [changes[0] ?? EMPTY_TABLES, changes[1] ?? EMPTY_VALUES, 1],
      { datastore, user: attached.user, instance: this.#instance(), now: Date.now() },
      this.#clock,
    );
    if (result.accepted) this.#store.applyMergeableChanges(result.accepted as never);
    if (result.rejections.length === 0) return;
    const shared = result.correction && formatFrame(null, MessageType.ContentDiff, result.correction);
    if (result.correction) this.#applyCorrection(result.correction);
    const own =
      result.senderCorrection && formatFrame(null, MessageType.ContentDiff, result.senderCorrection);
    const notices = result.rejections.map((rejection) => this.#notice(rejection));
    void this.#persister.schedule(async () => {
      if (shared) for (const other of this.ctx.getWebSockets()) this.#send(other, shared);
      if (own) this.#send(socket, own);
      for (const notice of notices) this.#send(socket, notice);
    });
  }

  #notice(rejection: RejectionNotice): string {
    return encodeRejectionNotice(`rejected-${++this.#notices}`, rejection);
  }

  /**
   * Applies a correction to the server store, so every side's hashes agree again, and saves the rows it
   * touched: a change of stamp alone is not in a transaction's changes, so autosave would miss it.
   */
  #applyCorrection(correction: MergeableChanges): void {
    this.#store.applyMergeableChanges(correction as never);
    const content = this.#store.getMergeableContent() as unknown as [TablesStamp, ValuesStamp];
    const [[tables, tablesHlc, tablesHash], values] = content;
    const touched: TablesStamp[0] = emptyRecord();
    for (const [tableId, [rows]] of Object.entries(correction[0][0])) {
      const stored = tables[tableId];
      if (!stored) continue;
      const kept: TablesStamp[0][string][0] = emptyRecord();
      for (const rowId of Object.keys(rows)) {
        const row = stored[0][rowId];
        if (row) kept[rowId] = row;
      }
      touched[tableId] = [kept, stored[1], stored[2]];
    }
    const save = this.#persister.save as unknown as (changes: unknown) => Promise<unknown>;
    void save.call(this.#persister, [[touched, tablesHlc, tablesHash], values, 1]);
  }

  // --- token expiry

  async #scheduleExpiry(): Promise<void> {
    let next = 0;
    // Sockets already past their expiry are being closed (they may linger in the list until closed).
    const from = Date.now() + 50;
    for (const socket of this.ctx.getWebSockets()) {
      const attached = socket.deserializeAttachment() as SocketFacts | null;
      const expiresAt = attached?.expiresAt ?? 0;
      if (expiresAt > from && (next === 0 || expiresAt < next)) next = expiresAt;
    }
    if (next > 0) await this.ctx.storage.setAlarm(next);
  }

  /** Closes sockets whose token has expired (4001) or that were over the per-user limit (4008). */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const socket of this.ctx.getWebSockets()) {
      const attached = socket.deserializeAttachment() as SocketFacts | null;
      if (attached?.overLimit) {
        this.#close(
          socket,
          CloseCode.overLimit,
          `At most ${this.#limits.maxSocketsPerUser} sockets per user.`,
        );
      } else if (attached && attached.expiresAt > 0 && attached.expiresAt <= now + 50) {
        this.#close(socket, CloseCode.tokenExpired, 'The token expired.');
      }
    }
    await this.#scheduleExpiry();
  }

  // --- the server data API

  #tableOf(tableId: string): { store: MergeableStore; serverOnly: boolean } | undefined {
    const table = this.#facts && ownEntry(this.#facts.config.tables, tableId);
    if (!table) return undefined;
    return table.serverOnly
      ? { store: this.#privateStore, serverOnly: true }
      : { store: this.#store, serverOnly: false };
  }

  /** The rows of one table. */
  async getRows(facts: InstanceFacts, tableId: string): Promise<DataAnswer> {
    await this.#adoptFacts(facts);
    const table = this.#tableOf(tableId);
    if (!table)
      return {
        status: 404,
        body: errorBody('unknown_table', `There is no table "${tableId}" in this datastore.`),
      };
    return plain(200, table.store.getTable(tableId));
  }

  /** Sets a whole row (schema-checked, defaults filled, rules bypassed); clients see it at once. */
  async putRow(facts: InstanceFacts, tableId: string, rowId: string, cells: unknown): Promise<DataAnswer> {
    await this.#adoptFacts(facts);
    const table = this.#tableOf(tableId);
    const config = ownEntry(facts.config.tables, tableId);
    if (!table || !config)
      return {
        status: 404,
        body: errorBody('unknown_table', `There is no table "${tableId}" in this datastore.`),
      };
    if (!isRecord(cells))
      return { status: 400, body: errorBody('bad_request', 'The row must be a JSON object of cells.') };
    const row = applyDefaults(config, cells as Row);
    const problems = validateRow(config, row);
    if (problems.length > 0) {
      return {
        status: 400,
        body: errorBody('invalid_row', 'The row does not fit the table.', {
          errors: problems.map((p) => ({ path: `/${p.field}`, message: p.message, code: p.code })),
        }),
      };
    }
    table.store.setRow(tableId, rowId, row);
    return plain(200, { row });
  }

  /** Deletes a row; clients see it at once. */
  async deleteRow(facts: InstanceFacts, tableId: string, rowId: string): Promise<DataAnswer> {
    await this.#adoptFacts(facts);
    const table = this.#tableOf(tableId);
    if (!table)
      return {
        status: 404,
        body: errorBody('unknown_table', `There is no table "${tableId}" in this datastore.`),
      };
    if (!table.store.hasRow(tableId, rowId)) {
      return {
        status: 404,
        body: errorBody('unknown_row', `There is no row "${rowId}" in table "${tableId}".`),
      };
    }
    table.store.delRow(tableId, rowId);
    return { status: 200, body: { deleted: true } };
  }

  /** The whole content as TinyBase JSON `[tables, values]`, server-only tables included. */
  async getSnapshot(facts: InstanceFacts): Promise<DataAnswer> {
    await this.#adoptFacts(facts);
    return plain(200, [{ ...this.#store.getTables(), ...this.#privateStore.getTables() }, {}]);
  }

  /** Replaces the whole content after checking every row against the schema; clients see it at once. */
  async putSnapshot(facts: InstanceFacts, snapshot: unknown): Promise<DataAnswer> {
    await this.#adoptFacts(facts);
    const errors: { path: string; message: string; code: string }[] = [];
    if (!Array.isArray(snapshot) || snapshot.length < 1 || snapshot.length > 2 || !isRecord(snapshot[0])) {
      return {
        status: 400,
        body: errorBody('invalid_snapshot', 'A snapshot is TinyBase JSON: [tables, values].', { errors: [] }),
      };
    }
    if (snapshot[1] !== undefined && !(isRecord(snapshot[1]) && isEmptyObject(snapshot[1]))) {
      errors.push({
        path: '/1',
        message: 'Values are not part of a datastore; leave them empty ({}).',
        code: 'values',
      });
    }
    const synced: TablesContent = emptyRecord();
    const serverOnly: TablesContent = emptyRecord();
    for (const [tableId, rows] of Object.entries(snapshot[0])) {
      const config = ownEntry(facts.config.tables, tableId);
      if (!config) {
        errors.push({
          path: `/0/${tableId}`,
          message: `There is no table "${tableId}".`,
          code: 'unknown_table',
        });
        continue;
      }
      if (!isRecord(rows)) {
        errors.push({
          path: `/0/${tableId}`,
          message: 'A table must be an object of rows.',
          code: 'invalid',
        });
        continue;
      }
      const target = config.serverOnly ? serverOnly : synced;
      target[tableId] = emptyRecord();
      for (const [rowId, cells] of Object.entries(rows)) {
        if (!isRecord(cells)) {
          errors.push({
            path: `/0/${tableId}/${rowId}`,
            message: 'A row must be an object.',
            code: 'invalid',
          });
          continue;
        }
        const row = applyDefaults(config, cells as Row);
        for (const problem of validateRow(config, row)) {
          errors.push({
            path: `/0/${tableId}/${rowId}/${problem.field}`,
            message: problem.message,
            code: problem.code,
          });
        }
        target[tableId][rowId] = row;
      }
    }
    if (errors.length > 0)
      return {
        status: 400,
        body: errorBody('invalid_snapshot', 'The snapshot does not fit the datastore.', { errors }),
      };
    this.#store.setTables(synced as never);
    this.#privateStore.setTables(serverOnly as never);
    return { status: 200, body: { restored: true } };
  }

  /** Rows per table, storage bytes and open connections. */
  async getStats(facts: InstanceFacts): Promise<DataAnswer> {
    await this.#adoptFacts(facts);
    // Every table of the config, empty ones as 0, so a count that drops to nothing reads 0 rather than vanishing.
    const rows: Record<string, number> = {};
    for (const [tableId, table] of Object.entries(facts.config.tables)) {
      rows[tableId] = (table.serverOnly ? this.#privateStore : this.#store).getRowCount(tableId);
    }
    return plain(200, {
      rows,
      bytes: this.ctx.storage.sql.databaseSize,
      connections: this.ctx.getWebSockets().length,
    });
  }
}
