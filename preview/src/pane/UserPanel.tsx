// One simulated person's column: their connection, their grids, their refused writes, latency and wire trace.
import { describeRule, type AppConfig } from '@datastore-designer/schema';
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Rejection } from '../rejection-notice.ts';
import type { RowCheck } from './CheckRowSelect.tsx';
import { clockWords } from './clock-words.ts';
import type { ChangeLatency, LatencyTracker, ReplacedChange } from './latency-tracker.ts';
import { ShortId } from './ShortId.tsx';
import { labelField, TableGrid, type GridWrite } from './TableGrid.tsx';
import type { SimulatedUser } from './simulated-users.ts';
import type { PaneTraceEntry, UserConnectionState } from './useUserConnection.ts';

interface UserPanelProps {
  user: SimulatedUser;
  users: SimulatedUser[];
  config: AppConfig;
  datastore: string;
  state: UserConnectionState;
  tracker: LatencyTracker;
  latency: ChangeLatency | undefined;
  /** The multi-instance controls, when the datastore is `multi`. */
  instanceBar?: ReactNode;
  /** What this person sees of tables with a read rule, in words. */
  readViews?: ReactNode;
  /** Tables this person may not see at all: no grid is shown for them. */
  hiddenTables?: ReadonlySet<string>;
  /** Adds a row through the server data API (offered on read-only datastores). */
  onServerWrite?: (write: GridWrite) => void;
  /** Told of each change just before it is made, while a test is recorded. */
  onRecordWrite?: (write: GridWrite) => void;
  /** While a test is recorded: checks what someone sees of a row. */
  check?: RowCheck;
  canRemove: boolean;
  /** The person's editor, shown inside their card while they are being edited. */
  editor?: ReactNode;
  /** Opens the person's editor; absent while recording, when who they are must stay put. */
  onEdit?: () => void;
  onRemove: () => void;
}

const STATUS_WORDS = {
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline',
  refused: 'Not allowed in',
} as const;

const OPERATION_WORDS = { create: 'Adding', update: 'Changing', delete: 'Deleting' } as const;

/** The rule of a refusal in plain words: the rule's sentence for CEL rules, the reason otherwise. */
export const ruleInWords = (rejection: Rejection): string =>
  rejection.expression ? describeRule(rejection.expression) : rejection.reason;

/** How a refused change reads: the row by its first text field when it has one ("lists › Groceries"), else its id. */
const RejectionEntry = ({ rejection, rowLabel }: { rejection: Rejection; rowLabel: string | undefined }) => (
  <li className="dd-rejection" data-rule={rejection.rule}>
    <div>
      <strong>
        {OPERATION_WORDS[rejection.operation]} {rejection.table}
        {rowLabel ? ` › ${rowLabel}` : rejection.row ? ` row “${rejection.row}”` : ''}
        {rejection.cells.length > 0 && rejection.operation !== 'delete'
          ? ` (${rejection.cells.join(', ')})`
          : ''}{' '}
        was refused.
      </strong>
    </div>
    <div className="dd-rule-words">{ruleInWords(rejection)}</div>
    {rejection.expression ? (
      <div>
        Rule “{rejection.rule}”: <code className="dd-cel">{rejection.expression}</code>
      </div>
    ) : null}
    {rejection.reason && rejection.expression && !rejection.reason.startsWith(rejection.expression) ? (
      <div className="dd-muted">{rejection.reason}</div>
    ) : null}
  </li>
);

/** How long a sent change waits for a refusal before the trace calls it accepted (the hub sends no receipt). */
const ACCEPTED_AFTER_MS = 1000;

/** What became of a sent frame: refused when a later notice names one of its rows, else accepted after a moment. */
const outcomeOf = (trace: PaneTraceEntry[], index: number, now: number): string => {
  const sent = trace[index]?.event;
  if (!sent) return '';
  for (let later = index - 1; later >= 0; later--) {
    const rejection = trace[later]?.event.rejection;
    if (rejection && sent.rows.some((row) => row.table === rejection.table && row.row === rejection.row)) {
      return ' — refused';
    }
  }
  return now - sent.at >= ACCEPTED_AFTER_MS ? ' — accepted' : ' — waiting for the server';
};

const SOURCE_WORDS = {
  echo: 'the server, confirming my change',
  undo: 'the server, undoing my refused change',
  server: 'the server',
} as const;

