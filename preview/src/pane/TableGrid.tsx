// One table of one simulated user's store as an editable grid: edit cells, add and delete rows as that user.
import type { CellValue, FieldConfig, TableConfig } from '@datastore-designer/schema';
import { useState, type KeyboardEvent } from 'react';
import type { MergeableStore } from 'tinybase';
import { ShortId } from './ShortId.tsx';
import { useCell, useRowIds, useTable } from 'tinybase/ui-react';
import { CheckRowSelect, type RowCheck } from './CheckRowSelect.tsx';

/** A write the user makes from the grid: cells to set (undefined deletes a cell), or a whole row to delete. */
export type GridWrite =
  | { kind: 'set'; table: string; row: string; cells: Record<string, CellValue | undefined> }
  | { kind: 'delete'; table: string; row: string; cells: Record<string, undefined> };

interface TableGridProps {
  store: MergeableStore;
  tableId: string;
  table: TableConfig;
  /** Every table of the datastore, so a link field can offer the rows of the table it links to. */
  tables: Record<string, TableConfig>;
  readOnly: boolean;
  /** The user's id, filled in for fields whose create rule asks for it (such as `newRow.author == user.id`). */
  userId: string;
  /** Rows that were just refused: they flash. */
  flashingRows: ReadonlySet<string>;
  onWrite: (write: GridWrite) => void;
  /** For read-only datastores: adds a row through the server data API, as the app's back end would. */
  onServerWrite?: (write: GridWrite) => void;
  /** While a test is recorded: checks what someone sees of a row. */
  check?: RowCheck;
}

const parseInput = (field: FieldConfig, text: string): CellValue | undefined => {
  if (field.type === 'number') {
    if (text.trim() === '') return undefined;
    const number = Number(text);
    return Number.isFinite(number) ? number : undefined;
  }
  if (text === '' && !field.required) return undefined;
  return text;
};

/** A number that is a moment in time: a server-written time, or a number field named like one (`sentAt`). */
export const isTimeField = (id: string, field: FieldConfig): boolean =>
  field.type === 'number' && (field.auto === 'createdAt' || field.auto === 'updatedAt' || /At$/.test(id));

/** Milliseconds since the epoch as the local date and time a `datetime-local` input shows. */
const toLocalInput = (ms: number): string =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 19);

/** What a `datetime-local` input holds, back to milliseconds since the epoch ('' stays empty). */
const fromLocalInput = (text: string): string => (text === '' ? '' : String(new Date(text).getTime()));

/** The field people recognise a row of `table` by: its first plain text field. */
export const labelField = (table: TableConfig | undefined): string | undefined =>
  Object.entries(table?.fields ?? {}).find(
    ([, field]) => field.type === 'string' && !field.auto && field.references === undefined,
  )?.[0];

/** How a server-written value reads: a date for times, the id for the creator. */
const autoText = (value: unknown): string =>
  value === undefined || value === null
    ? 'filled in by the server'
    : typeof value === 'number'
      ? new Date(value).toLocaleString()
      : String(value);

/** A drop-down of the rows of the linked table, each shown by its first text field. */
const LinkSelect = ({
  store,
  target,
  targetTable,
  label,
  value,
  disabled,
  onPick,
}: {
  store: MergeableStore;
  target: string;
  targetTable: TableConfig | undefined;
  label: string;
  value: string;
  disabled: boolean;
  onPick: (row: string) => void;
}) => {
  const rows = useTable(target, store);
  const shownBy = labelField(targetTable);
  const entries = Object.entries(rows);
  return (
    <select
      aria-label={label}
      value={value}
      disabled={disabled}
      onChange={(event) => onPick(event.target.value)}
    >
      {/* A bare dash for "none yet" fits the narrowest column whole; the title and the menu's label say what to pick. */}
      <option value="" title={`Pick a row of ${target}`}>
        —
      </option>
      {value !== '' && !rows[value] ? (
        <option value={value}>
          {value} (not in {target})
        </option>
      ) : null}
      {entries.map(([id, row]) => {
        const text = shownBy ? row[shownBy] : undefined;
        return (
          <option key={id} value={id}>
            {typeof text === 'string' && text !== '' ? text : id}
          </option>
        );
      })}
    </select>
  );
};

