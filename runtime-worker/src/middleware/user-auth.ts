// Lets the admin token or a valid user token for the app through, and keeps who is calling.
import { errorBody } from '@datastore-designer/schema';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { bearerToken, isAdminToken, verifyUserToken } from '../auth.ts';

/** Admits the admin or a user whose token is valid for this app (401 otherwise); the caller is `requester`. */
export const userAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (isAdminToken(token, c.env)) {
    c.set('requester', { admin: true });
    return next();
  }
  if (token === undefined) {
    return c.json(errorBody('token_required', 'Sign in: send Authorization: Bearer <user token>.'), 401);
  }
  const check = await verifyUserToken(token, c.env, c.req.param('app'));
  if (!check.ok) return c.json(errorBody('invalid_token', check.error), 401);
  c.set('requester', { admin: false, user: check.verified.user });
  c.set('verified', check.verified);
  await next();
};