const traceWords = ({ event, sources }: PaneTraceEntry, users: SimulatedUser[], outcome: string) => {
  if (event.kind === 'rejected' && event.rejection) {
    return `✕ refused by the server: ${event.rejection.table} “${event.rejection.row}” (${event.rejection.rule})`;
  }
  const rows = event.rows
    .map((row) => `${row.table} “${row.row}” (${Object.keys(row.cells).join(', ')})`)
    .join('; ');
  if (event.direction === 'sent') return `↑ sent: ${rows}${outcome}`;
  const from = new Set(
    sources.map((source) =>
      source.kind === 'person'
        ? (users.find((user) => user.key === source.who)?.name ?? 'someone')
        : SOURCE_WORDS[source.kind],
    ),
  );
  return `↓ received: ${rows} — from ${[...from].join(', ')}`;
};

/** What became of the person's last change, in words: refused, how fast it reached whom, or who got it later. */
const latencyWords = (
  latency: ChangeLatency | undefined,
  latest: Rejection | undefined,
  users: SimulatedUser[],
): string => {
  if (!latency) return 'No change made yet.';
  if (latest && latest.at >= latency.at && latest.table === latency.table && latest.row === latency.row)
    return 'Your last change was refused, so it reached nobody else.';
  const name = (key: string) => users.find((other) => other.key === key)?.name ?? key;
  const parts = Object.entries(latency.reached).map(([key, ms]) => `${name(key)} in ${ms} ms`);
  const later =
    latency.later.length > 0 ? ` ${latency.later.map(name).join(', ')} got it on coming online.` : '';
  if (parts.length > 0) return `Last change reached ${parts.join(', ')}.${later}`;
  return later ? later.trim() : 'Last change has not reached anyone else (yet).';
};

