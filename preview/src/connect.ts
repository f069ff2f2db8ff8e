// connect(): one synced TinyBase MergeableStore for one datastore instance, with status, rejections and offline
// care. It wires the parts: the socket's state machine, the token and user session, the server clock, the link.
import type { AppConfig } from '@datastore-designer/schema';
import { createMergeableStore, getHlcFunctions, getUniqueId, type MergeableStore } from 'tinybase';
import type {
  MergeableStore as TypedMergeableStore,
  NoTablesSchema,
  OptionalTablesSchema,
} from 'tinybase/with-schemas';
import { startFreshCopy } from './fresh-copy.ts';
import { ListenerSet } from './listener-set.ts';
import { defaultPersister, type PersisterFactory } from './local-persister.ts';
import type { WebSocketConstructor } from './notice-filtering-socket.ts';
import { guardReadOnly } from './read-only-guard.ts';
import type { Rejection } from './rejection-notice.ts';
import { readUpgradeFailure, type FetchLike } from './refusal.ts';
import { createServerClock } from './server-clock.ts';
import { SocketLifecycle, type LifecycleState } from './socket-lifecycle.ts';
import { openSyncLink } from './sync-link.ts';
import { tokenSubject } from './token-claims.ts';
import { TokenKeeper, type TokenSource } from './token-source.ts';
import { UserSession } from './user-session.ts';
import type { TraceEvent } from './wire-trace.ts';

export type { TokenSource } from './token-source.ts';
export type { FetchLike } from './refusal.ts';

/** Where a connection stands: opening, synced and live, cut off (it retries), or refused (it does not retry). */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'refused';

/** The status with its explanation in plain words and, when refused, a short code. */
export interface StatusDetail {
  status: ConnectionStatus;
  /** Why, in plain words; '' when online. */
  reason: string;
  /**
   * The runtime's error code (`invalid_token`, `connect_denied`…), or `access_withdrawn`/`instance_deleted`
   * for 4003/4004, `token_expired` for a fixed token that expired, `origin_not_allowed` when CORS hides why.
   */
  code?: string;
  /** The HTTP status of the refused upgrade (401, 403, 404). */
  httpStatus?: number;
  /** The close code of the last socket, when it closed. */
  closeCode?: number;
}

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
  /** The fetch function used to read the runtime's clock and why a connection was refused (the global one). */
  fetch?: FetchLike;
  /**
   * Makes the local persister that keeps offline edits across reloads, or `false` for none. By default
   * IndexedDB (or localStorage) in browsers and none in Node.
   */
  persister?: PersisterFactory | false;
  /** Reconnect delays: doubles from `initialMs` up to `maxMs` (defaults 250 ms and 10 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Seconds TinyBase waits for each sync answer (default 5). */
  requestTimeoutSeconds?: number;
  /** The device's clock (`Date.now` by default); the store runs on it corrected by the runtime's clock. */
  now?: () => number;
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
  /** The `sub` of the current token ('' without one, or before a token could be had). */
  readonly userId: string;
  /** How far the runtime's clock is ahead of this device's (negative: behind), in ms; the store corrects it. */
  readonly clockOffsetMs: number;
  addStatusListener(listener: (status: StatusDetail) => void): () => void;
  addRejectionListener(listener: (rejection: Rejection) => void): () => void;
  /** Called for every sync frame sent and received: what crossed the wire. */
  addTraceListener(listener: (event: TraceEvent) => void): () => void;
  /** Called when the signed-in user changed and the previous user's data was dropped. */
  addUserChangeListener(listener: (userId: string, previousUserId: string) => void): () => void;
  /**
   * Called when the runtime said what this user may see changed (close 4005): the store was emptied, this
   * device's edits that may not have reached the server were kept, and a fresh copy is on its way.
   */
  addViewChangeListener(listener: () => void): () => void;
  /** Resolves when the status becomes one of `statuses` (at once if it already is). */
  whenStatus(statuses: ConnectionStatus | ConnectionStatus[], timeoutMs?: number): Promise<StatusDetail>;
  /** Closes the socket and stays offline; local edits are kept and sent by `goOnline`. */
  goOffline(): void;
  /** Connects again (after `goOffline`, a refusal or a close that is never retried). */
  goOnline(): void;
  /**
   * Replaces the token (source) and reconnects. A token for another user (`sub`) drops the previous user's
   * data; `undefined` signs out (connects without a user, dropping the previous user's data).
   */
  setToken(token: TokenSource | undefined): void;
  /** Stops syncing and persisting for good; the store keeps its content. */
  destroy(): Promise<void>;
}

