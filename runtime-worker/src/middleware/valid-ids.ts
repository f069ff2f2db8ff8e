// Refuses ids that cannot name an app or a datastore before any Durable Object is reached.
import { APP_ID_PATTERN, errorBody, ID_PATTERN } from '@datastore-designer/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

/**
 * Checks the `:app` and `:ds` parameters: 404 for an id nothing can have, except where the call would create the
 * app (`creates: true`, a deploy), where a bad id is bad input (400).
 */
export const validIds =
  (options: { creates?: boolean } = {}): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const app = c.req.param('app');
    const datastore = c.req.param('ds');
    if (app !== undefined && !APP_ID_PATTERN.test(app)) {
      if (options.creates) {
        return c.json(
          errorBody(
            'invalid_app_id',
            `"${app}" cannot be an app id: use 1 to 63 lowercase letters, digits and hyphens, starting with a letter.`,
          ),
          400,
        );
      }
      return c.json(errorBody('unknown_app', 'There is no such app.'), 404);
    }
    if (datastore !== undefined && !ID_PATTERN.test(datastore)) {
      return c.json(errorBody('unknown_datastore', 'There is no such datastore.'), 404);
    }
    await next();
  };