/** "Your change to customers › Acme › name was replaced by Alice's later change." */
const replacedWords = (change: ReplacedChange, users: SimulatedUser[]): string => {
  const by = users.find((other) => other.key === change.by)?.name;
  return `Your change to ${change.table} › ${change.rowLabel} › ${change.cell} was replaced by ${
    by ? `${by}'s later change` : 'a later change from the server'
  }.`;
};

/** A column for one simulated person. */
export const UserPanel = ({
  user,
  users,
  config,
  datastore,
  state,
  tracker,
  latency,
  instanceBar,
  readViews,
  hiddenTables,
  onServerWrite,
  onRecordWrite,
  check,
  canRemove,
  editor,
  onEdit,
  onRemove,
}: UserPanelProps) => {
  const { connection, status, rejections, trace } = state;
  const datastoreConfig = config.datastores[datastore];
  const readOnly = datastoreConfig?.sync === 'serverToClient';
  const [flashing, setFlashing] = useState<ReadonlySet<string>>(new Set());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // Re-render once a just-sent change has had time to be refused, so the trace can say "accepted".
    const timer = setTimeout(() => setNow(Date.now()), ACCEPTED_AFTER_MS + 100);
    return () => clearTimeout(timer);
  }, [trace]);
  const latest = rejections[0];
  const clockLine = clockWords(connection?.clockOffsetMs, status);
  const replaced = useSyncExternalStore(tracker.subscribe, () => tracker.replacedOf(user.key));

  useEffect(() => {
    if (!latest?.row) return;
    setFlashing((rows) => new Set([...rows, latest.row]));
    const timer = setTimeout(
      () =>
        setFlashing((rows) => {
          const next = new Set(rows);
          next.delete(latest.row);
          return next;
        }),
      1600,
    );
    return () => clearTimeout(timer);
  }, [latest]);

  /** A row's first text field as people know it, while this person's store holds the row. */
  const rowLabelOf = (table: string, row: string): string | undefined => {
    const shownBy = labelField(datastoreConfig?.tables[table]);
    const value = shownBy && row ? connection?.untypedStore.getCell(table, row, shownBy) : undefined;
    return typeof value === 'string' && value ? value : undefined;
  };

  const write = (change: GridWrite) => {
    const store = connection?.untypedStore;
    if (!store) return;
    const shownBy = labelField(datastoreConfig?.tables[change.table]);
    const label = shownBy ? store.getCell(change.table, change.row, shownBy) : undefined;
    tracker.noteWrite(
      user.key,
      change.table,
      change.row,
      change.cells,
      typeof label === 'string' && label ? label : change.row,
    );
    onRecordWrite?.(change);
    if (change.kind === 'delete') {
      store.delRow(change.table, change.row);
      return;
    }
    store.transaction(() => {
      for (const [cell, value] of Object.entries(change.cells)) {
        if (value === undefined) store.delCell(change.table, change.row, cell, true);
        else store.setCell(change.table, change.row, cell, value);
      }
    });
  };

  const visibleTables = Object.entries(datastoreConfig?.tables ?? {}).filter(
    ([tableId, table]) => !table.serverOnly && !hiddenTables?.has(tableId),
  );

  return (
    <section className="dd-user" data-user={user.sub} aria-label={`${user.name}'s device`}>
      <header className="dd-user-head">
        <div>
          <strong className="dd-user-name">{user.name}</strong>{' '}
          <span className="dd-muted dd-user-who">
            id <ShortId id={user.sub} label="user id" />
            {user.roles.length > 0 ? `, roles: ${user.roles.join(', ')}` : ''}
            {user.tenant ? `, organisation: ${user.tenant}` : ''}
          </span>
        </div>
        <div className="dd-user-actions">
          {editor || !onEdit ? null : (
            <button type="button" className="dd-secondary" onClick={onEdit}>
              Edit person
            </button>
          )}
          {canRemove ? (
            <button
              type="button"
              className="dd-secondary"
              onClick={onRemove}
              aria-label={`Remove ${user.name}`}
            >
              Remove
            </button>
          ) : null}
        </div>
      </header>
      {editor}
      <div className={`dd-status dd-status-${status.status}`} data-status={status.status}>
        <label className="dd-switch">
          <input
            type="checkbox"
            aria-label={`${user.name} online`}
            checked={status.status === 'online' || status.status === 'connecting'}
            disabled={!connection}
            onChange={(event) => {
              if (event.target.checked) {
                tracker.noteOnline(user.key);
                connection?.goOnline();
              } else {
                tracker.noteOffline(user.key);
                connection?.goOffline();
              }
            }}
          />{' '}
          {STATUS_WORDS[status.status]}
        </label>
        {status.reason && status.status !== 'online' ? (
          <span className="dd-reason"> — {status.reason}</span>
        ) : null}
      </div>
      {clockLine ? (
        <p className="dd-note" data-testid="clock">
          {clockLine}
        </p>
      ) : null}
      {replaced.length > 0 ? (
        <ul className="dd-replaced-list" aria-label={`${user.name}'s replaced changes`}>
          {replaced.map((change) => (
            <li
              key={`${change.at}-${change.table}-${change.rowLabel}-${change.cell}`}
              className="dd-replaced"
            >
              {replacedWords(change, users)}
            </li>
          ))}
        </ul>
      ) : null}
      {instanceBar}
      {readViews}
      {readOnly ? (
        <p className="dd-note">
          Read-only: this datastore only sends data from the server. Apps cannot change it.
        </p>
      ) : null}
      {connection
        ? visibleTables.map(([tableId, table]) => (
            <TableGrid
              key={tableId}
              store={connection.untypedStore}
              tableId={tableId}
              table={table}
              tables={datastoreConfig?.tables ?? {}}
              readOnly={readOnly}
              userId={user.sub}
              flashingRows={flashing}
              onWrite={write}
              onServerWrite={onServerWrite}
              check={check}
            />
          ))
        : null}
      <div className="dd-latency" data-testid="latency">
        {latencyWords(latency, latest, users)}
      </div>
      <h4>Refused changes</h4>
      {rejections.length === 0 ? (
        <p className="dd-muted">None so far.</p>
      ) : (
        <ul className="dd-rejections">
          {rejections.map((rejection, index) => (
            <RejectionEntry
              key={`${rejection.at}-${index}`}
              rejection={rejection}
              rowLabel={rowLabelOf(rejection.table, rejection.row)}
            />
          ))}
        </ul>
      )}
      <details className="dd-trace">
        <summary>What crossed the wire ({trace.length})</summary>
        <ol>
          {trace.map((entry, index) => (
            <li
              key={`${entry.event.at}-${index}`}
              data-kind={entry.event.kind}
              data-direction={entry.event.direction}
            >
              <span className="dd-muted">{new Date(entry.event.at).toLocaleTimeString()}</span>{' '}
              {traceWords(entry, users, outcomeOf(trace, index, now))}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
};
