// One socket to the runtime and the TinyBase synchronizer on it, with notices taken out and frames traced.
import type { MergeableStore } from 'tinybase';
import { createWsSynchronizer, type WsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import {
  NoticeFilteringSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from './notice-filtering-socket.ts';
import type { Rejection } from './rejection-notice.ts';
import { traceMessage, type TraceEvent } from './wire-trace.ts';

/** What one link needs: the socket class and URL, the store to sync, and where its events go. */
export interface SyncLinkOptions {
  WebSocket: WebSocketConstructor;
  url: string;
  store: MergeableStore;
  requestTimeoutSeconds: number;
  onRejection: (rejection: Rejection) => void;
  onTrace: (event: TraceEvent) => void;
  /** Called once when the socket closes, with its close code and whether it had opened. */
  onClosed: (closeCode: number, opened: boolean) => void;
}

/** A socket with TinyBase's ws synchronizer on it; made by `openSyncLink`, closed by `close`. */
export interface SyncLink {
  /** Resolves true once the first sync round is done, false when the link failed before (its close is reported). */
  readonly synced: Promise<boolean>;
  close(): Promise<void>;
}

/** Opens a socket and starts syncing the store over it; throws when the socket cannot even be made. */
export const openSyncLink = (options: SyncLinkOptions): SyncLink => {
  const socket: WebSocketLike = new options.WebSocket(options.url);
  let opened = false;
  let closed = false;
  let synchronizer: WsSynchronizer<WebSocket> | undefined;
  socket.addEventListener('open', (() => (opened = true)) as (event: never) => void);
  socket.addEventListener('close', ((event: { code?: number }) => {
    if (closed) return;
    closed = true;
    options.onClosed(event.code ?? 1006, opened);
  }) as (event: never) => void);
  const filtered = new NoticeFilteringSocket(socket, options.onRejection);

  const synced = (async () => {
    try {
      synchronizer = await createWsSynchronizer(
        options.store,
        filtered as unknown as WebSocket,
        options.requestTimeoutSeconds,
        (_to, _request, message, body) => options.onTrace(traceMessage('sent', message, body)),
        (_from, _request, message, body) => options.onTrace(traceMessage('received', message, body)),
      );
      if (closed) {
        // Closed while TinyBase was still waiting for the socket.
        await synchronizer.destroy().catch(() => undefined);
        return false;
      }
      await synchronizer.startSync();
      return !closed;
    } catch {
      // The socket's close says what comes next (a refusal, a retry).
      return false;
    }
  })();

  return {
    synced,
    async close() {
      closed = true;
      // Synchronizing: stop at once, so a write made right after closing is not sent. Not synchronizing yet:
      // closing the socket makes TinyBase give up waiting for it.
      if (synchronizer)
        return synchronizer.destroy().then(
          () => undefined,
          () => undefined,
        );
      socket.close();
      await synced;
    },
  };
};
