// Which ids a client or the data API may name (tables, rows, cells): how long, and whole text; and how a too long
// one is quoted back: never in full, so a megabyte of id costs its sender, not every notice and log line naming it.

/** The longest table or cell id: what a config's id pattern allows, so a longer one can name nothing. */
export const MAX_NAME_ID_LENGTH = 64;

/** The longest row id, in characters (UTF-16 code units): room for keys made of user ids, paths or hashes. */
export const MAX_ROW_ID_LENGTH = 512;

/** Which kind of id a limit is about. */
export type IdKind = 'table' | 'row' | 'cell';

const LIMITS: Record<IdKind, number> = {
  table: MAX_NAME_ID_LENGTH,
  row: MAX_ROW_ID_LENGTH,
  cell: MAX_NAME_ID_LENGTH,
};

const QUOTED_CHARS = 32;

/** An id as messages quote it: in full when short, else its start, an ellipsis and its length. */
export const shortId = (id: string): string =>
  id.length <= QUOTED_CHARS + 8 ? id : `${id.slice(0, QUOTED_CHARS)}… (${id.length} characters)`;

/** What is wrong with an id that is too long for its kind, in plain words; undefined when it fits. */
export const idLengthProblem = (kind: IdKind, id: string): string | undefined => {
  const limit = LIMITS[kind];
  if (id.length <= limit) return undefined;
  return `The ${kind} id "${shortId(id)}" is too long: ${kind} ids may have at most ${limit} characters. Use a shorter id.`;
};

// Half of a surrogate pair standing alone (with the `u` flag, a whole pair is one character and does not match).
// It is not text: SQLite keeps a replacement character in its place, so the id would come back from storage as
// another one and every copy would disagree with the server's for ever.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** What is wrong with an id holding half of a surrogate pair, in plain words; undefined when it is whole text. */
export const idTextProblem = (kind: IdKind, id: string): string | undefined =>
  LONE_SURROGATE.test(id)
    ? `The ${kind} id "${shortId(id)}" holds a broken character (half of a surrogate pair), which cannot be stored. Use an id of plain text.`
    : undefined;

/** A problem with an id, with the error code the data API answers it with. */
export interface IdProblem {
  code: 'id_too_long' | 'id_malformed';
  message: string;
}

/** What is wrong with one id (too long, then not whole text), or undefined when it may be used. */
export const idProblem = (kind: IdKind, id: string): IdProblem | undefined => {
  const long = idLengthProblem(kind, id);
  if (long !== undefined) return { code: 'id_too_long', message: long };
  const broken = idTextProblem(kind, id);
  return broken === undefined ? undefined : { code: 'id_malformed', message: broken };
};

/** The first problem among a row's ids (table, row, then each cell), or undefined when all may be used. */
export const rowIdsProblem = (
  tableId: string,
  rowId: string,
  cellIds: Iterable<string>,
): IdProblem | undefined => {
  const problem = idProblem('table', tableId) ?? idProblem('row', rowId);
  if (problem !== undefined) return problem;
  for (const cellId of cellIds) {
    const cellProblem = idProblem('cell', cellId);
    if (cellProblem !== undefined) return cellProblem;
  }
  return undefined;
};
