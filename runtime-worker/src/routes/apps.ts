// Routes of apps: the list, config deploys and their versions, rollback, deleting an app, and minting its tokens.
import { errorBody, readTokenRequest } from '@datastore-designer/schema';
import { Hono } from 'hono';
import { answer, control, type AppEnv } from '../app-env.ts';
import { signUserToken } from '../auth.ts';
import { DIRECTORY_NAME } from '../app-directory.ts';
import { adminAuth } from '../middleware/admin-auth.ts';
import { jsonBody, SMALL_BODY_BYTES } from '../middleware/json-body.ts';
import { validIds } from '../middleware/valid-ids.ts';

const APP_TOKEN_TTL_SECONDS = 60 * 60;
const MAX_APP_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** The app routes, mounted at `/api/apps`; all of them are the admin's. */
export const appRoutes = new Hono<AppEnv>();

appRoutes.get('/', adminAuth(), async (c) => {
  const apps = await c.env.DIRECTORY.get(c.env.DIRECTORY.idFromName(DIRECTORY_NAME)).list();
  return c.json({ apps });
});

appRoutes.put(
  '/:app/config',
  validIds({ creates: true }),
  adminAuth(),
  jsonBody('maxConfigBytes', { config: true }),
  async (c) => {
    const ifMatch = c.req.header('if-match');
    const app = c.req.param('app');
    const result = await control(c.env, app).deploy(c.get('body'), {
      force: c.req.query('force') === 'true',
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    });
    return answer(c, result);
  },
);

appRoutes.get('/:app/config', validIds(), adminAuth(), async (c) =>
  answer(c, await control(c.env, c.req.param('app')).getConfig()),
);

appRoutes.get('/:app/config/versions', validIds(), adminAuth(), async (c) =>
  answer(c, await control(c.env, c.req.param('app')).listVersions()),
);

appRoutes.post('/:app/config/rollback', validIds(), adminAuth(), jsonBody(SMALL_BODY_BYTES), async (c) => {
  const version = (c.get('body') as { version?: unknown } | null)?.version;
  return answer(c, await control(c.env, c.req.param('app')).rollback(version));
});

appRoutes.delete('/:app', validIds(), adminAuth(), async (c) =>
  answer(c, await control(c.env, c.req.param('app')).deleteApp()),
);

appRoutes.post('/:app/tokens', validIds(), adminAuth(), jsonBody(SMALL_BODY_BYTES), async (c) => {
  const claims = readTokenRequest(c.get('body'));
  if (typeof claims === 'string') return c.json(errorBody('bad_request', claims), 400);
  const ttl = (c.get('body') as { ttlSeconds?: unknown }).ttlSeconds;
  if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl >= 1) || ttl > MAX_APP_TOKEN_TTL_SECONDS)) {
    return c.json(
      errorBody(
        'bad_request',
        `"ttlSeconds" must be a number of seconds between 1 and ${MAX_APP_TOKEN_TTL_SECONDS}.`,
      ),
      400,
    );
  }
  const app = c.req.param('app');
  // A token for an app that does not exist would open nothing: say so instead of minting it.
  if ((await control(c.env, app).liveVersion()) === undefined) {
    return c.json(errorBody('unknown_app', 'There is no such app: deploy its config first.'), 404);
  }
  const token = await signUserToken(c.env, claims, {
    app,
    ttlSeconds: typeof ttl === 'number' ? Math.floor(ttl) : APP_TOKEN_TTL_SECONDS,
  });
  return c.json({ token });
});
