// Refuses data API calls whose table, row or cell ids are longer than the runtime accepts (400 `id_too_long`) or
// hold half of a surrogate pair (400 `id_malformed`), before any Durable Object is reached, quoting the id shortened.
import { errorBody, idProblem, rowIdsProblem, type IdProblem } from '@datastore-designer/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The first id of a body that may not be used: a row's cells (`row`), or every table, row and cell of a snapshot. */
const bodyIdProblem = (kind: 'row' | 'snapshot', body: unknown): IdProblem | undefined => {
  if (kind === 'row') return isRecord(body) ? rowIdsProblem('', '', Object.keys(body)) : undefined;
  const tables: unknown = Array.isArray(body) ? body[0] : undefined;
  if (!isRecord(tables)) return undefined;
  for (const [tableId, rows] of Object.entries(tables)) {
    const tableProblem = idProblem('table', tableId);
    if (tableProblem !== undefined || !isRecord(rows)) return tableProblem;
    for (const [rowId, cells] of Object.entries(rows)) {
      const problem = rowIdsProblem(tableId, rowId, isRecord(cells) ? Object.keys(cells) : []);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
};

/**
 * Checks the `:table` and `:row` parameters and, with `body`, the ids in the JSON body read before it (a row's
 * cells or a snapshot's tables, rows and cells): a 400 for the first one that may not be used.
 */
export const dataIds =
  (options: { body?: 'row' | 'snapshot' } = {}): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const problem =
      idProblem('table', c.req.param('table') ?? '') ??
      idProblem('row', c.req.param('row') ?? '') ??
      (options.body === undefined ? undefined : bodyIdProblem(options.body, c.get('body')));
    if (problem !== undefined) return c.json(errorBody(problem.code, problem.message), 400);
    await next();
  };