const userFields = (table: TableConfig): Set<string> => {
  const fields = new Set<string>();
  for (const match of (table.rules?.create ?? '').matchAll(/newRow\.([A-Za-z_]\w*)\s*==\s*user\.id/g)) {
    if (match[1]) fields.add(match[1]);
  }
  return fields;
};

/** A cell that saves when the person leaves it or presses Enter, so each edit is one write the rules judge. */
const CellEditor = ({
  store,
  tableId,
  rowId,
  fieldId,
  field,
  tables,
  readOnly,
  onWrite,
}: {
  store: MergeableStore;
  tableId: string;
  rowId: string;
  fieldId: string;
  field: FieldConfig;
  tables: Record<string, TableConfig>;
  readOnly: boolean;
  onWrite: (write: GridWrite) => void;
}) => {
  const value = useCell(tableId, rowId, fieldId, store);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const label = `${fieldId} of ${rowId}`;
  if (field.auto) {
    return (
      <output aria-label={label} className="dd-auto" title="Filled in by the server; nobody can change it">
        {autoText(value)}
      </output>
    );
  }
  if (field.references !== undefined) {
    return (
      <LinkSelect
        store={store}
        target={field.references}
        targetTable={tables[field.references]}
        label={label}
        value={typeof value === 'string' ? value : ''}
        disabled={readOnly}
        onPick={(row) =>
          onWrite({
            kind: 'set',
            table: tableId,
            row: rowId,
            cells: { [fieldId]: row === '' ? undefined : row },
          })
        }
      />
    );
  }
  const time = isTimeField(fieldId, field);
  if (field.type === 'boolean') {
    return (
      <input
        type="checkbox"
        aria-label={label}
        checked={value === true}
        disabled={readOnly}
        onChange={(event) =>
          onWrite({ kind: 'set', table: tableId, row: rowId, cells: { [fieldId]: event.target.checked } })
        }
      />
    );
  }
  const stored =
    value === undefined ? '' : time && typeof value === 'number' ? toLocalInput(value) : String(value);
  const shown = draft ?? stored;
  const commit = () => {
    if (draft === undefined) return;
    setDraft(undefined);
    const next = parseInput(field, time ? fromLocalInput(draft) : draft);
    if (next === value) return;
    onWrite({ kind: 'set', table: tableId, row: rowId, cells: { [fieldId]: next } });
  };
  return (
    <input
      type={time ? 'datetime-local' : field.type === 'number' ? 'number' : 'text'}
      step={time ? 1 : undefined}
      aria-label={label}
      value={shown}
      readOnly={readOnly}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => {
        if (event.key === 'Enter') commit();
        if (event.key === 'Escape') setDraft(undefined);
      }}
    />
  );
};

/** The form under a grid that adds a row as this user. */
const NewRowForm = ({
  store,
  tableId,
  table,
  tables,
  userId,
  onWrite,
  asServer = false,
}: {
  store: MergeableStore;
  tableId: string;
  table: TableConfig;
  tables: Record<string, TableConfig>;
  userId: string;
  onWrite: (write: GridWrite) => void;
  asServer?: boolean;
}) => {
  const prefilled = userFields(table);
  const initial = () =>
    Object.fromEntries(
      Object.entries(table.fields).map(([id, field]) => [
        id,
        prefilled.has(id) && field.auto === undefined
          ? userId
          : isTimeField(id, field)
            ? toLocalInput(Date.now())
            : field.default !== undefined
              ? String(field.default)
              : '',
      ]),
    );
  const [values, setValues] = useState<Record<string, string>>(initial);
  const add = () => {
    const cells: Record<string, CellValue> = {};
    for (const [id, field] of Object.entries(table.fields)) {
      const text = values[id] ?? '';
      if (field.type === 'boolean') {
        if (text === 'true') cells[id] = true;
        else if (text === 'false' && field.default !== undefined) cells[id] = false;
        continue;
      }
      // Server-written values are never sent: the server fills them in, and the grid shows its values.
      if (field.auto !== undefined) continue;
      const parsed = parseInput(field, isTimeField(id, field) ? fromLocalInput(text) : text);
      if (parsed !== undefined && !(parsed === '' && !field.required)) cells[id] = parsed;
    }
    const row = `${tableId.slice(0, 3)}-${Math.random().toString(36).slice(2, 8)}`;
    onWrite({ kind: 'set', table: tableId, row, cells });
    setValues(initial());
  };
  return (
    <tr className="dd-new-row">
      <td>new</td>
      {Object.entries(table.fields).map(([id, field]) => (
        <td key={id}>
          {field.auto ? (
            <output aria-label={`new ${id}`} className="dd-auto">
              filled in by the server
            </output>
          ) : field.references !== undefined ? (
            <LinkSelect
              store={store}
              target={field.references}
              targetTable={tables[field.references]}
              label={`new ${id}`}
              value={values[id] ?? ''}
              disabled={false}
              onPick={(row) => setValues({ ...values, [id]: row })}
            />
          ) : field.type === 'boolean' ? (
            <input
              type="checkbox"
              aria-label={`new ${id}`}
              checked={values[id] === 'true'}
              onChange={(event) => setValues({ ...values, [id]: event.target.checked ? 'true' : 'false' })}
            />
          ) : (
            <input
              type={isTimeField(id, field) ? 'datetime-local' : field.type === 'number' ? 'number' : 'text'}
              step={isTimeField(id, field) ? 1 : undefined}
              aria-label={`new ${id}`}
              placeholder={field.required ? 'required' : ''}
              value={values[id] ?? ''}
              onChange={(event) => setValues({ ...values, [id]: event.target.value })}
              onKeyDown={(event) => event.key === 'Enter' && add()}
            />
          )}
        </td>
      ))}
      <td>
        <button
          type="button"
          onClick={add}
          title={asServer ? 'Add this row through the server data API' : undefined}
        >
          {asServer ? 'Add as the server' : 'Add'}
        </button>
      </td>
    </tr>
  );
};

