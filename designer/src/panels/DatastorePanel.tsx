// The datastore panel: name, how instances are made, sync mode, who may open/start/join, and its tables.
import { useId } from 'react';
import {
  DEFAULT_INSTANCE_RULES,
  type InstanceKind,
  type InstanceRuleKind,
  type RuleKind,
  type SyncMode,
} from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { deleteDatastore, renameDatastore } from '../model/config-edits.ts';
import { RuleEditor } from '../rules/RuleEditor.tsx';
import { IdInput } from './IdInput.tsx';

const INSTANCE_KINDS: { id: InstanceKind; title: string; text: string }[] = [
  { id: 'single', title: 'One shared', text: 'Everyone uses the same data, like a team board.' },
  { id: 'perUser', title: 'One per person', text: 'Each signed-in person has private data, like notes.' },
  { id: 'perTenant', title: 'One per organisation', text: 'People of the same organisation share data.' },
  {
    id: 'multi',
    title: 'Many, made on demand',
    text: 'A new instance for each game, document or meeting; people join by link.',
  },
];

const SYNC_MODES: { id: SyncMode; title: string; text: string }[] = [
  { id: 'twoWay', title: 'Two-way', text: 'People read and write, as the rules allow.' },
  { id: 'serverToClient', title: 'Read-only for people', text: 'Only the server writes; people only read.' },
];

/** Settings of the current datastore. */
export const DatastorePanel = ({ highlightRule }: { highlightRule?: RuleKind }) => {
  const config = useDesigner((s) => s.config);
  const datastore = useDesigner((s) => s.datastore);
  const { change, select, setDatastore } = useDesigner((s) => s);
  const ds = config.datastores[datastore];
  const titleId = useId();
  // Each group of choice cards is announced by the heading a sighted person reads above it.
  const instancesHeadingId = useId();
  const syncHeadingId = useId();
  if (!ds) return <p className="empty">No datastore selected.</p>;

  const setRule = (kind: InstanceRuleKind, expression: string | undefined, coalesce?: string) =>
    change(
      (draft) => {
        const target = draft.datastores[datastore];
        if (!target) return;
        if (expression === undefined) delete target[kind];
        else target[kind] = expression;
      },
      { coalesce },
    );
  const ruleKinds: InstanceRuleKind[] =
    ds.instances === 'multi' ? ['connect', 'createInstance', 'join'] : ['connect'];

  return (
    <div className="panel" data-panel="datastore">
      <h2>
        <span className="panel-kicker">Datastore</span> {ds.title || datastore}
      </h2>
      <IdInput
        label="Id (apps use it)"
        value={datastore}
        taken={Object.keys(config.datastores)}
        onRename={(to) => {
          change((draft) => renameDatastore(draft, datastore, to));
          setDatastore(to);
        }}
      />
      <div className="field-row">
        <label htmlFor={titleId}>Title (for people)</label>
        <input
          id={titleId}
          value={ds.title ?? ''}
          placeholder="e.g. Team board"
          onChange={(event) =>
            change(
              (draft) => {
                const target = draft.datastores[datastore];
                if (!target) return;
                if (event.target.value) target.title = event.target.value;
                else delete target.title;
              },
              { coalesce: `title-${datastore}` },
            )
          }
        />
      </div>

      <h3 id={instancesHeadingId}>Who shares the data</h3>
      <div className="choice-cards" role="radiogroup" aria-labelledby={instancesHeadingId}>
        {INSTANCE_KINDS.map((kind) => (
          <label key={kind.id} className={`choice-card${ds.instances === kind.id ? ' active' : ''}`}>
            <input
              type="radio"
              name="instances"
              checked={ds.instances === kind.id}
              onChange={() =>
                change((draft) => {
                  const target = draft.datastores[datastore];
                  if (!target) return;
                  target.instances = kind.id;
                  if (kind.id !== 'multi') {
                    delete target.createInstance;
                    delete target.join;
                    delete target.maxInstancesPerUser;
                    delete target.deleteIdleAfterDays;
                  }
                })
              }
            />
            <strong>{kind.title}</strong>
            <span>{kind.text}</span>
          </label>
        ))}
      </div>

      <h3 id={syncHeadingId}>Who writes</h3>
      <div className="choice-cards two" role="radiogroup" aria-labelledby={syncHeadingId}>
        {SYNC_MODES.map((mode) => (
          <label key={mode.id} className={`choice-card${ds.sync === mode.id ? ' active' : ''}`}>
            <input
              type="radio"
              name="sync"
              checked={ds.sync === mode.id}
              onChange={() =>
                change((draft) => {
                  const target = draft.datastores[datastore];
                  if (target) target.sync = mode.id;
                })
              }
            />
            <strong>{mode.title}</strong>
            <span>{mode.text}</span>
          </label>
        ))}
      </div>

      {ds.sync === 'serverToClient' && (
        <p className="note">
          People can only read this datastore, so the add/change/delete rules of its tables have no effect
          (they are kept).
        </p>
      )}

      <h3>Access</h3>
      {ruleKinds.map((kind) => (
        <RuleEditor
          key={kind}
          kind={kind}
          expression={ds[kind]}
          instances={ds.instances}
          defaultExpression={DEFAULT_INSTANCE_RULES[kind]}
          highlighted={highlightRule === kind}
          inactiveReason={
            kind === 'connect' && ds.instances === 'multi'
              ? 'Only members of an instance can open it; this rule is checked as well.'
              : undefined
          }
          onChange={(expression, coalesce) => setRule(kind, expression, coalesce)}
        />
      ))}

      {ds.instances === 'multi' && (
        <>
          <NumberSetting
            label="Most instances one person may start"
            value={ds.maxInstancesPerUser}
            onChange={(value) =>
              change(
                (draft) => {
                  const target = draft.datastores[datastore];
                  if (!target) return;
                  if (value === undefined) delete target.maxInstancesPerUser;
                  else target.maxInstancesPerUser = value;
                },
                { coalesce: 'maxInstances' },
              )
            }
          />
          <NumberSetting
            label="Delete instances unused for (days)"
            value={ds.deleteIdleAfterDays}
            onChange={(value) =>
              change(
                (draft) => {
                  const target = draft.datastores[datastore];
                  if (!target) return;
                  if (value === undefined) delete target.deleteIdleAfterDays;
                  else target.deleteIdleAfterDays = value;
                },
                { coalesce: 'idleDays' },
              )
            }
          />
        </>
      )}

      <h3>Tables</h3>
      <ul className="link-list">
        {Object.entries(ds.tables).map(([id, table]) => (
          <li key={id}>
            <button type="button" className="link" onClick={() => select({ kind: 'table', table: id })}>
              ▦ {id}
            </button>
            <span className="muted">{Object.keys(table.fields).length} fields</span>
          </li>
        ))}
      </ul>

      <div className="danger-zone">
        <button
          type="button"
          className="ghost danger"
          disabled={Object.keys(config.datastores).length < 2}
          title={
            Object.keys(config.datastores).length < 2
              ? 'A project keeps at least one datastore'
              : 'Delete this datastore'
          }
          onClick={() => {
            if (confirm(`Delete the datastore "${datastore}" and all its tables? You can undo this.`)) {
              change((draft) => deleteDatastore(draft, datastore));
            }
          }}
        >
          Delete datastore
        </button>
      </div>
    </div>
  );
};

/** A whole-number setting that may be left empty (no limit). */
const NumberSetting = ({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
}) => (
  <label className="field-row">
    <span>{label}</span>
    <input
      type="number"
      min={1}
      placeholder="no limit"
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))}
    />
  </label>
);
