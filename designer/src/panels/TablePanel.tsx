// The table panel: name, server-only switch, fields, the three row rules and who can see rows.
import type { RowRuleKind, RuleKind } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { addField, deleteTable, renameTable, setRowRule } from '../model/config-edits.ts';
import { RuleEditor } from '../rules/RuleEditor.tsx';
import { celToChoice } from '../model/rule-presets.ts';
import { kindWords } from '../model/field-kinds.ts';
import { IdInput } from './IdInput.tsx';
import { ReadRuleNote } from './ReadRuleNote.tsx';

const ROW_RULES: RowRuleKind[] = ['create', 'update', 'delete'];

/**
 * When the add rule ties a text field to the person adding the row (`newRow.f == user.id`), suggests making that
 * field "Created by": the server then fills it in, and nobody can put someone else's id there.
 */
const CreatorSuggestion = ({ table }: { table: string }) => {
  const datastore = useDesigner((s) => s.datastore);
  const config = useDesigner((s) => s.config.datastores[s.datastore]?.tables[table]);
  const change = useDesigner((s) => s.change);
  const choice = celToChoice(config?.rules?.create);
  const field = choice.preset === 'rowUser' && choice.field ? config?.fields[choice.field] : undefined;
  if (!choice.field || !field || field.type !== 'string' || field.auto || field.references) return null;
  const name = choice.field;
  return (
    <div className="suggestion" data-testid="creator-suggestion">
      <p>
        New rows must carry the id of the person adding them in “{name}”. Make “{name}” a <em>Created by</em>{' '}
        field? The server then fills it in, so nobody has to type it and nobody can put someone else there.
      </p>
      <button
        type="button"
        className="ghost"
        onClick={() =>
          change((draft) => {
            const own = draft.datastores[datastore]?.tables[table]?.fields[name];
            if (!own) return;
            own.auto = 'creator';
            delete own.default;
            delete own.maxLength;
          })
        }
      >
        Make “{name}” Created by
      </button>
    </div>
  );
};

/** Settings of one table. */
export const TablePanel = ({ table, highlightRule }: { table: string; highlightRule?: RuleKind }) => {
  const datastore = useDesigner((s) => s.datastore);
  const ds = useDesigner((s) => s.config.datastores[s.datastore]);
  const { change, select } = useDesigner((s) => s);
  const config = ds?.tables[table];
  if (!ds || !config) return <p className="empty">This table no longer exists.</p>;

  const inactive = config.serverOnly
    ? 'This table is server only: people never see it, so its rules have no effect (they are kept).'
    : ds.sync === 'serverToClient'
      ? 'This datastore is read-only for people, so these rules have no effect (they are kept).'
      : undefined;

  return (
    <div className="panel" data-panel="table">
      <button type="button" className="link back-link" onClick={() => select({ kind: 'datastore' })}>
        ← {ds.title || datastore}
      </button>
      <h2>
        <span className="panel-kicker">Table</span> {table}
      </h2>
      <IdInput
        label="Table name"
        value={table}
        taken={Object.keys(ds.tables)}
        onRename={(to) => {
          change((draft) => renameTable(draft, datastore, table, to));
          select({ kind: 'table', table: to });
        }}
      />
      <label className="check-row">
        <input
          type="checkbox"
          checked={config.serverOnly === true}
          onChange={(event) =>
            change((draft) => {
              const target = draft.datastores[datastore]?.tables[table];
              if (!target) return;
              if (event.target.checked) target.serverOnly = true;
              else delete target.serverOnly;
            })
          }
        />
        <span>
          Server only <small className="muted">— kept on the server, never sent to people's devices</small>
        </span>
      </label>

      <h3>Fields</h3>
      <ul className="field-list">
        {Object.entries(config.fields).map(([id, field]) => (
          <li key={id}>
            <button
              type="button"
              className="link"
              onClick={() => select({ kind: 'field', table, field: id })}
            >
              {id}
            </button>
            <span className="muted">
              {kindWords(field)}
              {field.required ? ', required' : ''}
            </span>
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => {
          let created = '';
          change((draft) => {
            created = addField(draft, datastore, table);
          });
          select({ kind: 'field', table, field: created }, { focus: true });
        }}
      >
        + Add field
      </button>

      <h3>Who can do what</h3>
      {inactive && <p className="note">{inactive}</p>}
      <CreatorSuggestion table={table} />
      {ROW_RULES.map((kind) => (
        <RuleEditor
          key={kind}
          kind={kind}
          expression={config.rules?.[kind]}
          table={config}
          instances={ds.instances}
          highlighted={highlightRule === kind}
          onChange={(expression, coalesce) =>
            change((draft) => setRowRule(draft, datastore, table, kind, expression), { coalesce })
          }
        />
      ))}
      <RuleEditor
        kind="read"
        expression={config.rules?.read}
        table={config}
        instances={ds.instances}
        highlighted={highlightRule === 'read'}
        onChange={(expression, coalesce) =>
          change((draft) => setRowRule(draft, datastore, table, 'read', expression), { coalesce })
        }
      />
      <ReadRuleNote table={table} />

      <div className="danger-zone">
        <button
          type="button"
          className="ghost danger"
          onClick={() => {
            change((draft) => deleteTable(draft, datastore, table));
            select({ kind: 'datastore' });
          }}
        >
          Delete table
        </button>
        <small className="muted">You can undo this.</small>
      </div>
    </div>
  );
};