const CONNECTING: StatusDetail = { status: 'connecting', reason: 'Connecting to the runtime…' };
const SWITCHED_OFF: StatusDetail = {
  status: 'offline',
  reason: 'Switched offline: changes stay here until going online again.',
};

/** What the connection's status says about a state of the socket. */
const statusOf = (state: LifecycleState, previous: StatusDetail): StatusDetail => {
  switch (state.name) {
    case 'preparing':
    case 'opening':
      return CONNECTING;
    case 'online':
      return { status: 'online', reason: '' };
    case 'waiting':
      return {
        status: 'offline',
        reason: state.reason,
        ...(state.closeCode === undefined ? {} : { closeCode: state.closeCode }),
      };
    case 'switchedOff':
      return SWITCHED_OFF;
    case 'refused':
      return {
        status: 'refused',
        ...state.refusal,
        ...(state.closeCode === undefined ? {} : { closeCode: state.closeCode }),
      };
    case 'destroyed':
      return previous;
  }
};

const sameStatus = (a: StatusDetail, b: StatusDetail) =>
  a.status === b.status &&
  a.reason === b.reason &&
  a.code === b.code &&
  a.httpStatus === b.httpStatus &&
  a.closeCode === b.closeCode;

const httpBase = (url: string) => url.replace(/^ws/, 'http').replace(/\/+$/, '');

