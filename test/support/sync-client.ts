// Plain TinyBase clients for end-to-end tests: a MergeableStore synced over `ws` with createWsSynchronizer,
// plus the rejection notices and close code the runtime sends.
import { createMergeableStore, type MergeableStore } from 'tinybase';
import { createWsSynchronizer, type WsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import { WebSocket } from 'ws';
import { SignJWT } from 'jose';
import type { RejectionNotice } from '@datastore-designer/schema';
import type { Runtime } from './runtime.ts';

export type { RejectionNotice };

/** One connected test client. */
export interface SyncClient {
  store: MergeableStore;
  synchronizer: WsSynchronizer<WebSocket>;
  socket: WebSocket;
  notices: RejectionNotice[];
  /** Resolves with the close code once the server closes the socket. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/** A user token signed with the runtime's AUTH_SECRET; `extra` overrides or adds claims. */
export const userToken = async (
  runtime: Pick<Runtime, 'authSecret'>,
  claims: { sub?: string; roles?: string[]; tenant?: string; aud?: string; nbf?: number },
  options: { expiresInSeconds?: number; secret?: string } = {},
): Promise<string> =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? runtime.authSecret));

/** Opens a socket to a sync URL and resolves once it is open (rejects with the HTTP status when refused). */
export const openSocket = (url: string, origin?: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`refused with ${response.statusCode}`));
    });
    socket.once('error', reject);
  });

/** Connects a fresh MergeableStore (or the given one) to `/sync/app/ds/instance` and starts syncing. */
export const connectClient = async (
  runtime: Pick<Runtime, 'wsUrl'>,
  path: string,
  token?: string,
  store: MergeableStore = createMergeableStore(),
): Promise<SyncClient> => {
  const url = `${runtime.wsUrl}/sync/${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const socket = await openSocket(url);
  const notices: RejectionNotice[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('message', (data) => {
    const text = data.toString();
    if (!text.includes('"rejected"')) return;
    const message = JSON.parse(text.slice(text.indexOf('\n') + 1)) as [string, number, unknown];
    const notice = (message[2] as [{ rejected?: [RejectionNotice] }] | undefined)?.[0]?.rejected?.[0];
    if (message[1] === 0 && notice) notices.push(notice);
  });
  const synchronizer = await createWsSynchronizer(store, socket);
  await synchronizer.startSync();
  return {
    store,
    synchronizer,
    socket,
    notices,
    closed,
    async close() {
      socket.close();
      // destroy() waits on pending sync requests; the socket is gone, so do not wait for them.
      await Promise.race([synchronizer.destroy(), new Promise((resolve) => setTimeout(resolve, 200))]);
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    },
  };
};

/** Waits until `check` holds, polling every few milliseconds; fails with `what` after `timeoutMs`. */
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 5000): Promise<number> => {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now() - started;
};

/** Waits until an asynchronous check (an API call, say) holds, polling every 20 ms. */
export const waitForAsync = async (
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> => {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Lets in-flight sync traffic settle, for assertions that something did *not* arrive. */
export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
