// Hook tying one person's column to the pane's test recorder: their changes, checks and API calls become steps.
import type { CellValue, InstanceKind } from '@datastore-designer/schema';
import { useEffect } from 'react';
import type { Connection } from '../connect.ts';
import type { RowCheck } from './CheckRowSelect.tsx';
import type { PreviewRuntime } from './preview-api.ts';
import type { RecordedOutcome, ScenarioRecorder } from './scenario-recorder.ts';
import type { SimulatedUser } from './simulated-users.ts';
import type { GridWrite } from './TableGrid.tsx';
import { followCall, followWrite } from './write-outcome.ts';

/** Who the column is, what it is connected to, and the recorder of the pane. */
export interface ColumnRecordingTarget {
  recorder: ScenarioRecorder;
  recording: boolean;
  user: SimulatedUser;
  /** The people whose copy of this column's instance can be checked (for multi: those with the same space open). */
  peopleHere: SimulatedUser[];
  connection: Connection | undefined;
  /** True while the runtime refuses to let the person open the instance: their changes are refused by `connect`. */
  refused: boolean;
  runtime: PreviewRuntime;
  app: string;
  datastore: string;
  kind: InstanceKind;
  /** The sync address (`main`, `me`, `tenant`) or, for multi, the open space's id. */
  instance: string | undefined;
  /** Fields the server writes itself, left out when checking that a change landed. */
  autoFields: (table: string) => ReadonlySet<string>;
}

/** What the column hands its panel and its calls while a test is recorded. */
export interface ColumnRecording {
  onRecordWrite?: (write: GridWrite) => void;
  check?: RowCheck;
  /** Records the server data API write a person's column made, with the call's answer. */
  recordServerWrite: (write: GridWrite, call: Promise<unknown>) => void;
  /** Passes a runtime call through, recording it (with `rule` for a refusal) while a test is recorded. */
  follow: <T>(
    call: Promise<T>,
    rule: string,
    record: (outcome: Promise<RecordedOutcome>) => void,
  ) => Promise<T>;
}

const definedCells = (cells: Record<string, CellValue | undefined>): Record<string, CellValue> =>
  Object.fromEntries(
    Object.entries(cells).filter((entry): entry is [string, CellValue] => entry[1] !== undefined),
  );

/** Wires a person's column to the recorder: a no-op while nothing is recorded. */
export const useColumnRecording = (target: ColumnRecordingTarget): ColumnRecording => {
  const { recorder, recording, user, connection, instance, kind } = target;
  const store = connection?.untypedStore;
  useEffect(() => recorder.attach(user, store, instance), [recorder, user, store, instance]);
  const instanceId =
    kind === 'perUser' ? user.sub : kind === 'perTenant' ? user.tenant : kind === 'multi' ? instance : 'main';

  const onRecordWrite =
    recording && connection && instanceId !== undefined
      ? (write: GridWrite) => {
          const auto = target.autoFields(write.table);
          const cells =
            write.kind === 'delete'
              ? undefined
              : Object.fromEntries(
                  Object.entries(definedCells(write.cells)).filter(([cell]) => !auto.has(cell)),
                );
          const outcome: Promise<RecordedOutcome> = target.refused
            ? Promise.resolve({ kind: 'refused', rule: 'connect' })
            : followWrite(connection, {
                runtime: target.runtime,
                app: target.app,
                datastore: target.datastore,
                instanceId,
                table: write.table,
                row: write.row,
                cells,
              });
          recorder.recordWrite(user, instance, write, outcome);
        }
      : undefined;

  const check: RowCheck | undefined = recording
    ? {
        people: target.peopleHere,
        onCheck: (personKey, table, row) => recorder.recordSees(personKey, instance, table, row),
      }
    : undefined;

  return {
    onRecordWrite,
    check,
    recordServerWrite: (write, call) => {
      if (!recorder.recording) return;
      // The data API checks the fields only: a refusal of a server write is a schema one.
      const { outcome } = followCall(call, 'schema');
      recorder.recordServerWrite(
        user,
        instance,
        { table: write.table, row: write.row, cells: definedCells(write.cells) },
        outcome,
      );
    },
    follow: (call, rule, record) => {
      if (!recorder.recording) return call;
      const { result, outcome } = followCall(call, rule);
      record(outcome);
      return result;
    },
  };
};
