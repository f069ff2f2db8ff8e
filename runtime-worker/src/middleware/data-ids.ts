// Refuses data API calls whose table, row or cell ids are longer than the runtime accepts (400 `id_too_long`),
// before any Durable Object is reached, quoting the id shortened.
import { errorBody, idLengthProblem, rowIdsProblem } from '@datastore-designer/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The first too long id of a body: a row's cells (`row`), or every table, row and cell of a snapshot. */
const bodyIdProblem = (kind: 'row' | 'snapshot', body: unknown): string | undefined => {
  if (kind === 'row') return isRecord(body) ? rowIdsProblem('', '', Object.keys(body)) : undefined;
  const tables: unknown = Array.isArray(body) ? body[0] : undefined;
  if (!isRecord(tables)) return undefined;
  for (const [tableId, rows] of Object.entries(tables)) {
    const tableProblem = idLengthProblem('table', tableId);
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
 * cells or a snapshot's tables, rows and cells): 400 `id_too_long` for the first one that is too long.
 */
export const dataIds =
  (options: { body?: 'row' | 'snapshot' } = {}): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const problem =
      idLengthProblem('table', c.req.param('table') ?? '') ??
      idLengthProblem('row', c.req.param('row') ?? '') ??
      (options.body === undefined ? undefined : bodyIdProblem(options.body, c.get('body')));
    if (problem !== undefined) return c.json(errorBody('id_too_long', problem), 400);
    await next();
  };
