// A table on the canvas: its name and fields with their types, editable in place, with a handle per field for relations.
import { memo, useEffect, useState, type KeyboardEvent } from 'react';
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from '@xyflow/react';
import { fieldHandle, headerHandle } from './graph.ts';
import type { TableConfig } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { ReadRuleMark } from './ReadRuleMark.tsx';
import { kindWords } from '../model/field-kinds.ts';
import {
  addField,
  deleteField,
  deleteTable,
  ID_PATTERN,
  renameField,
  renameTable,
  toId,
} from '../model/config-edits.ts';

/** What the canvas hands each table node. */
export type TableNodeData = {
  table: TableConfig;
  selectedField?: string;
  problemCount: number;
  fieldProblems: string[];
};

/** The node type of a table on the canvas. */
export type TableNodeType = Node<TableNodeData, 'table'>;

/** An id box edited in place: Enter or leaving the box saves, Escape cancels. */
const InlineName = ({
  value,
  label,
  onSave,
  onDone,
}: {
  value: string;
  label: string;
  onSave: (id: string) => void;
  onDone: () => void;
}) => {
  const [text, setText] = useState(value);
  const save = () => {
    const id = toId(text);
    if (id && id !== value && ID_PATTERN.test(id)) onSave(id);
    onDone();
  };
  return (
    <input
      className="nodrag inline-name"
      aria-label={label}
      autoFocus
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={save}
      onKeyDown={(event: KeyboardEvent) => {
        if (event.key === 'Enter') save();
        if (event.key === 'Escape') onDone();
      }}
    />
  );
};

/** Renders one table node. */
export const TableNode = memo(({ id, data, selected }: NodeProps<TableNodeType>) => {
  const datastore = useDesigner((s) => s.datastore);
  const change = useDesigner((s) => s.change);
  const select = useDesigner((s) => s.select);
  const [editing, setEditing] = useState<string>();
  const fields = Object.entries(data.table.fields);
  const updateNodeInternals = useUpdateNodeInternals();
  const handleIds = fields.map(([fieldId]) => fieldId).join('\n');
  // React Flow only knows handles it has measured: a field added or renamed needs a fresh measure.
  useEffect(() => updateNodeInternals(id), [id, handleIds, updateNodeInternals]);

  return (
    <div
      className={`table-node${selected ? ' selected' : ''}${data.table.serverOnly ? ' server-only' : ''}`}
      data-table={id}
    >
      <Handle type="target" position={Position.Left} id={headerHandle('left')} className="table-target" />
      <Handle type="target" position={Position.Right} id={headerHandle('right')} className="table-target" />
      <div className="table-node-header" onDoubleClick={() => setEditing('\u0000table')}>
        <span className="table-icon" aria-hidden>
          ▦
        </span>
        {editing === '\u0000table' ? (
          <InlineName
            value={id}
            label="Table name"
            onSave={(to) => {
              change((draft) => {
                if (draft.datastores[datastore]?.tables[to]) return;
                renameTable(draft, datastore, id, to);
              });
              select({ kind: 'table', table: to });
            }}
            onDone={() => setEditing(undefined)}
          />
        ) : (
          <span className="table-name" title="Double-click to rename">
            {id}
          </span>
        )}
        {data.table.serverOnly && <span className="tag">server only</span>}
        {data.table.rules?.read !== undefined && <ReadRuleMark rule={data.table.rules.read} />}
        {data.problemCount > 0 && (
          <span className="problem-dot" title={`${data.problemCount} problem(s) in this table`}>
            {data.problemCount}
          </span>
        )}
        {selected && (
          <button
            type="button"
            className="nodrag node-delete"
            aria-label={`Delete table ${id}`}
            title="Delete this table (you can undo)"
            onClick={(event) => {
              event.stopPropagation();
              change((draft) => deleteTable(draft, datastore, id));
              select({ kind: 'datastore' });
            }}
          >
            ×
          </button>
        )}
      </div>
      <ul className="table-fields">
        {fields.length === 0 && <li className="empty-field">No fields yet</li>}
        {fields.map(([fieldId, field]) => (
          <li
            key={fieldId}
            data-field={fieldId}
            className={`${data.selectedField === fieldId ? 'selected' : ''}${data.fieldProblems.includes(fieldId) ? ' has-problem' : ''}`}
            onClick={(event) => {
              event.stopPropagation();
              select({ kind: 'field', table: id, field: fieldId });
            }}
            onDoubleClick={(event) => {
              event.stopPropagation();
              setEditing(fieldId);
            }}
          >
            {editing === fieldId ? (
              <InlineName
                value={fieldId}
                label="Field name"
                onSave={(to) => {
                  change((draft) => {
                    if (draft.datastores[datastore]?.tables[id]?.fields[to]) return;
                    renameField(draft, datastore, id, fieldId, to);
                  });
                  select({ kind: 'field', table: id, field: to });
                }}
                onDone={() => setEditing(undefined)}
              />
            ) : (
              <span className="field-name" title="Double-click to rename">
                {field.required ? <strong>{fieldId}</strong> : fieldId}
                {field.required && (
                  <span className="required" title="Required">
                    *
                  </span>
                )}
              </span>
            )}
            <span className="field-type">
              {field.references && !field.auto ? `→ ${field.references}` : kindWords(field).toLowerCase()}
            </span>
            {selected && (
              <button
                type="button"
                className="nodrag field-delete"
                aria-label={`Delete field ${fieldId}`}
                title="Delete this field (you can undo)"
                onClick={(event) => {
                  event.stopPropagation();
                  change((draft) => deleteField(draft, datastore, id, fieldId));
                  select({ kind: 'table', table: id });
                }}
              >
                ×
              </button>
            )}
            <Handle
              type="source"
              position={Position.Right}
              id={fieldHandle(fieldId, 'right')}
              className="field-handle"
              title="Drag to a table to link this field to it"
            />
            {/* Where a relation leaves when its table is to the left: drawn from, never dragged from. */}
            <Handle
              type="source"
              position={Position.Left}
              id={fieldHandle(fieldId, 'left')}
              className="field-anchor"
              isConnectable={false}
            />
          </li>
        ))}
      </ul>
      {selected && (
        <button
          type="button"
          className="nodrag add-field"
          onClick={(event) => {
            event.stopPropagation();
            let created = '';
            change((draft) => {
              created = addField(draft, datastore, id);
            });
            select({ kind: 'field', table: id, field: created }, { focus: true });
          }}
        >
          + Add field
        </button>
      )}
    </div>
  );
});
TableNode.displayName = 'TableNode';
