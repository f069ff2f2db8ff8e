// connect(): one synced TinyBase MergeableStore for one datastore instance, with status, rejections and offline care.
import { CloseCode, type AppConfig } from '@datastore-designer/schema';
import { createMergeableStore, type MergeableStore } from 'tinybase';
import type { AnyPersister } from 'tinybase/persisters';
import { createWsSynchronizer, type WsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import type {
  MergeableStore as TypedMergeableStore,
  NoTablesSchema,
  OptionalTablesSchema,
} from 'tinybase/with-schemas';
import { defaultPersister, type PersisterFactory } from './local-persister.ts';
import {
  NoticeFilteringSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from './notice-filtering-socket.ts';
import { guardReadOnly, type ReadOnlyGuard } from './read-only-guard.ts';
import type { Rejection } from './rejection-notice.ts';
import { readRefusal, closeRefusal, type Refusal } from './refusal.ts';
import { tokenSubject } from './token-claims.ts';
import { traceMessage, type TraceEvent } from './wire-trace.ts';

/** Where a connection stands: opening, synced and live, cut off (it retries), or refused (it does not retry). */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'refused';

/** The status with its explanation in plain words and, when refused, the runtime's short code. */
export interface StatusDetail {
  status: ConnectionStatus;
  /** Why, in plain words; '' when online. */
  reason: string;
  /** The runtime's error code (`connect_denied`, `unknown_instance`…) or `access_withdrawn`/`instance_deleted` for 4003/4004. */
  code?: string;
  /** The HTTP status of the refused upgrade (401, 403, 404). */
  httpStatus?: number;
  /** The close code of the last socket, when it closed. */
  closeCode?: number;
}

/** A user token, or a function that returns a fresh one; it is called again before every reconnect. */
export type TokenSource = string | (() => string | Promise<string>);

/** What `connect` needs: where the runtime is, which instance, who the user is, and optional plumbing. */
export interface ConnectOptions {
  /** The runtime's address: `https://…` or `wss://…` (`http`/`ws` locally). */
  url: string;
  app: string;
  datastore: string;
  /** `main` (single), `me` (perUser), `tenant` (perTenant) or the id of a multi instance. */
  instance: string;
  /** The user's token or a callback giving a fresh one; omit for a socket without a user. */
  token?: TokenSource;
  /** The app's config: used to learn whether the datastore is read-only (serverToClient) for apps. */
  config?: AppConfig;
  /** Force read-only (true) or two-way (false) instead of reading it from `config`. */
  readOnly?: boolean;
  /** The WebSocket class: the browser's by default; pass `ws`'s in Node 20. */
  WebSocket?: WebSocketConstructor;
  /** The fetch function used to read why a connection was refused (the global one by default). */
  fetch?: typeof fetch;
  /**
   * Makes the local persister that keeps offline edits across reloads, or `false` for none. By default
   * IndexedDB (or localStorage) in browsers and none in Node.
   */
  persister?: PersisterFactory | false;
  /** Reconnect delays: doubles from `initialMs` up to `maxMs` (defaults 250 ms and 10 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Seconds TinyBase waits for each sync answer (default 5). */
  requestTimeoutSeconds?: number;
}

/** A live connection: the synced store plus everything about the link to the runtime. */
export interface Connection<Schema extends OptionalTablesSchema = NoTablesSchema> {
  /** The synced store; write to it as to any TinyBase store. */
  readonly store: TypedMergeableStore<[Schema, {}]>;
  /** The same store without compile-time schema, for generic code such as the preview pane. */
  readonly untypedStore: MergeableStore;
  readonly status: StatusDetail;
  /** True when the datastore is serverToClient, so local writes are refused. */
  readonly readOnly: boolean;
  /** The `sub` of the current token ('' without one). */
  readonly userId: string;
  addStatusListener(listener: (status: StatusDetail) => void): () => void;
  addRejectionListener(listener: (rejection: Rejection) => void): () => void;
  /** Called for every sync frame sent and received: what crossed the wire. */
  addTraceListener(listener: (event: TraceEvent) => void): () => void;
  /** Called when the signed-in user changed and the previous user's data was dropped. */
  addUserChangeListener(listener: (userId: string, previousUserId: string) => void): () => void;
  /** Resolves when the status becomes one of `statuses` (at once if it already is). */
  whenStatus(statuses: ConnectionStatus | ConnectionStatus[], timeoutMs?: number): Promise<StatusDetail>;
  /** Closes the socket and stays offline; local edits are kept and sent by `goOnline`. */
  goOffline(): void;
  /** Connects again (after `goOffline`, a refusal or a close that is never retried). */
  goOnline(): void;
  /** Replaces the token (source) and reconnects; a token for another user drops the previous user's data. */
  setToken(token: TokenSource | undefined): void;
  /** Stops syncing and persisting for good; the store keeps its content. */
  destroy(): Promise<void>;
}

const EMPTY_MERGEABLE_CONTENT = [
  [{}, '', 0],
  [{}, '', 0],
] as unknown as Parameters<MergeableStore['setMergeableContent']>[0];

const httpBase = (url: string) => url.replace(/^ws/, 'http').replace(/\/+$/, '');

/** Opens a synced store for one instance of a datastore (CONTRACT.md §4) and keeps it connected. */
export const connect = async <Schema extends OptionalTablesSchema = NoTablesSchema>(
  options: ConnectOptions,
): Promise<Connection<Schema>> => {
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
  if (!WebSocketClass) {
    throw new Error('No WebSocket available here: pass the `ws` package as the WebSocket option in Node.');
  }
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const readOnly =
    options.readOnly ?? options.config?.datastores[options.datastore]?.sync === 'serverToClient';
  const initialBackoff = options.backoff?.initialMs ?? 250;
  const maxBackoff = options.backoff?.maxMs ?? 10_000;
  const path = ['sync', options.app, options.datastore, options.instance].map(encodeURIComponent).join('/');
  const syncUrl = (token: string, scheme: 'ws' | 'http') => {
    const base = httpBase(options.url);
    const url = `${scheme === 'ws' ? base.replace(/^http/, 'ws') : base}/${path}`;
    return token ? `${url}?token=${encodeURIComponent(token)}` : url;
  };

  const store = createMergeableStore();
  const statusListeners = new Set<(status: StatusDetail) => void>();
  const rejectionListeners = new Set<(rejection: Rejection) => void>();
  const traceListeners = new Set<(event: TraceEvent) => void>();
  const userListeners = new Set<(userId: string, previousUserId: string) => void>();
  const emitRejection = (rejection: Rejection) => {
    for (const listener of [...rejectionListeners]) listener(rejection);
    // A write refused locally (read-only datastore) never crossed the wire, so it is no trace event.
    if (!rejection.local)
      emitTrace({ at: rejection.at, direction: 'received', kind: 'rejected', rows: [], rejection });
  };
  const emitTrace = (event: TraceEvent) => {
    for (const listener of [...traceListeners]) listener(event);
  };
  const guard: ReadOnlyGuard | undefined = readOnly ? guardReadOnly(store, emitRejection) : undefined;
  const allow = <T>(action: () => T): T => (guard ? guard.allowWhile(action) : action());

  let tokenSource = options.token;
  let status: StatusDetail = { status: 'connecting', reason: 'Connecting to the runtime…' };
  let userId = '';
  let generation = 0;
  let socket: WebSocketLike | undefined;
  let synchronizer: WsSynchronizer<WebSocket> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let destroyed = false;
  let persister: AnyPersister | undefined;
  let unusedToken: string | undefined;
  const persisterFactory =
    options.persister === false ? undefined : (options.persister ?? defaultPersister());

  const setStatus = (next: StatusDetail) => {
    status = next;
    for (const listener of [...statusListeners]) listener(next);
  };

  const readToken = async (): Promise<string> =>
    typeof tokenSource === 'function' ? await tokenSource() : (tokenSource ?? '');

  const storageName = (user: string) =>
    `datastore-designer/${httpBase(options.url)}/${path}/${encodeURIComponent(user)}`;

  const startPersister = async (user: string) => {
    if (!persisterFactory) return;
    persister = await persisterFactory(store, storageName(user));
    const started = persister;
    await allow(() => started.load());
    await started.startAutoSave();
  };

  /** Drops a previous user's data (store and saved copy) and loads the new user's saved edits, if any. */
  const adoptUser = async (nextUser: string) => {
    if (nextUser === userId) return;
    const previous = userId;
    userId = nextUser;
    const old = persister;
    persister = undefined;
    // Clearing by replacing the content leaves no tombstones to sync: the new user's store starts clean.
    allow(() => store.setMergeableContent(EMPTY_MERGEABLE_CONTENT));
    if (old) {
      await old.save();
      await old.destroy();
    }
    await startPersister(nextUser);
    for (const listener of [...userListeners]) listener(nextUser, previous);
  };

  const stopSocket = async () => {
    const current = synchronizer;
    const currentSocket = socket;
    synchronizer = undefined;
    socket = undefined;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    if (current) await current.destroy().catch(() => undefined);
    else currentSocket?.close();
  };

  const scheduleRetry = (forGeneration: number, immediately = false) => {
    if (destroyed || forGeneration !== generation) return;
    const delay = immediately
      ? 0
      : Math.min(maxBackoff, initialBackoff * 2 ** attempts) * (0.75 + Math.random() / 2);
    attempts++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (forGeneration === generation) void open();
    }, delay);
  };

  const refuse = (refusal: Refusal & { closeCode?: number }) => {
    generation++;
    setStatus({ status: 'refused', ...refusal });
  };

  const onClosed = async (forGeneration: number, opened: boolean, closeCode: number, token: string) => {
    if (forGeneration !== generation || destroyed) return;
    await stopSocket();
    if (forGeneration !== generation) return;
    const closedRefusal = closeRefusal(closeCode);
    if (closedRefusal) return refuse({ ...closedRefusal, closeCode });
    if (!opened) {
      // A browser cannot read a refused upgrade, so ask the same URL without Upgrade why.
      const refusal = await readRefusal(fetchFn, syncUrl(token, 'http'));
      if (forGeneration !== generation) return;
      if (refusal) return refuse(refusal);
    }
    setStatus({
      status: 'offline',
      reason:
        closeCode === CloseCode.tokenExpired
          ? 'The sign-in expired; reconnecting with a fresh token.'
          : 'The connection to the runtime was lost; trying again shortly.',
      closeCode,
    });
    scheduleRetry(forGeneration, closeCode === CloseCode.tokenExpired && typeof tokenSource === 'function');
  };

  const open = async (): Promise<void> => {
    const mine = ++generation;
    setStatus({ status: 'connecting', reason: 'Connecting to the runtime…' });
    await stopSocket();
    let token: string;
    try {
      // The token read at start-up serves the first connection, so a callback is not asked twice in a row.
      token = unusedToken ?? (await readToken());
      unusedToken = undefined;
    } catch (error) {
      if (mine !== generation) return;
      setStatus({ status: 'offline', reason: `Could not get a sign-in token: ${String(error)}` });
      return scheduleRetry(mine);
    }
    if (mine !== generation) return;
    await adoptUser(tokenSubject(token));
    if (mine !== generation) return;
    let opened = false;
    let raw: WebSocketLike;
    try {
      raw = new WebSocketClass(syncUrl(token, 'ws'));
    } catch (error) {
      setStatus({ status: 'offline', reason: `Could not open a connection: ${String(error)}` });
      return scheduleRetry(mine);
    }
    socket = raw;
    raw.addEventListener('open', (() => (opened = true)) as (event: never) => void);
    raw.addEventListener(
      'close',
      ((event: { code?: number }) => void onClosed(mine, opened, event.code ?? 1006, token)) as (
        event: never,
      ) => void,
    );
    const filtered = new NoticeFilteringSocket(raw, emitRejection);
    try {
      const created = await createWsSynchronizer(
        store,
        filtered as unknown as WebSocket,
        options.requestTimeoutSeconds ?? 5,
        (_to, _request, message, body) => emitTrace(traceMessage('sent', message, body)),
        (_from, _request, message, body) => emitTrace(traceMessage('received', message, body)),
      );
      if (mine !== generation) {
        await created.destroy();
        return;
      }
      synchronizer = created;
      await created.startSync();
    } catch {
      // The close listener above decides what comes next (refused, retry).
      return;
    }
    if (mine !== generation) return;
    attempts = 0;
    setStatus({ status: 'online', reason: '' });
  };

  // Load the saved edits of the token's user before syncing, so offline work survives a reload.
  try {
    unusedToken = await readToken();
  } catch {
    // open() reports it and retries.
  }
  userId = tokenSubject(unusedToken);
  await startPersister(userId);
  void open();

  const connection: Connection<Schema> = {
    store: store as unknown as TypedMergeableStore<[Schema, {}]>,
    untypedStore: store,
    get status() {
      return status;
    },
    readOnly,
    get userId() {
      return userId;
    },
    addStatusListener(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    addRejectionListener(listener) {
      rejectionListeners.add(listener);
      return () => rejectionListeners.delete(listener);
    },
    addTraceListener(listener) {
      traceListeners.add(listener);
      return () => traceListeners.delete(listener);
    },
    addUserChangeListener(listener) {
      userListeners.add(listener);
      return () => userListeners.delete(listener);
    },
    whenStatus(statuses, timeoutMs = 15_000) {
      const wanted = Array.isArray(statuses) ? statuses : [statuses];
      if (wanted.includes(status.status)) return Promise.resolve(status);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          statusListeners.delete(listener);
          reject(new Error(`Still ${status.status} after ${timeoutMs} ms (wanted ${wanted.join(' or ')})`));
        }, timeoutMs);
        const listener = (next: StatusDetail) => {
          if (!wanted.includes(next.status)) return;
          clearTimeout(timer);
          statusListeners.delete(listener);
          resolve(next);
        };
        statusListeners.add(listener);
      });
    },
    goOffline() {
      generation++;
      void stopSocket();
      setStatus({
        status: 'offline',
        reason: 'Switched offline: changes stay here until going online again.',
      });
    },
    goOnline() {
      attempts = 0;
      void open();
    },
    setToken(token) {
      tokenSource = token;
      unusedToken = undefined;
      attempts = 0;
      void open();
    },
    async destroy() {
      destroyed = true;
      generation++;
      await stopSocket();
      if (persister) {
        await persister.save();
        await persister.destroy();
      }
      guard?.destroy();
      statusListeners.clear();
      rejectionListeners.clear();
      traceListeners.clear();
      userListeners.clear();
    },
  };
  return connection;
};
