// The field panel: name, kind of value, required, default, limits, and a link to another table.
import { useId } from 'react';
import type { FieldConfig, FieldType } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { deleteField, renameField, setField, setReference } from '../model/config-edits.ts';
import { AUTO_KINDS, TYPES } from '../model/field-kinds.ts';
import { IdInput } from './IdInput.tsx';

/** Drops every setting a server-written field cannot have (and any other kind's limits). */
const clearSettings = (f: FieldConfig): void => {
  delete f.references;
  delete f.default;
  delete f.min;
  delete f.max;
  delete f.maxLength;
};

/** Settings of one field. */
export const FieldPanel = ({ table, field }: { table: string; field: string }) => {
  const datastore = useDesigner((s) => s.datastore);
  const ds = useDesigner((s) => s.config.datastores[s.datastore]);
  const { change, select } = useDesigner((s) => s);
  const config = ds?.tables[table]?.fields[field];
  const holdsId = useId();
  if (!ds || !config) return <p className="empty">This field no longer exists.</p>;

  const update = (patch: (f: FieldConfig) => void, coalesce?: string) =>
    change(
      (draft) => {
        const target = draft.datastores[datastore]?.tables[table]?.fields[field];
        if (!target) return;
        patch(target);
        setField(draft, datastore, table, field, target);
      },
      { coalesce: coalesce ? `${table}.${field}.${coalesce}` : undefined },
    );

  const numberOrUndefined = (text: string): number | undefined => (text === '' ? undefined : Number(text));

  return (
    <div className="panel" data-panel="field">
      <button type="button" className="link back-link" onClick={() => select({ kind: 'table', table })}>
        ← Table {table}
      </button>
      <h2>
        <span className="panel-kicker">Field</span> {field}
      </h2>
      <IdInput
        label="Field name"
        value={field}
        taken={Object.keys(ds.tables[table]?.fields ?? {})}
        highlighted
        onRename={(to) => {
          change((draft) => renameField(draft, datastore, table, field, to));
          select({ kind: 'field', table, field: to });
        }}
      />
      <div className="field-row">
        <label htmlFor={holdsId}>Holds</label>
        <select
          id={holdsId}
          value={config.auto ?? (config.references ? 'link' : config.type)}
          onChange={(event) => {
            const value = event.target.value;
            const auto = AUTO_KINDS.find((kind) => kind.id === value);
            if (auto) {
              update((f) => {
                f.type = auto.type;
                f.auto = auto.id;
                clearSettings(f);
              });
              return;
            }
            if (value === 'link') {
              const target = Object.keys(ds.tables).find((t) => t !== table) ?? table;
              change((draft) => {
                const own = draft.datastores[datastore]?.tables[table]?.fields[field];
                if (own) delete own.auto;
                setReference(draft, datastore, table, field, target);
              });
              return;
            }
            update((f) => {
              f.type = value as FieldType;
              delete f.auto;
              clearSettings(f);
            });
          }}
        >
          {TYPES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
          <option value="link">A link to a row of another table</option>
          <optgroup label="Filled in by the server">
            {AUTO_KINDS.map((kind) => (
              <option key={kind.id} value={kind.id}>
                {kind.label}
              </option>
            ))}
          </optgroup>
        </select>
        {config.auto && (
          <small className="muted" data-testid="auto-note">
            {AUTO_KINDS.find((kind) => kind.id === config.auto)?.note}
          </small>
        )}
      </div>
      {config.references !== undefined && (
        <label className="field-row">
          <span>Links to table</span>
          <select
            aria-label="Links to table"
            value={config.references}
            onChange={(event) =>
              change((draft) => setReference(draft, datastore, table, field, event.target.value))
            }
          >
            {!ds.tables[config.references] && (
              <option value={config.references}>{config.references} (missing)</option>
            )}
            {Object.keys(ds.tables).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <small className="muted">The field holds the id of a row in that table.</small>
        </label>
      )}
      <label className="check-row">
        <input
          type="checkbox"
          checked={config.required === true}
          onChange={(event) =>
            update((f) => {
              if (event.target.checked) f.required = true;
              else delete f.required;
            })
          }
        />
        <span>
          Required <small className="muted">— every row must have it, and it can never be removed</small>
        </span>
      </label>
      {!config.auto && (
        <label className="field-row">
          <span>Default value</span>
          {config.type === 'boolean' ? (
            <select
              aria-label="Default value"
              value={config.default === undefined ? '' : String(config.default)}
              onChange={(event) =>
                update((f) => {
                  if (event.target.value === '') delete f.default;
                  else f.default = event.target.value === 'true';
                })
              }
            >
              <option value="">No default</option>
              <option value="true">Yes</option>
              <option value="false">No</option>
            </select>
          ) : (
            <input
              aria-label="Default value"
              type={config.type === 'number' ? 'number' : 'text'}
              placeholder="No default"
              value={config.default === undefined ? '' : String(config.default)}
              onChange={(event) =>
                update((f) => {
                  const text = event.target.value;
                  if (text === '') delete f.default;
                  else f.default = config.type === 'number' ? Number(text) : text;
                }, 'default')
              }
            />
          )}
          <small className="muted">Filled in when a new row leaves it out.</small>
        </label>
      )}
      {config.type === 'string' && !config.auto && (
        <label className="field-row">
          <span>Longest text allowed</span>
          <input
            type="number"
            min={0}
            placeholder="No limit"
            aria-label="Longest text allowed"
            value={config.maxLength ?? ''}
            onChange={(event) =>
              update((f) => {
                const n = numberOrUndefined(event.target.value);
                if (n === undefined) delete f.maxLength;
                else f.maxLength = n;
              }, 'maxLength')
            }
          />
        </label>
      )}
      {config.type === 'number' && !config.auto && (
        <div className="two-col">
          {(['min', 'max'] as const).map((key) => (
            <label className="field-row" key={key}>
              <span>{key === 'min' ? 'Smallest' : 'Largest'}</span>
              <input
                type="number"
                placeholder="No limit"
                aria-label={key === 'min' ? 'Smallest' : 'Largest'}
                value={config[key] ?? ''}
                onChange={(event) =>
                  update((f) => {
                    const n = numberOrUndefined(event.target.value);
                    if (n === undefined) delete f[key];
                    else f[key] = n;
                  }, key)
                }
              />
            </label>
          ))}
        </div>
      )}
      <div className="danger-zone">
        <button
          type="button"
          className="ghost danger"
          onClick={() => {
            change((draft) => deleteField(draft, datastore, table, field));
            select({ kind: 'table', table });
          }}
        >
          Delete field
        </button>
        <small className="muted">You can undo this.</small>
      </div>
    </div>
  );
};
