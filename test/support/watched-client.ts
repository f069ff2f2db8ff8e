// A plain TinyBase client for the who-can-see-rows tests: every frame it receives is kept from the very first, so
// a test can scan them for anything its person may not see, and its notices and close code are kept too.
import { decodeRejectionNotice, type RejectionNotice } from '@datastore-designer/schema';
import { createMergeableStore, type MergeableStore } from 'tinybase';
import { createWsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import type { Runtime } from './runtime.ts';
import { openSocket, userToken } from './sync-client.ts';

export interface WatchedClient {
  store: MergeableStore;
  frames: string[];
  notices: RejectionNotice[];
  closed: Promise<number>;
  /** Drops the connection at once, as a device going offline does. */
  drop(): void;
}

/** Connects a store (fresh, or one a person had before) as `sub` to a sync path and keeps what it receives. */
export const watchClient = async (
  runtime: Pick<Runtime, 'wsUrl' | 'authSecret'>,
  path: string,
  person: { sub: string; roles?: string[] },
  store: MergeableStore = createMergeableStore(),
): Promise<WatchedClient> => {
  const token = await userToken(runtime, { sub: person.sub, roles: person.roles ?? [] });
  const socket = await openSocket(`${runtime.wsUrl}/sync/${path}?token=${token}`);
  const frames: string[] = [];
  const notices: RejectionNotice[] = [];
  socket.on('message', (data) => {
    const frame = data.toString();
    frames.push(frame);
    const notice = decodeRejectionNotice(frame);
    if (notice) notices.push(notice);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const synchronizer = await createWsSynchronizer(store, socket);
  await synchronizer.startSync();
  return {
    store,
    frames,
    notices,
    closed,
    drop: () => {
      void synchronizer.destroy();
      socket.terminate();
    },
  };
};

/** JSON with every level's keys sorted, so two copies compare whatever order their rows arrived in. */
export const canonical = (value: unknown): string =>
  value !== null && typeof value === 'object'
    ? `{${Object.keys(value)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
        .join(',')}}`
    : JSON.stringify(value);
