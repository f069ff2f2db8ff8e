// Reads a JSON body within a byte limit before the handler runs: 413 when larger, 400 when not JSON or too deep.
import { errorBody, jsonDepthProblem, parseConfigText } from '@datastore-designer/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { limitsFrom, type Limits } from '../settings.ts';

/** How large a body may be: a number of bytes, or one of the runtime's limits (read from its variables). */
export type BodyLimit = number | keyof Limits;

/** The limit of small bodies (tokens, members, rollbacks). */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * Reads the body as JSON into `body`. For a config (`config: true`) a body that is not JSON is answered like any
 * other invalid config: a 400 whose `errors` holds one problem at path ''.
 */
export const jsonBody =
  (limit: BodyLimit, options: { config?: boolean } = {}): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const maxBytes = typeof limit === 'number' ? limit : limitsFrom(c.env)[limit];
    const tooLarge = () => c.json(errorBody('too_large', `The body is larger than ${maxBytes} bytes.`), 413);
    if (Number(c.req.header('content-length') ?? '0') > maxBytes) return tooLarge();
    const text = await c.req.text();
    if (new TextEncoder().encode(text).length > maxBytes) return tooLarge();
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      if (options.config) {
        return c.json(
          errorBody('invalid_json', 'The config is not valid JSON.', {
            errors: parseConfigText(text).errors,
          }),
          400,
        );
      }
      return c.json(errorBody('invalid_json', 'The body is not valid JSON.'), 400);
    }
    // Bounded here, before anything walks the value: thousands of levels would overflow the stack (a 500).
    const tooDeep = jsonDepthProblem(body);
    if (tooDeep) {
      return c.json(errorBody('too_deep', tooDeep.message, { path: tooDeep.path, errors: [tooDeep] }), 400);
    }
    c.set('body', body);
    await next();
  };