/** The grid of one table for one user. */
export const TableGrid = ({
  store,
  tableId,
  table,
  tables,
  readOnly,
  userId,
  flashingRows,
  onWrite,
  onServerWrite,
  check,
}: TableGridProps) => {
  const rowIds = useRowIds(tableId, store);
  const fieldIds = Object.keys(table.fields);
  return (
    // The grid scrolls inside the person's card rather than spilling out of it.
    <div className="dd-grid-wrap">
      <table className="dd-grid" data-table={tableId}>
        <caption>
          {tableId}{' '}
          <span className="dd-muted">({rowIds.length === 1 ? '1 row' : `${rowIds.length} rows`})</span>
        </caption>
        <thead>
          <tr>
            <th>row</th>
            {fieldIds.map((id) => (
              <th
                key={id}
                title={`${table.fields[id]?.type ?? ''}${table.fields[id]?.required ? ', required' : ''}`}
              >
                {id}
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {rowIds.map((rowId) => (
            <tr key={rowId} data-row={rowId} className={flashingRows.has(rowId) ? 'dd-flash' : undefined}>
              <td className="dd-muted">
                <ShortId id={rowId} label="row id" />
              </td>
              {fieldIds.map((fieldId) => (
                <td key={fieldId}>
                  <CellEditor
                    store={store}
                    tableId={tableId}
                    rowId={rowId}
                    fieldId={fieldId}
                    field={table.fields[fieldId] as FieldConfig}
                    tables={tables}
                    readOnly={readOnly}
                    onWrite={onWrite}
                  />
                </td>
              ))}
              <td>
                {readOnly ? null : (
                  <button
                    type="button"
                    className="dd-icon"
                    title="Delete this row"
                    aria-label={`delete ${rowId}`}
                    onClick={() =>
                      onWrite({
                        kind: 'delete',
                        table: tableId,
                        row: rowId,
                        cells: Object.fromEntries(
                          store.getCellIds(tableId, rowId).map((id) => [id, undefined]),
                        ),
                      })
                    }
                  >
                    ✕
                  </button>
                )}
                {check ? <CheckRowSelect check={check} table={tableId} row={rowId} /> : null}
              </td>
            </tr>
          ))}
          {!readOnly ? (
            <NewRowForm
              store={store}
              tableId={tableId}
              table={table}
              tables={tables}
              userId={userId}
              onWrite={onWrite}
            />
          ) : onServerWrite ? (
            <NewRowForm
              store={store}
              tableId={tableId}
              table={table}
              tables={tables}
              userId={userId}
              onWrite={onServerWrite}
              asServer
            />
          ) : null}
        </tbody>
      </table>
    </div>
  );
};
