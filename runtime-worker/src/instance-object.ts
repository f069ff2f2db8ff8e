// The instance Durable Object: one isolated datastore instance. It holds the instance's lifecycle (its two stores
// and their persisters), its sockets and their attachments, its alarms and its facts, and wires them to the sync
// hub (`sync-hub.ts`) and the server data API (`data-api.ts`). We own the hub rather than subclass TinyBase's
// WsServerDurableObject because that class relays every client frame to every other client from private fields.
import {
  BACKUP_ID_PATTERN,
  CloseCode,
  compileDatastore,
  errorBody,
  instanceFacts,
  mayConnect,
  type CompiledDatastore,
  type RuleUser,
} from '@datastore-designer/schema';
import { DurableObject } from 'cloudflare:workers';
import { createMergeableStore, getHlcFunctions, type MergeableStore } from 'tinybase';
import * as data from './data-api.ts';
import type { DataAnswer, InstanceStores } from './data-api.ts';
import { InstanceBackups } from './instance-backups.ts';
import {
  CONNECT_HEADER,
  factsStamp,
  type ConnectFacts,
  type FactsRef,
  type InstanceFacts,
  type SocketFacts,
} from './instance-facts.ts';
import { InstancePersister } from './instance-persister.ts';
import { ownEntry } from './own-key.ts';
import { RestampedCells } from './restamped-cells.ts';
import { backupSettingsFrom, limitsFrom, type Limits } from './settings.ts';
import { View } from './read-views.ts';
import { RowFacts } from './row-facts.ts';
import type { GateClock, GateContext } from './sync-gate.ts';
import { SyncHub } from './sync-hub.ts';
import { ViewChanges, type Sight } from './view-changes.ts';

export type { DataAnswer } from './data-api.ts';

// TinyBase's own bound: its store drops changes stamped further ahead than this.
const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
const HLC = /^[-0-9A-Z_a-z]{16}$/;

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

const noBackups = (): DataAnswer => ({
  status: 501,
  body: errorBody('backups_unavailable', 'This runtime keeps no backups: it has no BACKUPS bucket bound.'),
});

const rowsIn = (store: MergeableStore): number =>
  store.getTableIds().reduce((sum, tableId) => sum + store.getRowCount(tableId), 0);

