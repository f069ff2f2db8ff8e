// One simulated user's real client: a connect() per user, with its status, rejections and wire trace as React state.
import type { AppConfig } from '@datastore-designer/schema';
import { useEffect, useState } from 'react';
import { connect, type Connection, type StatusDetail } from '../connect.ts';
import type { Rejection } from '../rejection-notice.ts';
import type { TraceEvent } from '../wire-trace.ts';
import type { LatencyTracker, TraceSource } from './latency-tracker.ts';
import { mintUserToken, type PreviewRuntime } from './preview-api.ts';
import type { SimulatedUser } from './simulated-users.ts';

/** A frame in a user's trace, with who in the preview wrote the rows it brought (per row, '' for the server). */
export interface PaneTraceEntry {
  event: TraceEvent;
  sources: TraceSource[];
}

/** What the pane shows about one user's client. */
export interface UserConnectionState {
  connection: Connection | undefined;
  status: StatusDetail;
  rejections: Rejection[];
  trace: PaneTraceEntry[];
  /** When the runtime last reloaded this person's copy because what they may see changed (close 4005). */
  viewChangedAt?: number;
}

/** Where and as whom a user connects; `instance` undefined means "not connected" (a multi user before opening). */
export interface UserConnectionTarget {
  runtime: PreviewRuntime;
  app: string;
  datastore: string;
  instance: string | undefined;
  config: AppConfig;
  user: SimulatedUser;
  /** Changes when the preview's data was reset, to start fresh clients. */
  epoch: number;
  /** Changes when the person asks to open the instance again (after joining it, say), to start a fresh client. */
  attempt?: number;
  ready: boolean;
  tracker: LatencyTracker;
}

const MAX_LOG = 30;
const MAX_TRACE = 60;

const NOT_CONNECTED: StatusDetail = { status: 'offline', reason: 'Not connected yet.' };

/** Keeps one real client per simulated user, recreated when the instance or the preview data changes. */
export const useUserConnection = (target: UserConnectionTarget): UserConnectionState => {
  const { runtime, app, datastore, instance, config, user, epoch, attempt, ready, tracker } = target;
  const [state, setState] = useState<UserConnectionState>({
    connection: undefined,
    status: NOT_CONNECTED,
    rejections: [],
    trace: [],
  });
  const claims = JSON.stringify([user.sub, user.roles, user.tenant]);
  const readOnly = config.datastores[datastore]?.sync === 'serverToClient';

  useEffect(() => {
    if (!ready || instance === undefined) {
      setState({ connection: undefined, status: NOT_CONNECTED, rejections: [], trace: [] });
      return;
    }
    let cancelled = false;
    let connection: Connection | undefined;
    const cleanups: (() => void)[] = [];
    const [sub, roles, tenant] = JSON.parse(claims) as [string, string[], string];
    void (async () => {
      const created = await connect({
        url: runtime.url,
        app,
        datastore,
        instance,
        readOnly,
        persister: false,
        backoff: { initialMs: 200, maxMs: 3000 },
        token: () => mintUserToken(runtime, app, { sub, roles, tenant }),
      });
      if (cancelled) {
        await created.destroy();
        return;
      }
      connection = created;
      cleanups.push(
        created.addStatusListener((status) => setState((current) => ({ ...current, status }))),
        created.addRejectionListener((rejection) =>
          setState((current) => ({
            ...current,
            rejections: [rejection, ...current.rejections].slice(0, MAX_LOG),
          })),
        ),
        created.addTraceListener((event) => {
          if (event.kind === 'check') return;
          // Attribute now: a later write to the same row must not change who this frame came from.
          const sources =
            event.direction === 'received'
              ? event.rows.map((row) => tracker.sourceOf(user.key, row.table, row.row, row.cells))
              : [];
          setState((current) => ({
            ...current,
            trace: [{ event, sources }, ...current.trace].slice(0, MAX_TRACE),
          }));
        }),
        created.addViewChangeListener(() =>
          setState((current) => ({ ...current, viewChangedAt: Date.now() })),
        ),
        tracker.observe(user.key, created.untypedStore),
      );
      setState({ connection: created, status: created.status, rejections: [], trace: [] });
    })();
    return () => {
      cancelled = true;
      for (const cleanup of cleanups) cleanup();
      void connection?.destroy();
    };
  }, [runtime, app, datastore, instance, epoch, attempt, ready, user.key, claims, readOnly, tracker]);

  return state;
};
