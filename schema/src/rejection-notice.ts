// The rejection notice: the frame the runtime sends a writer whose change it refused, written and read here.

/** Which kind of change a refused write was. */
export type RejectedOperation = 'create' | 'update' | 'delete';

/** Every rule kind a notice can name, with when it is sent. */
export const REJECTION_RULES = {
  create: 'The table’s create rule denied a new row.',
  update: 'The table’s update rule denied a change to a row.',
  delete: 'The table’s delete rule denied removing a row.',
  read: 'The row is one this user cannot see, or could not see after the change.',
  schema: 'The cells do not fit the table’s fields, or carry a malformed or future time stamp.',
  readOnly: 'The datastore syncs from the server to clients only.',
  values: 'A write to TinyBase Values, which datastores do not have.',
  unknownTable: 'The table does not exist, or is server-only.',
  limit: 'The instance is at its size ceiling and takes no new rows.',
} as const;

/** The rule a refusal names. */
export type RejectionRule = keyof typeof REJECTION_RULES;

/** One refused write as the notice carries it: where, what, which rule and why. */
export interface RejectionNotice {
  table: string;
  row: string;
  cells: string[];
  operation: RejectedOperation;
  rule: RejectionRule;
  /** The CEL expression of the rule that denied, '' when the refusal did not come from a rule. */
  expression: string;
  /** Why, in plain words. */
  reason: string;
}

const OPERATIONS: ReadonlySet<string> = new Set<RejectedOperation>(['create', 'update', 'delete']);

/** The peer id the runtime's frames come from. */
const SERVER_PEER_ID = 'S';

/**
 * Writes a notice as a TinyBase Response frame (type 0) whose request id matches no pending request. TinyBase
 * 10.0.1's client validates every Response body and closes the socket (1007) on a bare object, so the notice
 * travels as a one-cell stamp, `[{"rejected": [notice]}]`, which it accepts (cells may be objects) and ignores.
 */
export const encodeRejectionNotice = (requestId: string, notice: RejectionNotice): string =>
  `${SERVER_PEER_ID}\n${JSON.stringify([requestId, 0, [{ rejected: [notice] }]])}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Reads the notice a frame carries, or answers undefined for every other frame (ordinary sync traffic). */
export const decodeRejectionNotice = (frame: string): RejectionNotice | undefined => {
  // Cheap test first: almost every frame is ordinary sync traffic.
  if (!frame.includes('"rejected"')) return undefined;
  const newline = frame.indexOf('\n');
  if (newline === -1) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(frame.slice(newline + 1));
  } catch {
    return undefined;
  }
  if (!Array.isArray(message) || message.length !== 3 || message[1] !== 0) return undefined;
  const holder: unknown = Array.isArray(message[2]) ? message[2][0] : undefined;
  const inner: unknown = isRecord(holder) && Array.isArray(holder.rejected) ? holder.rejected[0] : undefined;
  if (!isRecord(inner)) return undefined;
  const operation = text(inner.operation);
  const rule = text(inner.rule);
  return {
    table: text(inner.table),
    row: text(inner.row),
    cells: Array.isArray(inner.cells) ? inner.cells.filter((cell) => typeof cell === 'string') : [],
    operation: OPERATIONS.has(operation) ? (operation as RejectedOperation) : 'update',
    rule: Object.hasOwn(REJECTION_RULES, rule) ? (rule as RejectionRule) : 'schema',
    expression: text(inner.expression),
    reason: text(inner.reason),
  };
};
