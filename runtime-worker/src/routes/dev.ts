// The local-development route: tokens for anyone, only while DEV_MODE is "true".
import { errorBody, readTokenRequest } from '@datastore-designer/schema';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { signUserToken } from '../auth.ts';
import { jsonBody, SMALL_BODY_BYTES } from '../middleware/json-body.ts';

const DEV_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** The dev routes, mounted at `/api/dev`: 404 unless DEV_MODE is "true". */
export const devRoutes = new Hono<AppEnv>();

devRoutes.post(
  '/token',
  async (c, next) =>
    c.env.DEV_MODE === 'true' ? next() : c.json(errorBody('unknown_route', 'Not found.'), 404),
  jsonBody(SMALL_BODY_BYTES),
  async (c) => {
    const claims = readTokenRequest(c.get('body'));
    if (typeof claims === 'string') return c.json(errorBody('bad_request', claims), 400);
    return c.json({ token: await signUserToken(c.env, claims, { ttlSeconds: DEV_TOKEN_TTL_SECONDS }) });
  },
);
