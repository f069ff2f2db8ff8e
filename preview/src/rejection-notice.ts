// Reads the runtime's rejection notices out of raw TinyBase sync frames (format in the README, preview section).

/** Which kind of change a rejected write was. */
export type RejectedOperation = 'create' | 'update' | 'delete';

/** One write the runtime (or, for read-only datastores, this client) refused, and why. */
export interface Rejection {
  table: string;
  row: string;
  cells: string[];
  operation: RejectedOperation;
  /** The rule that denied: create, update, delete, schema, readOnly, values or unknownTable. */
  rule: string;
  /** The CEL expression of that rule, '' when the refusal did not come from a rule. */
  expression: string;
  /** Why, in plain words. */
  reason: string;
  /** True when this client refused the write itself before sending it (serverToClient datastores). */
  local: boolean;
  /** When the notice arrived, in milliseconds since the epoch. */
  at: number;
}

const OPERATIONS = new Set<string>(['create', 'update', 'delete']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The notice inside a Response body: a one-cell stamp `[{"rejected": [notice]}]` (the shape a plain TinyBase
 * 10.0.1 client accepts and ignores) or, as first specified, a bare `{"rejected": notice}`.
 */
const noticeOf = (body: unknown): Record<string, unknown> | undefined => {
  const holder = Array.isArray(body) ? body[0] : body;
  if (!isRecord(holder)) return undefined;
  const inner = Array.isArray(holder.rejected) ? holder.rejected[0] : holder.rejected;
  return isRecord(inner) ? inner : undefined;
};

/** Returns the rejection a frame carries, or undefined for every other frame (which TinyBase then handles). */
export const parseRejectionNotice = (frame: string): Rejection | undefined => {
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
  const notice = noticeOf(message[2]);
  if (!notice) return undefined;
  const operation = text(notice.operation);
  return {
    table: text(notice.table),
    row: text(notice.row),
    cells: Array.isArray(notice.cells) ? notice.cells.filter((cell) => typeof cell === 'string') : [],
    operation: OPERATIONS.has(operation) ? (operation as RejectedOperation) : 'update',
    rule: text(notice.rule),
    expression: text(notice.expression),
    reason: text(notice.reason),
    local: false,
    at: Date.now(),
  };
};
