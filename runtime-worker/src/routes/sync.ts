// The sync route: authorizes a WebSocket upgrade before any socket is accepted, then hands it to the instance.
import { errorBody, userFromClaims, type RuleUser } from '@datastore-designer/schema';
import { Hono } from 'hono';
import { control, type AppEnv } from '../app-env.ts';
import { bearerToken, verifyUserToken } from '../auth.ts';
import { CONNECT_HEADER, type ConnectFacts } from '../instance-facts.ts';
import { allowedOrigins } from '../middleware/allowed-origins.ts';
import { validIds } from '../middleware/valid-ids.ts';

/** The sync routes, mounted at `/sync`. */
export const syncRoutes = new Hono<AppEnv>();

// Browsers on allowed origins read why a socket was refused from the same URL without Upgrade.
// Not on the upgrade itself: WebSockets are not subject to CORS, and a 101's headers cannot be changed.
const cors = allowedOrigins();
syncRoutes.use((c, next) => (c.req.header('upgrade') ? next() : cors(c, next)));

syncRoutes.get('/:app/:ds/:instance', validIds(), async (c) => {
  const appId = c.req.param('app');
  const token = c.req.query('token') ?? bearerToken(c.req.header('authorization'));
  let user: RuleUser | undefined;
  let expiresAt = 0;
  if (token !== undefined && token !== '') {
    const check = await verifyUserToken(token, c.env, appId);
    if (!check.ok) return c.json(errorBody('invalid_token', check.error), 401);
    user = check.verified.user;
    expiresAt = check.verified.expiresAt;
  }
  const resolved = await control(c.env, appId).resolveInstance(
    c.req.param('ds'),
    c.req.param('instance'),
    { admin: false, ...(user ? { user } : {}) },
    'connect',
  );
  if (!('objectId' in resolved)) return c.json(resolved.body, resolved.status as 404);
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    return c.json(errorBody('upgrade_required', 'Allowed: connect with a WebSocket upgrade to sync.'), 426);
  }
  // Only who, until when and which facts: a config can be far larger than a request header may be.
  const connect: ConnectFacts = { ref: resolved.ref, user: user ?? userFromClaims({}), expiresAt };
  const headers = new Headers(c.req.raw.headers);
  headers.set(CONNECT_HEADER, JSON.stringify(connect));
  const stub = c.env.INSTANCE.get(c.env.INSTANCE.idFromString(resolved.objectId));
  return stub.fetch(new Request(c.req.raw.url, { headers }));
});

syncRoutes.all('*', (c) =>
  c.json(errorBody('unknown_route', 'A sync URL is /sync/<app>/<datastore>/<instance>.'), 404),
);
