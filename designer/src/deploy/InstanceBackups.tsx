// One instance's backups in the Instances view: the list, "Back up now", and a restore that says what it replaces.
import { useCallback, useEffect, useState } from 'react';
import type { BackupSummary } from '@datastore-designer/schema';
import { fetchBackups, restoreBackup, takeBackup, type RuntimeConnection } from '../model/runtime-client.ts';
import { byteSize } from './byte-size.ts';

type Outcome = { kind: 'done' | 'error'; text: string } | undefined;

/** When a backup was taken, for people. */
const when = (iso: string): string => new Date(iso).toLocaleString();

/** "12 rows" / "1 row". */
const rowWords = (n: number): string => `${n} ${n === 1 ? 'row' : 'rows'}`;

/** The backups of one instance, with taking and restoring them. */
export const InstanceBackups = ({
  connection,
  app,
  ds,
  instance,
  readRows,
}: {
  connection: RuntimeConnection;
  app: string;
  ds: string;
  instance: string;
  /** Reads the instance's rows now (and refreshes its line above), to say what a restore replaces. */
  readRows: () => Promise<number | undefined>;
}) => {
  const [backups, setBackups] = useState<BackupSummary[]>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<{ backup: BackupSummary; rows: number | undefined }>();

  const load = useCallback(async () => {
    try {
      setBackups(await fetchBackups(connection, app, ds, instance));
    } catch (error) {
      setBackups([]);
      setOutcome({ kind: 'error', text: (error as Error).message });
    }
  }, [connection, app, ds, instance]);

  useEffect(() => {
    void load();
  }, [load]);

  const backUpNow = async () => {
    setBusy(true);
    setConfirming(undefined);
    try {
      await takeBackup(connection, app, ds, instance);
      setOutcome({ kind: 'done', text: `Backed up instance ${instance}.` });
      await load();
    } catch (error) {
      setOutcome({ kind: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (backup: BackupSummary) => {
    setBusy(true);
    setConfirming(undefined);
    try {
      await restoreBackup(connection, app, ds, instance, backup.id);
      setOutcome({
        kind: 'done',
        text: `Restored instance ${instance} to the backup taken at ${when(backup.takenAt)} (${rowWords(backup.rows)}). What it held just before is kept as a new backup.`,
      });
      await Promise.all([readRows(), load()]);
    } catch (error) {
      setOutcome({ kind: 'error', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const unavailable = outcome?.kind === 'error' && backups?.length === 0;

  return (
    <div className="instance-backups" data-testid={`backups-${instance}`}>
      <div className="instance-backups-head">
        <h3>Backups of {instance}</h3>
        <button type="button" className="ghost" disabled={busy} onClick={() => void backUpNow()}>
          Back up now
        </button>
      </div>
      {confirming && (
        <div className="status confirm" role="alertdialog" aria-label="Restore this backup?">
          <p>
            {`Replace ${confirming.rows === undefined ? 'the content' : `the ${rowWords(confirming.rows)}`} of instance ${instance} with the backup taken at ${when(confirming.backup.takenAt)} (${rowWords(confirming.backup.rows)})? A backup of the current content is taken first.`}
          </p>
          <div className="button-row">
            <button type="button" className="danger" onClick={() => void restore(confirming.backup)}>
              Replace with this backup
            </button>
            <button type="button" className="ghost" onClick={() => setConfirming(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {outcome && (
        <p className={outcome.kind === 'error' ? 'bad' : 'good'} role="status">
          {outcome.text}
        </p>
      )}
      {backups === undefined && <p className="muted">Reading the backups…</p>}
      {backups?.length === 0 && !unavailable && (
        <p className="muted">
          No backups yet. The runtime also takes them by itself while the content changes.
        </p>
      )}
      {backups && backups.length > 0 && (
        <ul className="backups-list">
          {backups.map((b) => (
            <li key={b.id}>
              <span>{when(b.takenAt)}</span>
              <span className="muted">
                {rowWords(b.rows)}, {byteSize(b.bytes)} of data
              </span>
              <button
                type="button"
                className="ghost"
                disabled={busy}
                onClick={async () => {
                  setOutcome(undefined);
                  setConfirming({ backup: b, rows: await readRows() });
                }}
              >
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
};