/** Rejects after `ms` unless the promise settled first. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });

/** Opens a synced store for one instance of a datastore and keeps it connected. */
export const connect = async <Schema extends OptionalTablesSchema = NoTablesSchema>(
  options: ConnectOptions,
): Promise<Connection<Schema>> => {
  const WebSocketClass =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
  if (!WebSocketClass) {
    throw new Error('No WebSocket available here: pass the `ws` package as the WebSocket option in Node.');
  }
  const fetchFn: FetchLike = options.fetch ?? globalThis.fetch.bind(globalThis);
  const readOnly =
    options.readOnly ?? options.config?.datastores[options.datastore]?.sync === 'serverToClient';
  const requestTimeoutSeconds = options.requestTimeoutSeconds ?? 5;
  const base = httpBase(options.url);
  const path = ['sync', options.app, options.datastore, options.instance].map(encodeURIComponent).join('/');
  const syncUrl = (token: string, scheme: 'ws' | 'http') => {
    const url = `${scheme === 'ws' ? base.replace(/^http/, 'ws') : base}/${path}`;
    return token ? `${url}?token=${encodeURIComponent(token)}` : url;
  };

  const clock = createServerClock(options.now);
  // A known id, so this device's own stamps can be told apart when a fresh copy keeps only its own edits.
  const storeId = getUniqueId();
  const store = createMergeableStore(storeId, clock.now);
  const [, , encodeStamp, , , , ownClientId] = getHlcFunctions(storeId);
  /**
   * Own edits stamped since this store time may not have reached the server: the opening time of the last link
   * that came online. Edits from before it were offered in that link's first round, which the server answers
   * with its pulls within a request timeout; until that time has passed, the link before it counts.
   */
  let unconfirmedSince = 0;
  let previousUnconfirmedSince = 0;
  let onlineAt = 0;
  let openedAt = 0;
  const statusListeners = new ListenerSet<[StatusDetail]>();
  const rejectionListeners = new ListenerSet<[Rejection]>();
  const traceListeners = new ListenerSet<[TraceEvent]>();
  const userListeners = new ListenerSet<[string, string]>();
  const viewListeners = new ListenerSet<[]>();
  const emitRejection = (rejection: Rejection) => {
    rejectionListeners.emit(rejection);
    // A write refused locally (read-only datastore) never crossed the wire, so it is no trace event.
    if (!rejection.local) {
      traceListeners.emit({ at: rejection.at, direction: 'received', kind: 'rejected', rows: [], rejection });
    }
  };
  const guard = readOnly ? guardReadOnly(store, emitRejection) : undefined;
  const allow = <T>(action: () => T): T => (guard ? guard.allowWhile(action) : action());

  const tokens = new TokenKeeper(options.token);
  const session = new UserSession({
    store,
    persister: options.persister === false ? undefined : (options.persister ?? defaultPersister()),
    storageName: (user) => `datastore-designer/${base}/${path}/${encodeURIComponent(user)}`,
    allow,
  });
  const learnClock = () =>
    clock.learn(async () =>
      (await within(fetchFn(`${base}/api/health`), requestTimeoutSeconds * 1000)).json(),
    );

  /** Makes the store the token's user's; a token whose user cannot be read names nobody new. */
  const adoptTokenUser = async (token: string) => {
    const user = tokenSubject(token);
    if (user === undefined) return;
    const previous = session.userId;
    if ((await session.adopt(user)) === 'switched') userListeners.emit(user, previous ?? '');
  };

  let status: StatusDetail = CONNECTING;
  const lifecycle = new SocketLifecycle({
    async prepare() {
      const [reading] = await Promise.all([tokens.take(), learnClock()]);
      if (reading.ok) await adoptTokenUser(reading.token);
      return reading;
    },
    open: (token, onClosed) => {
      openedAt = clock.now();
      return openSyncLink({
        WebSocket: WebSocketClass,
        url: syncUrl(token, 'ws'),
        store,
        requestTimeoutSeconds,
        onRejection: emitRejection,
        onTrace: (event) => traceListeners.emit(event),
        onClosed,
      });
    },
    viewChanged() {
      const since =
        clock.now() - onlineAt < requestTimeoutSeconds * 1000 ? previousUnconfirmedSince : unconfirmedSince;
      allow(() => startFreshCopy(store, ownClientId(), encodeStamp(since, 0)));
      viewListeners.emit();
    },
    explainFailedUpgrade: (token) => readUpgradeFailure(fetchFn, syncUrl(token, 'http')),
    tokenRefreshable: () => tokens.refreshable,
    backoff: { initialMs: options.backoff?.initialMs ?? 250, maxMs: options.backoff?.maxMs ?? 10_000 },
    onState(state) {
      if (state.name === 'online') {
        previousUnconfirmedSince = unconfirmedSince;
        unconfirmedSince = openedAt;
        onlineAt = clock.now();
      }
      const next = statusOf(state, status);
      // Preparing and opening are both "connecting": listeners hear of changes only.
      if (sameStatus(next, status)) return;
      status = next;
      statusListeners.emit(status);
    },
  });

  // Before syncing: learn the runtime's clock (so the first edits are stamped right) and load the saved edits
  // of the token's user (so offline work survives a reload). Neither is required to go on.
  const [firstReading] = await Promise.all([tokens.prime(), learnClock()]);
  if (firstReading.ok) await adoptTokenUser(firstReading.token);
  lifecycle.start();

  return {
    store: store as unknown as TypedMergeableStore<[Schema, {}]>,
    untypedStore: store,
    get status() {
      return status;
    },
    readOnly,
    get userId() {
      return session.userId ?? '';
    },
    get clockOffsetMs() {
      return clock.offsetMs;
    },
    addStatusListener: (listener) => statusListeners.add(listener),
    addRejectionListener: (listener) => rejectionListeners.add(listener),
    addTraceListener: (listener) => traceListeners.add(listener),
    addUserChangeListener: (listener) => userListeners.add(listener),
    addViewChangeListener: (listener) => viewListeners.add(listener),
    whenStatus(statuses, timeoutMs = 15_000) {
      const wanted = Array.isArray(statuses) ? statuses : [statuses];
      if (wanted.includes(status.status)) return Promise.resolve(status);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          remove();
          reject(new Error(`Still ${status.status} after ${timeoutMs} ms (wanted ${wanted.join(' or ')})`));
        }, timeoutMs);
        const remove = statusListeners.add((next) => {
          if (!wanted.includes(next.status)) return;
          clearTimeout(timer);
          remove();
          resolve(next);
        });
      });
    },
    goOffline: () => lifecycle.switchOff(),
    goOnline: () => lifecycle.start(),
    setToken(token) {
      tokens.replace(token);
      lifecycle.start();
    },
    async destroy() {
      await lifecycle.destroy();
      await session.close();
      guard?.destroy();
      statusListeners.clear();
      rejectionListeners.clear();
      traceListeners.clear();
      userListeners.clear();
      viewListeners.clear();
    },
  };
};
