// The whole judgement of a client's write: sync mode, server-only and unknown tables, values, who can see rows,
// the instance's size ceiling, then schema and rule. Pure, so the runtime and the preview judge alike.
import { autoChange } from './auto-fields.ts';
import { judgeRowChange, type CompiledDatastore, type CompiledTable } from './compile-config.ts';
import type { CellValue, Row, RowRuleKind } from './config-types.ts';
import { ownEntry } from './own-key.ts';
import type { RejectionRule } from './rejection-notice.ts';
import type { RuleInstance, RuleUser } from './rule-context.ts';

/** Who writes, where, when, and whether the instance still has room for new rows. */
export interface WriteContext {
  user: RuleUser;
  instance: RuleInstance;
  now: number;
  /** False once the instance is at its size ceiling: creates are refused (`limit`), updates and deletes are not. */
  roomForNewRows: boolean;
}

/**
 * The verdict on one row's incoming cells: what the change is, and either what the server adds (defaults, and the
 * `auto` cells it writes, undefined where it removes one) or why not. `autoOnly`: the change touched `auto` fields
 * only, so it was not judged; the sender is to get the stored cells back, and nothing is written.
 */
export type WriteVerdict =
  | {
      operation: RowRuleKind;
      allowed: true;
      defaults: Row;
      auto: Record<string, CellValue | undefined>;
      autoOnly: boolean;
    }
  | { operation: RowRuleKind; allowed: false; rule: RejectionRule; expression: string; reason: string };

/** Create when the row did not exist and does after, delete when no cell is left, update otherwise. */
export const writeOperation = (
  before: Row | undefined,
  incoming: Record<string, CellValue | undefined>,
): RowRuleKind => {
  const existed = before !== undefined && Object.keys(before).length > 0;
  // A cell is left where the change sets one, or where the row had one the change leaves alone.
  let exists = false;
  for (const cellId in incoming) {
    if (Object.hasOwn(incoming, cellId) && incoming[cellId] !== undefined) {
      exists = true;
      break;
    }
  }
  if (!exists && before !== undefined) {
    for (const cellId in before) {
      if (Object.hasOwn(before, cellId) && !Object.hasOwn(incoming, cellId) && before[cellId] !== undefined) {
        exists = true;
        break;
      }
    }
  }
  return exists ? (existed ? 'update' : 'create') : 'delete';
};

const refuse = (
  operation: RowRuleKind,
  rule: RejectionRule,
  reason: string,
  expression = '',
): WriteVerdict => ({
  operation,
  allowed: false,
  rule,
  expression,
  reason,
});

/** The one reason every write refused by who can see rows gives: it says nothing of the row or its content. */
export const READ_REFUSAL_REASON =
  'Who can see rows does not let you see this row, so you cannot add, change or delete it.';

/**
 * Who can see rows, as one step of the judgement: nobody creates, changes or deletes a row they cannot see, nor
 * creates one they could not see once created. The operation is judged as if a hidden row were absent, so the
 * refusal tells nothing of it either.
 */
export const readRefusal = (
  table: CompiledTable,
  before: Row | undefined,
  incoming: Record<string, CellValue | undefined>,
  context: WriteContext,
): WriteVerdict | undefined => {
  if (table.read === undefined) return undefined;
  const existed = before !== undefined && Object.keys(before).length > 0;
  if (existed && !table.mayRead(context.user, context.instance, before)) {
    const asCreate = autoChange(table.config, undefined, incoming, context.user.id, context.now);
    return refuse(asCreate.operation, 'read', READ_REFUSAL_REASON, table.read);
  }
  // The row a create leaves, as far as who can see it goes: the sent cells with the server-written ones.
  const change = autoChange(table.config, before, incoming, context.user.id, context.now);
  const created: Row = {};
  for (const [field, value] of Object.entries({ ...change.incoming, ...change.cells })) {
    if (value !== undefined) created[field] = value;
  }
  if (change.operation === 'create' && !table.mayRead(context.user, context.instance, created)) {
    return refuse(change.operation, 'read', READ_REFUSAL_REASON, table.read);
  }
  return undefined;
};

/**
 * Judges a client's change to one row of a datastore: unknown and server-only tables first, then the sync mode
 * (`serverToClient` makes every client read-only, whatever the rules say), then who can see rows, then schema
 * and rule, and last the size ceiling for creates the rule allowed. `auto` fields are set aside: the change is
 * classified and judged without them (`changed` never lists them), and one touching only them is not judged at all.
 */
export const judgeWrite = (
  datastore: CompiledDatastore,
  tableId: string,
  before: Row | undefined,
  incoming: Record<string, CellValue | undefined>,
  context: WriteContext,
): WriteVerdict => {
  const table = ownEntry(datastore.tables, tableId);
  if (table === undefined) {
    return refuse(
      writeOperation(before, incoming),
      'unknownTable',
      `There is no table "${tableId}" in this datastore.`,
    );
  }
  // What the change is, ignoring `auto` fields: needed here only to refuse it.
  const operation = () => autoChange(table.config, before, incoming, context.user.id, context.now).operation;
  if (table.serverOnly) {
    return refuse(
      operation(),
      'unknownTable',
      `The table "${tableId}" is server-only: clients cannot read or write it.`,
    );
  }
  if (datastore.config.sync === 'serverToClient') {
    return refuse(
      operation(),
      'readOnly',
      'This datastore syncs from the server to clients only: clients cannot change it.',
    );
  }
  // Who can see rows comes before the row's own rules, whose reasons could describe a hidden row.
  const unreadable = readRefusal(table, before, incoming, context);
  if (unreadable) return unreadable;
  const judgement = judgeRowChange(table, before, incoming, context);
  if (!judgement.allowed) {
    return refuse(judgement.operation, judgement.rule, judgement.reason, judgement.expression);
  }
  if (judgement.operation === 'create' && !judgement.autoOnly && !context.roomForNewRows) {
    return refuse(
      'create',
      'limit',
      'This instance is full: it holds as many rows as it can, so no new rows can be added. Delete rows to make room.',
    );
  }
  return {
    operation: judgement.operation,
    allowed: true,
    defaults: judgement.defaults,
    auto: judgement.auto,
    autoOnly: judgement.autoOnly,
  };
};

/** Values (the key-value part of a TinyBase store) are not part of a datastore: every client write is refused. */
export const judgeValueWrite = (valueId: string, existed: boolean): WriteVerdict =>
  refuse(
    existed ? 'update' : 'create',
    'values',
    `Values (like "${valueId}") are not part of this datastore: clients cannot write them.`,
  );
