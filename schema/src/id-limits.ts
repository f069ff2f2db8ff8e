// How long the ids a client or the data API names may be (tables, rows, cells), and how a too long one is quoted
// back: never in full, so a megabyte of id costs its sender, not every notice and log line that mentions it.

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

/** The first problem among a row's ids (table, row, then each cell), or undefined when all fit. */
export const rowIdsProblem = (
  tableId: string,
  rowId: string,
  cellIds: Iterable<string>,
): string | undefined => {
  const problem = idLengthProblem('table', tableId) ?? idLengthProblem('row', rowId);
  if (problem !== undefined) return problem;
  for (const cellId of cellIds) {
    const cellProblem = idLengthProblem('cell', cellId);
    if (cellProblem !== undefined) return cellProblem;
  }
  return undefined;
};
