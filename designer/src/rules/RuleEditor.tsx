// One rule: the point-and-click builder, the rule in plain words, and the advanced CEL editor (Monaco, lazy).
import { lazy, Suspense, useMemo, useState } from 'react';
import {
  checkRule,
  describeRule,
  type InstanceKind,
  type RuleKind,
  type TableConfig,
} from '@datastore-designer/schema';
import { celToChoice, choiceToCel, presetsFor, type RuleChoice } from '../model/rule-presets.ts';
import { ruleLabel } from '../model/problem-place.ts';
import './rules.css';

const CelEditor = lazy(() => import('./CelEditor.tsx').then((m) => ({ default: m.CelEditor })));

/** Props of a rule editor. */
export interface RuleEditorProps {
  kind: RuleKind;
  expression: string | undefined;
  /** The table a row rule belongs to: its fields are offered and checked. */
  table?: TableConfig;
  instances: InstanceKind;
  /** What an absent rule means, in words, for instance rules. */
  defaultExpression?: string;
  /** Set when the rule is kept but has no effect (read-only datastore, server-only table). */
  inactiveReason?: string;
  highlighted?: boolean;
  onChange: (expression: string | undefined, coalesce?: string) => void;
}

/** The role box: keeps what is typed (a space before the next word included) and saves it trimmed. */
const RoleInput = ({ role, onChange }: { role: string; onChange: (role: string) => void }) => {
  const [text, setText] = useState(role);
  // A role set elsewhere (undo, the CEL editor) replaces the text; the person's own typing does not.
  if (text.trim() !== role.trim()) setText(role);
  return (
    <input
      aria-label="Role"
      placeholder="role, e.g. admin"
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        onChange(event.target.value.trim());
      }}
      onBlur={() => setText(role)}
    />
  );
};

/** Edits one rule. */
export const RuleEditor = ({
  kind,
  expression,
  table,
  instances,
  defaultExpression,
  inactiveReason,
  highlighted,
  onChange,
}: RuleEditorProps) => {
  const creatorFields = useMemo(
    () =>
      Object.entries(table?.fields ?? {})
        .filter(([, f]) => f.auto === 'creator')
        .map(([id]) => id),
    [table],
  );
  const parsed = useMemo(() => celToChoice(expression, creatorFields), [expression, creatorFields]);
  // "Custom" is sticky while the person is on it, even if the text happens to match a preset.
  const [customOpen, setCustomOpen] = useState(parsed.preset === 'custom');
  if (parsed.preset === 'custom' && !customOpen) setCustomOpen(true);
  const options = presetsFor(kind, instances, creatorFields);
  // A rule that reads as a preset this kind does not offer (`true` as who can see rows) is shown as written.
  const offered = options.some((option) => option.id === parsed.preset);
  const choice: RuleChoice = customOpen || !offered ? { preset: 'custom' } : parsed;
  const fields = Object.keys(table?.fields ?? {});
  const stringFields = Object.entries(table?.fields ?? {})
    .filter(([, f]) => f.type === 'string')
    .map(([id]) => id);
  const problems = useMemo(
    () => (expression === undefined ? [] : checkRule(expression, kind, table)),
    [expression, kind, table],
  );
  const effective = expression ?? defaultExpression;
  const words =
    effective !== undefined
      ? describeRule(effective)
      : kind === 'read'
        ? 'Everyone who can open it sees every row.'
        : 'Nobody can — no rule is set yet.';

  const pick = (next: RuleChoice) => {
    if (next.preset === 'custom') {
      setCustomOpen(true);
      if (expression === undefined) onChange(defaultExpression ?? 'false');
      return;
    }
    setCustomOpen(false);
    const option = options.find((o) => o.id === next.preset);
    const filled: RuleChoice = {
      ...next,
      field:
        next.field ??
        (next.preset === 'creator' || next.preset === 'creatorOrRole' ? creatorFields[0] : undefined) ??
        stringFields[0] ??
        fields[0] ??
        'author',
      role: next.role ?? (option?.needs === 'role' ? 'admin' : undefined),
    };
    onChange(choiceToCel(filled, kind));
  };

  return (
    <div className={`rule${highlighted ? ' highlighted' : ''}`} data-rule={kind}>
      <div className="rule-head">
        <span className="rule-label">{ruleLabel(kind).replace(/^./, (c) => c.toUpperCase())}</span>
        {problems.length > 0 && <span className="rule-status bad">Needs fixing</span>}
      </div>
      <div className="rule-builder">
        <select
          aria-label={`Who: ${ruleLabel(kind)}`}
          value={choice.preset}
          onChange={(event) => pick({ preset: event.target.value as RuleChoice['preset'] })}
        >
          {options.map((option) => (
            <option key={option.id} value={option.id} disabled={option.unavailable}>
              {option.label}
            </option>
          ))}
        </select>
        {(choice.preset === 'rowUser' || choice.preset === 'rowTenant') && (
          <select
            aria-label="Field naming the user"
            value={choice.field}
            onChange={(event) => pick({ ...choice, field: event.target.value })}
          >
            {fields.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        )}
        {(choice.preset === 'role' || choice.preset === 'creatorOrRole') && (
          <RoleInput
            role={choice.role ?? ''}
            onChange={(role) => onChange(choiceToCel({ ...choice, role }, kind), `role-${kind}`)}
          />
        )}
      </div>
      <p className="rule-words" data-testid={`rule-words-${kind}`}>
        {words}
      </p>
      {inactiveReason && <p className="note">{inactiveReason}</p>}
      {choice.preset === 'custom' ? (
        <Suspense fallback={<div className="cel-loading">Opening the rule editor…</div>}>
          <CelEditor
            kind={kind}
            value={expression ?? ''}
            table={table}
            problems={problems}
            onChange={(text) => onChange(text, `cel-${kind}`)}
          />
        </Suspense>
      ) : (
        expression !== undefined && (
          <button
            type="button"
            className="cel-preview"
            title="Edit this rule as CEL"
            onClick={() => setCustomOpen(true)}
          >
            <code>{expression}</code>
            <span>Edit as CEL</span>
          </button>
        )
      )}
      {problems.map((problem, index) => (
        <p key={index} className="rule-problem" role="alert">
          {problem.message}
        </p>
      ))}
    </div>
  );
};
