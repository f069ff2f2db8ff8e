// CORS for the origins in ALLOWED_ORIGINS (and the runtime's own), read per request from the worker's variables.
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppContext, AppEnv } from '../app-env.ts';

/** The origins a browser may call the runtime from: ALLOWED_ORIGINS, comma-separated, and the runtime's own. */
const isAllowed = (origin: string, c: AppContext): boolean =>
  origin === new URL(c.req.url).origin ||
  (c.env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .includes(origin);

/** Answers preflights and adds CORS headers for allowed origins. */
export const allowedOrigins = (): MiddlewareHandler<AppEnv> =>
  cors({
    origin: (origin, c: AppContext) => (origin !== '' && isAllowed(origin, c) ? origin : null),
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match'],
    allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
