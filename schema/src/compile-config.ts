// Turns a valid config into compiled rules per datastore and table, and judges row changes with them.
import type { AppConfig, CellValue, DatastoreConfig, Row, RowRuleKind, TableConfig } from './config-types.ts';
import { DEFAULT_INSTANCE_RULES } from './config-types.ts';
import {
  compileReadRule,
  compileRule,
  type CompiledRule,
  type RuleVerdict,
  type Visibility,
} from './rule-compiler.ts';
import type { RuleContext, RuleInstance, RuleUser } from './rule-context.ts';
import { autoChange, type IncomingCells } from './auto-fields.ts';
import { missingDefaults, type RowProblem, unknownFieldProblems, validateCells } from './row-validation.ts';

/** A table with its rules compiled. */
export interface CompiledTable {
  id: string;
  config: TableConfig;
  serverOnly: boolean;
  /** Runs the table's rule of that kind; an absent rule denies. */
  judge(kind: RowRuleKind, context: RuleContext): RuleVerdict;
  /** The table's `read` rule, or undefined when everyone who may open the instance sees it all. */
  read: string | undefined;
  /** Whether this person sees all of the table, none of it, or decides row by row (see mayRead). */
  visibility(user: RuleUser, instance: RuleInstance): Visibility;
  /** Whether this person sees this row (its stored cells). */
  mayRead(user: RuleUser, instance: RuleInstance, row: Row): boolean;
}

/** A datastore with its instance rules and tables compiled. */
export interface CompiledDatastore {
  id: string;
  config: DatastoreConfig;
  tables: Record<string, CompiledTable>;
  connect: CompiledRule;
  createInstance: CompiledRule;
  join: CompiledRule;
}

/** A whole app's config with every rule compiled. */
export interface CompiledApp {
  config: AppConfig;
  datastores: Record<string, CompiledDatastore>;
}

const VERBS: Record<RowRuleKind, string> = { create: 'add', update: 'change', delete: 'delete' };

const compileTable = (id: string, config: TableConfig): CompiledTable => {
  const rules: Partial<Record<RowRuleKind, CompiledRule>> = {};
  for (const kind of ['create', 'update', 'delete'] as const) {
    const expression = config.rules?.[kind];
    if (expression !== undefined) rules[kind] = compileRule(expression, kind, config);
  }
  const serverOnly = config.serverOnly === true;
  const read = config.rules?.read;
  const readRule = read === undefined ? undefined : compileReadRule(read, config);
  return {
    id,
    config,
    serverOnly,
    read,
    visibility: (user, instance) =>
      serverOnly ? 'none' : readRule ? readRule.visibility(user, instance) : 'all',
    mayRead: (user, instance, row) =>
      serverOnly ? false : readRule ? readRule.mayRead(user, instance, row) : true,
    judge: (kind, context) =>
      rules[kind]?.(context) ?? {
        allowed: false,
        rule: kind,
        expression: '',
        reason: `table "${id}" has no ${kind} rule, so nobody may ${VERBS[kind]} its rows`,
      },
  };
};

/** Compiles one datastore of a valid config: its instance rules and its tables. */
export const compileDatastore = (id: string, config: DatastoreConfig): CompiledDatastore => ({
  id,
  config,
  tables: Object.fromEntries(
    Object.entries(config.tables).map(([tableId, t]) => [tableId, compileTable(tableId, t)]),
  ),
  connect: compileRule(config.connect ?? DEFAULT_INSTANCE_RULES.connect, 'connect'),
  createInstance: compileRule(
    config.createInstance ?? DEFAULT_INSTANCE_RULES.createInstance,
    'createInstance',
  ),
  join: compileRule(config.join ?? DEFAULT_INSTANCE_RULES.join, 'join'),
});

/** Compiles every rule of a valid config (see validateConfig); throws on an invalid rule. */
export const compileConfig = (config: AppConfig): CompiledApp => ({
  config,
  datastores: Object.fromEntries(
    Object.entries(config.datastores).map(([id, ds]) => [id, compileDatastore(id, ds)]),
  ),
});

/** What a row change is, and whether it may happen (the rules' classification of create, update and delete). */
export interface RowJudgement {
  operation: RowRuleKind;
  allowed: boolean;
  /** The rule that decided, or 'schema' when the cells themselves were invalid. */
  rule: RowRuleKind | 'schema';
  expression: string;
  reason: string;
  problems: RowProblem[];
  /** The row after the change, defaults and the server's `auto` values filled in (empty on delete). */
  newRow: Row;
  /** Defaults the server must add to a created row. */
  defaults: Row;
  /** The `auto` cells the server writes with an accepted change (undefined: the cell is removed). */
  auto: IncomingCells;
  /** True when the change touched `auto` fields only: nothing was judged, and nothing is to be written. */
  autoOnly: boolean;
}

/**
 * Judges one row's incoming cells (undefined = cell deleted) against the stored row: sets `auto` fields aside
 * (the server writes them), classifies the change ignoring them, fills defaults on create, checks the cells
 * against the schema, then runs the table's rule, which sees the server's `auto` values in `newRow`.
 */
export const judgeRowChange = (
  table: CompiledTable,
  before: Row | undefined,
  incoming: Record<string, CellValue | undefined>,
  context: Omit<RuleContext, 'row' | 'newRow' | 'changed'>,
): RowJudgement => {
  const auto = autoChange(table.config, before, incoming, context.user.id, context.now);
  const { operation } = auto;
  const merged: Row = { ...before };
  for (const [field, value] of Object.entries({ ...auto.incoming, ...auto.cells })) {
    if (value === undefined) delete merged[field];
    else merged[field] = value;
  }
  const defaults = operation === 'create' ? missingDefaults(table.config, merged) : {};
  const newRow: Row = operation === 'delete' ? {} : { ...merged, ...defaults };
  const judged = (
    verdict: Pick<RowJudgement, 'allowed' | 'rule' | 'expression' | 'reason' | 'problems'>,
  ) => ({
    operation,
    ...verdict,
    newRow,
    defaults,
    auto: auto.cells,
    autoOnly: auto.autoOnly,
  });
  // Unknown fields first, among every incoming cell: a cell named like a built-in ("__proto__") must never slip
  // through the merge above.
  const unknown = unknownFieldProblems(table.config, incoming);
  if (auto.autoOnly && unknown.length === 0) {
    return judged({ allowed: true, rule: operation, expression: '', reason: '', problems: [] });
  }
  const problems =
    unknown.length > 0
      ? unknown
      : operation === 'create'
        ? validateCells(table.config, newRow, true)
        : operation === 'update'
          ? validateCells(table.config, auto.incoming, false)
          : [];
  if (problems.length > 0) {
    return judged({
      allowed: false,
      rule: 'schema',
      expression: '',
      reason: problems.map((problem) => problem.message).join(' '),
      problems,
    });
  }
  const verdict = table.judge(operation, {
    ...context,
    row: before ?? {},
    newRow,
    changed: Object.keys(auto.incoming),
  });
  return judged({
    allowed: verdict.allowed,
    rule: operation,
    expression: verdict.expression,
    reason: verdict.reason,
    problems,
  });
};
