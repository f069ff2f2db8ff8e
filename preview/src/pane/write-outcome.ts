// What became of a person's change in the preview: refused (a rejection notice names its row) or accepted (the
// server's copy holds it), asked of the runtime itself so a recorded step expects what the server decided.
import type { CellValue } from '@datastore-designer/schema';
import type { Connection } from '../connect.ts';
import { PreviewApiError, type PreviewRuntime } from './preview-api.ts';
import type { RecordedOutcome } from './scenario-recorder.ts';

/** The change to follow, where it goes, and how long the server may take to answer. */
export interface FollowedWrite {
  runtime: PreviewRuntime;
  app: string;
  datastore: string;
  /** The instance id the data API uses: `main`, the user id (perUser), the tenant (perTenant), or the multi id. */
  instanceId: string;
  table: string;
  row: string;
  /** The cells set (undefined for a delete). */
  cells: Record<string, CellValue> | undefined;
  timeoutMs?: number;
}

const POLL_MS = 100;

/** What the server holds of one row now (undefined: no such row). */
const serverRow = async (write: FollowedWrite): Promise<Record<string, unknown> | undefined> => {
  const path = [
    'api/apps',
    encodeURIComponent(write.app),
    'datastores',
    encodeURIComponent(write.datastore),
    'instances',
    encodeURIComponent(write.instanceId),
    'tables',
    encodeURIComponent(write.table),
    'rows',
  ].join('/');
  const response = await fetch(`${write.runtime.url.replace(/\/+$/, '')}/${path}`, {
    headers: { authorization: `Bearer ${write.runtime.adminToken}` },
  });
  if (!response.ok) return undefined;
  const rows = (await response.json()) as Record<string, Record<string, unknown>>;
  return Object.hasOwn(rows, write.row) ? rows[write.row] : undefined;
};

/**
 * Follows a change the person's client is about to send: call it before writing to the store, so no notice is
 * missed. Refused when a rejection notice names the row, accepted once the server holds the change.
 */
export const followWrite = (connection: Connection, write: FollowedWrite): Promise<RecordedOutcome> =>
  new Promise((resolve) => {
    let done = false;
    const finish = (outcome: RecordedOutcome) => {
      if (done) return;
      done = true;
      stop();
      clearTimeout(timer);
      resolve(outcome);
    };
    const stop = connection.addRejectionListener((rejection) => {
      if (rejection.table === write.table && rejection.row === write.row)
        finish({ kind: 'refused', rule: rejection.rule });
    });
    const timer = setTimeout(
      () =>
        finish({
          kind: 'unanswered',
          reason: `the server did not answer within ${(write.timeoutMs ?? 10_000) / 1000} seconds (offline?).`,
        }),
      write.timeoutMs ?? 10_000,
    );
    const poll = async () => {
      while (!done) {
        await new Promise((wait) => setTimeout(wait, POLL_MS));
        if (done) return;
        const stored = await serverRow(write).catch(() => undefined);
        // A notice may have arrived while asking: the refusal wins.
        if (done) return;
        const landed =
          write.cells === undefined
            ? stored === undefined
            : stored !== undefined &&
              Object.entries(write.cells).every(([cell, value]) => stored[cell] === value);
        if (landed) finish({ kind: 'accepted' });
      }
    };
    void poll();
  });

/** What an answer of the runtime's HTTP API means for a step: accepted, or refused by `rule` (409: a limit). */
export const followCall = <T>(
  call: Promise<T>,
  rule: string,
): { result: Promise<T>; outcome: Promise<RecordedOutcome> } => {
  const outcome = call.then(
    (): RecordedOutcome => ({ kind: 'accepted' }),
    (error: unknown): RecordedOutcome =>
      error instanceof PreviewApiError && error.status >= 400 && error.status < 500
        ? { kind: 'refused', rule: error.status === 409 ? 'limit' : rule }
        : { kind: 'unanswered', reason: error instanceof Error ? error.message : String(error) },
  );
  return { result: call, outcome };
};
