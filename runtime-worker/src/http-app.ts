// The runtime's HTTP API (CONTRACT.md §3) and sync entry (§4) as a Hono app; objects do the work.
import { APP_ID_PATTERN, ID_PATTERN, parseConfigText, type RuleUser } from '@datastore-designer/schema';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import {
  bearerToken,
  isAdminToken,
  readTokenClaims,
  signUserToken,
  verifyUserToken,
  type VerifiedUser,
} from './auth.ts';
import { DIRECTORY_NAME, type ControlAnswer, type Requester } from './control-object.ts';
import { CONNECT_HEADER, type ConnectFacts, type InstanceFacts } from './instance-facts.ts';
import type { DataAnswer } from './instance-object.ts';
import { limitsFrom } from './settings.ts';

type Variables = { requester: Requester; verified?: VerifiedUser };
type AppEnv = { Bindings: Env; Variables: Variables };
type AppContext = Context<AppEnv>;

const DEV_TOKEN_TTL_SECONDS = 24 * 60 * 60;
const APP_TOKEN_TTL_SECONDS = 60 * 60;
const MAX_APP_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

const answer = (c: AppContext, result: ControlAnswer | DataAnswer) =>
  c.json(result.body as object, result.status as 200);

const control = (env: Env, app: string) => env.CONTROL.get(env.CONTROL.idFromName(app));

/**
 * Reads a JSON body within a byte limit; answers the error response when it is too large or not JSON (for a
 * config, as a problem at path '' like every other config problem, so `errors` is always there on a 400).
 */
const readJson = async (
  c: AppContext,
  maxBytes: number,
  options: { config?: boolean } = {},
): Promise<{ value: unknown } | Response> => {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) return c.json({ error: `The body is larger than ${maxBytes} bytes.` }, 413);
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > maxBytes) {
    return c.json({ error: `The body is larger than ${maxBytes} bytes.` }, 413);
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    if (options.config) {
      return c.json({ error: 'The config is not valid JSON.', errors: parseConfigText(text).errors }, 400);
    }
    return c.json({ error: 'The body is not valid JSON.' }, 400);
  }
};

/** Only the admin bearer token passes; a valid user token is 403 (known, not allowed), anything else 401. */
export const adminOnly = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (!isAdminToken(token, c.env)) {
    const error = 'This call needs the admin token: Authorization: Bearer <ADMIN_TOKEN>.';
    const user = token === undefined ? undefined : await verifyUserToken(token, c.env, c.req.param('app'));
    return c.json({ error }, user?.ok ? 403 : 401);
  }
  c.set('requester', { admin: true });
  await next();
};

/** The admin token or a valid user token for this app passes; the caller is kept as `requester`. */
export const userOrAdmin = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c.req.header('authorization'));
  if (isAdminToken(token, c.env)) {
    c.set('requester', { admin: true });
    return next();
  }
  if (token === undefined) return c.json({ error: 'Sign in: send Authorization: Bearer <user token>.' }, 401);
  const check = await verifyUserToken(token, c.env, c.req.param('app'));
  if (!check.ok) return c.json({ error: check.error }, 401);
  c.set('requester', { admin: false, user: check.verified.user });
  c.set('verified', check.verified);
  await next();
};

/**
 * Refuses ids that cannot name an app or a datastore before any object is reached: 404, except a deploy, which
 * would create the app, so a bad id there is bad input (400).
 */
const validIds = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const app = c.req.param('app');
  const datastore = c.req.param('ds');
  if (app !== undefined && !APP_ID_PATTERN.test(app)) {
    if (c.req.method === 'PUT' && /^\/api\/apps\/[^/]+\/config$/.test(c.req.path)) {
      return c.json(
        {
          error: `"${app}" cannot be an app id: use 1 to 63 lowercase letters, digits and hyphens, starting with a letter.`,
          code: 'invalid_app_id',
        },
        400,
      );
    }
    return c.json({ error: 'There is no such app.', code: 'unknown_app' }, 404);
  }
  if (datastore !== undefined && !ID_PATTERN.test(datastore)) {
    return c.json({ error: 'There is no such datastore.', code: 'unknown_datastore' }, 404);
  }
  await next();
};

