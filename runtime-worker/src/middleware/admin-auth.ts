// Lets only the admin bearer token through: a valid user token is 403 (known, not allowed), anything else 401.
import { errorBody } from '@datastore-designer/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { bearerToken, isAdminToken, verifyUserToken } from '../auth.ts';

/** Admits the admin token only, and records the caller as the admin. */
export const adminAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (!isAdminToken(token, c.env)) {
    const error = 'This call needs the admin token: Authorization: Bearer <ADMIN_TOKEN>.';
    const user = token === undefined ? undefined : await verifyUserToken(token, c.env, c.req.param('app'));
    return c.json(errorBody('admin_required', error), user?.ok ? 403 : 401);
  }
  c.set('requester', { admin: true });
  await next();
};
