// One table of one simulated user's store as an editable grid: edit cells, add and delete rows as that user.
import type { CellValue, FieldConfig, TableConfig } from '@datastore-designer/schema';
import { useState, type KeyboardEvent } from 'react';
import type { MergeableStore } from 'tinybase';
import { useCell, useRowIds } from 'tinybase/ui-react';

/** A write the user makes from the grid: cells to set (undefined deletes a cell), or a whole row to delete. */
export type GridWrite =
  | { kind: 'set'; table: string; row: string; cells: Record<string, CellValue | undefined> }
  | { kind: 'delete'; table: string; row: string; cells: Record<string, undefined> };

interface TableGridProps {
  store: MergeableStore;
  tableId: string;
  table: TableConfig;
  readOnly: boolean;
  /** The user's id, filled in for fields whose create rule asks for it (such as `newRow.author == user.id`). */
  userId: string;
  /** Rows that were just refused: they flash. */
  flashingRows: ReadonlySet<string>;
  onWrite: (write: GridWrite) => void;
  /** For read-only datastores: adds a row through the server data API, as the app's back end would. */
  onServerWrite?: (write: GridWrite) => void;
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
  readOnly,
  onWrite,
}: {
  store: MergeableStore;
  tableId: string;
  rowId: string;
  fieldId: string;
  field: FieldConfig;
  readOnly: boolean;
  onWrite: (write: GridWrite) => void;
}) => {
  const value = useCell(tableId, rowId, fieldId, store);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const label = `${fieldId} of ${rowId}`;
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
  const shown = draft ?? (value === undefined ? '' : String(value));
  const commit = () => {
    if (draft === undefined) return;
    setDraft(undefined);
    const next = parseInput(field, draft);
    if (next === value) return;
    onWrite({ kind: 'set', table: tableId, row: rowId, cells: { [fieldId]: next } });
  };
  return (
    <input
      type={field.type === 'number' ? 'number' : 'text'}
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
  tableId,
  table,
  userId,
  onWrite,
  asServer = false,
}: {
  tableId: string;
  table: TableConfig;
  userId: string;
  onWrite: (write: GridWrite) => void;
  asServer?: boolean;
}) => {
  const prefilled = userFields(table);
  const initial = () =>
    Object.fromEntries(
      Object.entries(table.fields).map(([id, field]) => [
        id,
        prefilled.has(id) ? userId : field.default !== undefined ? String(field.default) : '',
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
      const parsed = parseInput(field, text);
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
          {field.type === 'boolean' ? (
            <input
              type="checkbox"
              aria-label={`new ${id}`}
              checked={values[id] === 'true'}
              onChange={(event) => setValues({ ...values, [id]: event.target.checked ? 'true' : 'false' })}
            />
          ) : (
            <input
              type={field.type === 'number' ? 'number' : 'text'}
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
  readOnly,
  userId,
  flashingRows,
  onWrite,
  onServerWrite,
}: TableGridProps) => {
  const rowIds = useRowIds(tableId, store);
  const fieldIds = Object.keys(table.fields);
  return (
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
            <td className="dd-muted">{rowId}</td>
            {fieldIds.map((fieldId) => (
              <td key={fieldId}>
                <CellEditor
                  store={store}
                  tableId={tableId}
                  rowId={rowId}
                  fieldId={fieldId}
                  field={table.fields[fieldId] as FieldConfig}
                  readOnly={readOnly}
                  onWrite={onWrite}
                />
              </td>
            ))}
            <td>
              {readOnly ? null : (
                <button
                  type="button"
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
            </td>
          </tr>
        ))}
        {!readOnly ? (
          <NewRowForm tableId={tableId} table={table} userId={userId} onWrite={onWrite} />
        ) : onServerWrite ? (
          <NewRowForm tableId={tableId} table={table} userId={userId} onWrite={onServerWrite} asServer />
        ) : null}
      </tbody>
    </table>
  );
};