/** One datastore instance: its synced store, its server-only store, and the sockets of its clients. */
export class InstanceObject extends DurableObject<Env> {
  #store!: MergeableStore;
  #privateStore!: MergeableStore;
  #hub!: SyncHub;
  #stores!: InstanceStores;
  #facts: InstanceFacts | undefined;
  #compiled: { version: number; datastore: CompiledDatastore } | undefined;
  #clock: GateClock;
  #limits: Limits;
  #rates = new WeakMap<WebSocket, { start: number; count: number }>();
  #backups: InstanceBackups | undefined;
  #rowFacts!: RowFacts;
  #viewChanges!: ViewChanges;
  /** Each socket's view, built once per config version and membership (`#viewsOf` counts those). */
  #views = new WeakMap<WebSocket, { of: number; view: View | undefined }>();
  #viewsOf = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#limits = limitsFrom(env);
    const [getNextHlc, seenHlc, , decodeHlc] = getHlcFunctions(ctx.id.toString());
    this.#clock = {
      next: getNextHlc,
      seen: seenHlc,
      wellFormed: (hlc) => HLC.test(hlc),
      aheadBy: (hlc) => Math.max(0, decodeHlc(hlc)[0] - Date.now() - MAX_CLOCK_AHEAD_MS),
    };
    void ctx.blockConcurrencyWhile(() => this.#open());
  }

  /** Loads both stores from SQLite; from then on every change is saved as it is made. */
  async #open(): Promise<void> {
    const uniqueId = this.ctx.id.toString();
    this.#store = createMergeableStore(uniqueId);
    // serverOnly tables live in a store of their own, so the synced store's hashes match the clients'.
    this.#privateStore = createMergeableStore(`${uniqueId}-server-only`);
    const persister = new InstancePersister(this.#store, this.ctx.storage, 'synced_');
    const privatePersister = new InstancePersister(this.#privateStore, this.ctx.storage, 'server_only_');
    await persister.load();
    await privatePersister.load();
    this.#rowFacts = new RowFacts(this.#store, this.ctx.storage, 'synced_');
    this.#viewChanges = new ViewChanges({
      store: this.#store,
      rowFacts: this.#rowFacts,
      sockets: () => this.ctx.getWebSockets(),
      view: (socket) => this.#view(socket),
      close: (socket, code, reason) => this.#close(socket, code, reason),
    });
    this.#hub = new SyncHub(
      this.#store,
      persister,
      {
        sockets: () => this.ctx.getWebSockets(),
        gateContext: (user) => this.#gateContext(user),
        view: (socket) => this.#view(socket),
        beforeRelay: () => this.#viewChanges.afterSave(),
        close: (socket, code, reason) => this.#close(socket, code, reason),
      },
      this.#clock,
      new RestampedCells(this.ctx.storage, 'synced_'),
    );
    this.#stores = {
      synced: this.#store,
      serverOnly: this.#privateStore,
      roomForRows: () => this.#roomForRows(),
      maxRows: this.#limits.maxInstanceRows,
    };
    this.#facts = await this.ctx.storage.get<InstanceFacts>('facts');
    this.#rowFacts.follow(this.#datastore());
    const bucket = (this.env as Partial<Env>).BACKUPS;
    if (bucket) {
      const backups = new InstanceBackups(
        bucket,
        this.ctx.storage,
        this.ctx.id.toString(),
        backupSettingsFrom(this.env),
      );
      await backups.load();
      this.#backups = backups;
      const changed = () => {
        if (backups.noteChange(Date.now())) void this.#scheduleAlarm();
      };
      this.#store.addTablesListener(changed);
      this.#privateStore.addTablesListener(changed);
    }
  }

  /** The content a backup holds (what the snapshot route returns) and its row count over every table. */
  #backupContent(): { json: string; rows: number } {
    return {
      json: JSON.stringify([{ ...this.#store.getTables(), ...this.#privateStore.getTables() }, {}]),
      rows: rowsIn(this.#store) + rowsIn(this.#privateStore),
    };
  }

  /**
   * How many rows still fit: the object keeps every row in memory, and workerd reports no memory figures, so
   * the ceiling is watched by rows (live rows of both stores) and by the SQLite bytes (which count tombstones too).
   */
  #roomForRows(): number {
    if (this.ctx.storage.sql.databaseSize >= this.#limits.maxInstanceBytes) return 0;
    return Math.max(0, this.#limits.maxInstanceRows - rowsIn(this.#store) - rowsIn(this.#privateStore));
  }

  #gateContext(user: RuleUser): GateContext | undefined {
    const datastore = this.#datastore();
    if (!datastore) return undefined;
    return { datastore, user, instance: this.#instance(), now: Date.now(), roomForRows: this.#roomForRows() };
  }

  // --- facts and config

  /** Takes facts from the control object; older ones (a push overtaken by a later one) are ignored. */
  async #adoptFacts(facts: InstanceFacts): Promise<void> {
    const current = this.#facts;
    if (current && facts.version < current.version) return;
    if (
      current &&
      current.version === facts.version &&
      JSON.stringify(current.registry) === JSON.stringify(facts.registry)
    ) {
      return;
    }
    this.#facts = facts;
    this.#viewsOf++;
    this.#rowFacts.follow(this.#datastore());
    await this.ctx.storage.put('facts', facts);
    if (current && current.version !== facts.version) this.#followTableChanges(facts);
  }

  /**
   * Makes sure this instance holds the facts a call refers to: when its own stamp differs (a push it missed, or
   * its very first call), it asks the control object by RPC. Answers false when the instance no longer exists.
   */
  async #catchUp(ref: FactsRef): Promise<boolean> {
    const current = this.#facts;
    if (current && factsStamp(current.version, current.registry) === ref.stamp) return true;
    const control = this.env.CONTROL.get(this.env.CONTROL.idFromName(ref.app));
    const facts = await control.instanceFacts(ref.datastore, ref.instanceId);
    if (!facts) return false;
    await this.#adoptFacts(facts);
    return true;
  }

  #datastore(): CompiledDatastore | undefined {
    const facts = this.#facts;
    if (!facts) return undefined;
    if (this.#compiled?.version !== facts.version) {
      this.#compiled = { version: facts.version, datastore: compileDatastore(facts.datastore, facts.config) };
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

  /** Whether a user may still hold a socket here under the current config and membership (as on connect). */
  #mayConnect(user: RuleUser): boolean {
    const datastore = this.#datastore();
    return datastore !== undefined && mayConnect(datastore, user, this.#instance(), Date.now()).allowed;
  }

  /** What a socket's person sees under the current config and membership, or undefined when they see all. */
  #view(socket: WebSocket): View | undefined {
    const cached = this.#views.get(socket);
    if (cached?.of === this.#viewsOf) return cached.view;
    const view = this.#viewFor(socket, this.#datastore());
    this.#views.set(socket, { of: this.#viewsOf, view });
    return view;
  }

  #viewFor(socket: WebSocket, datastore: CompiledDatastore | undefined): View | undefined {
    if (!datastore) return undefined;
    const attached = socket.deserializeAttachment() as SocketFacts | null;
    // A socket without facts is about to be closed; until then it sees what an anonymous person sees.
    const user = attached?.user ?? { id: '', roles: [], tenant: '' };
    const view = new View(datastore, user, this.#instance(), this.#rowFacts);
    return view.seesAll ? undefined : view;
  }

  /** The config and membership that decide what each socket may see, as they stand now. */
  #sight(): Sight {
    return { datastore: this.#datastore(), instance: this.#instance() };
  }

  /**
   * Takes a new config version or membership: new rules apply at once, denied sockets are closed, and sockets
   * whose person now may see other tables or rows are closed with 4005 (view changed) to start again afresh.
   */
  async applyFacts(facts: InstanceFacts): Promise<void> {
    const sockets = this.ctx.getWebSockets();
    const before = this.#sight();
    await this.#adoptFacts(facts);
    const allowed: Array<[WebSocket, SocketFacts]> = [];
    for (const socket of sockets) {
      const attached = socket.deserializeAttachment() as SocketFacts | null;
      if (!attached) continue;
      if (this.#mayConnect(attached.user)) allowed.push([socket, attached]);
      else this.#close(socket, CloseCode.accessWithdrawn, 'Access to this instance was withdrawn.');
    }
    this.#viewChanges.afterFacts(before, this.#sight(), allowed);
  }

  /** Deletes everything this instance holds and closes its sockets with 4004. */
  async wipe(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) {
      this.#close(socket, CloseCode.instanceDeleted, 'This instance was deleted.');
    }
    await this.ctx.storage.deleteAlarm();
    await this.#backups?.deleteAll();
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
    if (!(await this.#catchUp(connect.ref))) {
      return Response.json(errorBody('unknown_instance', 'There is no such instance.'), { status: 404 });
    }
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
      await this.#scheduleAlarm();
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    try {
      this.#onMessage(socket, message);
    } catch (error) {
      // One bad message must not take the instance down for everyone else.
      console.error('instance: message failed', error);
      this.#close(socket, CloseCode.invalidFrame, 'That message could not be handled.');
    }
  }

  #onMessage(socket: WebSocket, message: string | ArrayBuffer): void {
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
    this.#hub.handle(socket, attached, message);
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
    this.#hub.forget(socket);
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

  #close(socket: WebSocket, code: number, reason: string): void {
    this.#forgetSocket(socket);
    try {
      socket.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  // --- token expiry

  /** One alarm serves every reason: the next token expiry and the next scheduled backup. */
  async #scheduleAlarm(): Promise<void> {
    let next = 0;
    // Sockets already past their expiry are being closed (they may linger in the list until closed).
    const from = Date.now() + 50;
    for (const socket of this.ctx.getWebSockets()) {
      const attached = socket.deserializeAttachment() as SocketFacts | null;
      const expiresAt = attached?.expiresAt ?? 0;
      if (expiresAt > from && (next === 0 || expiresAt < next)) next = expiresAt;
    }
    const backupDue = this.#backups?.dueAt();
    if (backupDue !== undefined && (next === 0 || backupDue < next)) next = backupDue;
    if (next > 0) await this.ctx.storage.setAlarm(next);
  }

  /** Closes sockets whose token has expired (4001) or that were over the per-user limit (4008); takes due backups. */
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
    await this.#backups?.runDue(now, () => this.#backupContent());
    await this.#scheduleAlarm();
  }

  // --- the server data API (data-api.ts), once this instance holds the facts the call refers to

  /** Runs one data call with the current facts, or answers 404 when the instance no longer exists. */
  async #withFacts(ref: FactsRef, call: (facts: InstanceFacts) => DataAnswer): Promise<DataAnswer> {
    if (!(await this.#catchUp(ref)) || !this.#facts) {
      return { status: 404, body: errorBody('unknown_instance', 'There is no such instance.') };
    }
    return call(this.#facts);
  }

  /** The rows of one table. */
  async getRows(ref: FactsRef, tableId: string): Promise<DataAnswer> {
    return this.#withFacts(ref, (facts) => data.getRows(this.#stores, facts.config, tableId));
  }

  /** Sets a whole row (schema-checked, defaults filled, rules bypassed); clients see it at once. */
  async putRow(ref: FactsRef, tableId: string, rowId: string, cells: unknown): Promise<DataAnswer> {
    return this.#withFacts(ref, (facts) => data.putRow(this.#stores, facts.config, tableId, rowId, cells));
  }

  /** Deletes a row; clients see it at once. */
  async deleteRow(ref: FactsRef, tableId: string, rowId: string): Promise<DataAnswer> {
    return this.#withFacts(ref, (facts) => data.deleteRow(this.#stores, facts.config, tableId, rowId));
  }

  /** The whole content as TinyBase JSON `[tables, values]`, server-only tables included. */
  async getSnapshot(ref: FactsRef): Promise<DataAnswer> {
    return this.#withFacts(ref, () => data.getSnapshot(this.#stores));
  }

  /** Replaces the whole content after checking every row against the schema; clients see it at once. */
  async putSnapshot(ref: FactsRef, snapshot: unknown): Promise<DataAnswer> {
    if (!(await this.#catchUp(ref)) || !this.#facts) {
      return { status: 404, body: errorBody('unknown_instance', 'There is no such instance.') };
    }
    const config = this.#facts.config;
    return this.ctx.blockConcurrencyWhile(() =>
      data.putSnapshot(this.#stores, config, snapshot, () => this.#commitChunk()),
    );
  }

  /**
   * Ends the current batch of writes, so a restore commits chunk by chunk: one commit of a whole 50,000-row
   * restore left `wrangler dev`'s object stalled for minutes. Other events stay out (`blockConcurrencyWhile`).
   */
  #commitChunk(): Promise<void> {
    return new Promise((done) => setTimeout(done, 0));
  }

  /** Rows per table, storage bytes and open connections. */
  async getStats(ref: FactsRef): Promise<DataAnswer> {
    return this.#withFacts(ref, (facts) => ({
      status: 200,
      body: {
        rows: data.rowCounts(this.#stores, facts.config),
        bytes: this.ctx.storage.sql.databaseSize,
        connections: this.ctx.getWebSockets().length,
      },
    }));
  }

  // --- backups (instance-backups.ts)

  /** The instance's backups, newest first. */
  async listBackups(): Promise<DataAnswer> {
    if (!this.#backups) return noBackups();
    return { status: 200, body: { backups: await this.#backups.list() } };
  }

  /** Takes a backup of the current content now. */
  async takeBackup(): Promise<DataAnswer> {
    const backups = this.#backups;
    if (!backups) return noBackups();
    const content = this.#backupContent();
    return { status: 201, body: { id: await backups.take(content.json, content.rows) } };
  }

  /**
   * Replaces the content with a backup, checked like a snapshot PUT; the current content is backed up first,
   * and nothing else runs meanwhile, so no write slips between that backup and the restore.
   */
  async restoreBackup(ref: FactsRef, backupId: string): Promise<DataAnswer> {
    if (!(await this.#catchUp(ref)) || !this.#facts) {
      return { status: 404, body: errorBody('unknown_instance', 'There is no such instance.') };
    }
    const facts = this.#facts;
    const backups = this.#backups;
    if (!backups) return noBackups();
    const unknown = {
      status: 404,
      body: errorBody('unknown_backup', `This instance has no backup "${backupId}".`),
    };
    if (!BACKUP_ID_PATTERN.test(backupId)) return unknown;
    return this.ctx.blockConcurrencyWhile(async (): Promise<DataAnswer> => {
      const content = await backups.read(backupId);
      if (content === undefined) return unknown;
      const result = data.checkSnapshot(this.#stores, facts.config, content);
      if ('refused' in result) return result.refused;
      const current = this.#backupContent();
      const before = await backups.take(current.json, current.rows, backupId);
      await data.applySnapshot(this.#stores, result.checked, () => this.#commitChunk());
      return { status: 200, body: { restored: backupId, before } };
    });
  }
}