/** Builds the worker's Hono app. */
export const createHttpApp = () => {
  const app = new Hono<AppEnv>();

  const corsFor = () =>
    cors({
      origin: (origin, c: AppContext) => {
        const allowed = (c.env.ALLOWED_ORIGINS ?? '')
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean);
        return origin === new URL(c.req.url).origin || allowed.includes(origin) ? origin : null;
      },
      allowHeaders: ['Authorization', 'Content-Type', 'If-Match'],
      allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
      maxAge: 600,
    });
  app.use('/api/*', corsFor());
  // Browsers on allowed origins read why a socket was refused from the same URL without Upgrade.
  // Not on the upgrade itself: WebSockets are not subject to CORS, and a 101's headers cannot be changed.
  const syncCors = corsFor();
  app.use('/sync/*', (c, next) => (c.req.header('upgrade') ? next() : syncCors(c, next)));
  app.use('/api/apps/:app/*', validIds());
  app.use('/api/apps/:app/datastores/:ds/*', validIds());
  app.use('/sync/:app/:ds/*', validIds());

  app.get('/api/health', (c) => c.json({ ok: true, now: Date.now() }));

  app.post('/api/dev/token', async (c) => {
    if (c.env.DEV_MODE !== 'true') return c.json({ error: 'Not found.' }, 404);
    const body = await readJson(c, 64 * 1024);
    if (body instanceof Response) return body;
    const claims = readTokenClaims(body.value);
    if (typeof claims === 'string') return c.json({ error: claims }, 400);
    return c.json({ token: await signUserToken(c.env, claims, { ttlSeconds: DEV_TOKEN_TTL_SECONDS }) });
  });

  app.get('/api/apps', adminOnly(), async (c) => {
    const apps = await c.env.CONTROL.get(c.env.CONTROL.idFromName(DIRECTORY_NAME)).directoryList();
    return c.json({ apps });
  });

  app.put('/api/apps/:app/config', adminOnly(), async (c) => {
    const body = await readJson(c, limitsFrom(c.env as never).maxConfigBytes, { config: true });
    if (body instanceof Response) return body;
    const ifMatch = c.req.header('if-match');
    const result = await control(c.env, c.req.param('app')).deploy(c.req.param('app'), body.value, {
      force: c.req.query('force') === 'true',
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    });
    return answer(c, result);
  });
  app.get('/api/apps/:app/config', adminOnly(), async (c) =>
    answer(c, await control(c.env, c.req.param('app')).getConfig()),
  );
  app.get('/api/apps/:app/config/versions', adminOnly(), async (c) =>
    answer(c, await control(c.env, c.req.param('app')).listVersions()),
  );
  app.post('/api/apps/:app/config/rollback', adminOnly(), async (c) => {
    const body = await readJson(c, 64 * 1024);
    if (body instanceof Response) return body;
    const version = (body.value as { version?: unknown } | null)?.version;
    return answer(c, await control(c.env, c.req.param('app')).rollback(c.req.param('app'), version));
  });
  app.delete('/api/apps/:app', adminOnly(), async (c) =>
    answer(c, await control(c.env, c.req.param('app')).deleteApp(c.req.param('app'))),
  );

  app.post('/api/apps/:app/tokens', adminOnly(), async (c) => {
    const body = await readJson(c, 64 * 1024);
    if (body instanceof Response) return body;
    const claims = readTokenClaims(body.value);
    if (typeof claims === 'string') return c.json({ error: claims }, 400);
    const ttl = (body.value as { ttlSeconds?: unknown }).ttlSeconds;
    if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl >= 1) || ttl > MAX_APP_TOKEN_TTL_SECONDS)) {
      return c.json(
        { error: `"ttlSeconds" must be a number of seconds between 1 and ${MAX_APP_TOKEN_TTL_SECONDS}.` },
        400,
      );
    }
    const token = await signUserToken(c.env, claims, {
      app: c.req.param('app'),
      ttlSeconds: typeof ttl === 'number' ? Math.floor(ttl) : APP_TOKEN_TTL_SECONDS,
    });
    return c.json({ token });
  });

  const instances = '/api/apps/:app/datastores/:ds/instances';
  app.post(instances, userOrAdmin(), async (c) => {
    const requester = c.get('requester');
    let owner: string | undefined;
    if (requester.admin) {
      const body = await readJson(c, 64 * 1024);
      if (body instanceof Response) return body;
      owner = (body.value as { owner?: string } | null)?.owner;
    }
    return answer(
      c,
      await control(c.env, c.req.param('app')).createInstance(c.req.param('ds'), requester, owner),
    );
  });
  app.get(instances, userOrAdmin(), async (c) => {
    const asked = Number.parseInt(c.req.query('limit') ?? '', 10);
    const limit = Number.isNaN(asked) ? 100 : Math.min(Math.max(asked, 1), 1000);
    return answer(
      c,
      await control(c.env, c.req.param('app')).listInstances(
        c.req.param('ds'),
        c.get('requester'),
        limit,
        c.req.query('cursor'),
      ),
    );
  });
  app.delete(`${instances}/:id`, userOrAdmin(), async (c) =>
    answer(
      c,
      await control(c.env, c.req.param('app')).deleteInstance(
        c.req.param('ds'),
        c.req.param('id'),
        c.get('requester'),
      ),
    ),
  );
  app.post(`${instances}/:id/members`, userOrAdmin(), async (c) => {
    const body = await readJson(c, 64 * 1024);
    if (body instanceof Response) return body;
    const userId = (body.value as { userId?: unknown } | null)?.userId;
    return answer(
      c,
      await control(c.env, c.req.param('app')).addMember(
        c.req.param('ds'),
        c.req.param('id'),
        userId,
        c.get('requester'),
      ),
    );
  });
  app.delete(`${instances}/:id/members/:userId`, userOrAdmin(), async (c) =>
    answer(
      c,
      await control(c.env, c.req.param('app')).removeMember(
        c.req.param('ds'),
        c.req.param('id'),
        c.req.param('userId'),
        c.get('requester'),
      ),
    ),
  );
  app.post(`${instances}/:id/join`, userOrAdmin(), async (c) => {
    const user = c.get('requester').user;
    if (!user) return c.json({ error: 'Joining needs a user token: the admin adds members instead.' }, 400);
    return answer(
      c,
      await control(c.env, c.req.param('app')).join(c.req.param('ds'), c.req.param('id'), user),
    );
  });

  /** Resolves an instance for the admin data API, then runs one call on its object. */
  const onInstance = async (
    c: AppContext,
    call: (
      stub: DurableObjectStub<import('./instance-object.ts').InstanceObject>,
      facts: InstanceFacts,
    ) => Promise<DataAnswer>,
  ) => {
    const resolved = await control(c.env, c.req.param('app') ?? '').resolveInstance(
      c.req.param('ds') ?? '',
      c.req.param('id') ?? '',
      { admin: true },
      'data',
    );
    if (!('objectId' in resolved)) return c.json(resolved.body, resolved.status as 404);
    const stub = c.env.INSTANCE.get(c.env.INSTANCE.idFromString(resolved.objectId));
    return answer(c, await call(stub, resolved.facts));
  };
  const instance = `${instances}/:id`;
  app.get(`${instance}/snapshot`, adminOnly(), (c) =>
    onInstance(c, (stub, facts) => stub.getSnapshot(facts)),
  );
  app.put(`${instance}/snapshot`, adminOnly(), async (c) => {
    const body = await readJson(c, limitsFrom(c.env as never).maxSnapshotBytes);
    if (body instanceof Response) return body;
    return onInstance(c, (stub, facts) => stub.putSnapshot(facts, body.value));
  });
  app.get(`${instance}/stats`, adminOnly(), (c) => onInstance(c, (stub, facts) => stub.getStats(facts)));
  app.get(`${instance}/tables/:table/rows`, adminOnly(), (c) =>
    onInstance(c, (stub, facts) => stub.getRows(facts, c.req.param('table'))),
  );
  app.put(`${instance}/tables/:table/rows/:row`, adminOnly(), async (c) => {
    const body = await readJson(c, limitsFrom(c.env as never).maxMessageBytes);
    if (body instanceof Response) return body;
    return onInstance(c, (stub, facts) =>
      stub.putRow(facts, c.req.param('table'), c.req.param('row'), body.value),
    );
  });
  app.delete(`${instance}/tables/:table/rows/:row`, adminOnly(), (c) =>
    onInstance(c, (stub, facts) => stub.deleteRow(facts, c.req.param('table'), c.req.param('row'))),
  );

  app.get('/sync/:app/:ds/:instance', async (c) => {
    const appId = c.req.param('app');
    const token = c.req.query('token') ?? bearerToken(c.req.header('authorization'));
    let user: RuleUser | undefined;
    let expiresAt = 0;
    if (token !== undefined && token !== '') {
      const check = await verifyUserToken(token, c.env, appId);
      if (!check.ok) return c.json({ error: check.error, code: 'invalid_token' }, 401);
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
      return c.json(
        { error: 'Allowed: connect with a WebSocket upgrade to sync.', code: 'upgrade_required' },
        426,
      );
    }
    const connect: ConnectFacts = {
      facts: resolved.facts,
      user: user ?? { id: '', roles: [], tenant: '' },
      expiresAt,
    };
    const headers = new Headers(c.req.raw.headers);
    headers.set(CONNECT_HEADER, JSON.stringify(connect));
    const stub = c.env.INSTANCE.get(c.env.INSTANCE.idFromString(resolved.objectId));
    return stub.fetch(new Request(c.req.raw.url, { headers }));
  });

  app.all('/api/*', (c) => c.json({ error: 'There is no such API route.' }, 404));
  app.all('/sync/*', (c) =>
    c.json({ error: 'A sync URL is /sync/<app>/<datastore>/<instance>.', code: 'unknown_route' }, 404),
  );
  app.onError((error, c) => {
    console.error(error);
    return c.json({ error: 'The runtime failed to handle this request.' }, 500);
  });
  return app;
};
