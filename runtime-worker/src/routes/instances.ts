// Routes of a datastore's instances: create, list, delete, members and joining.
import { Hono } from 'hono';
import { answer, control, mountParam, type AppEnv } from '../app-env.ts';
import { jsonBody, SMALL_BODY_BYTES } from '../middleware/json-body.ts';
import { userAuth } from '../middleware/user-auth.ts';
import { validIds } from '../middleware/valid-ids.ts';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** The instance routes, mounted at `/api/apps/:app/datastores/:ds/instances`; for users and the admin. */
export const instanceRoutes = new Hono<AppEnv>();

instanceRoutes.post(
  '/',
  validIds(),
  userAuth(),
  async (c, next) => {
    // Only the admin sends a body (naming the owner); a user's body is not read.
    if (!c.get('requester').admin) return next();
    return jsonBody(SMALL_BODY_BYTES)(c, next);
  },
  async (c) => {
    const requester = c.get('requester');
    const owner = requester.admin ? (c.get('body') as { owner?: unknown } | null)?.owner : undefined;
    return answer(
      c,
      await control(c.env, mountParam(c, 'app')).createInstance(
        mountParam(c, 'ds'),
        requester,
        typeof owner === 'string' ? owner : undefined,
      ),
    );
  },
);

instanceRoutes.get('/', validIds(), userAuth(), async (c) => {
  const asked = Number.parseInt(c.req.query('limit') ?? '', 10);
  const limit = Number.isNaN(asked) ? DEFAULT_PAGE : Math.min(Math.max(asked, 1), MAX_PAGE);
  return answer(
    c,
    await control(c.env, mountParam(c, 'app')).listInstances(
      mountParam(c, 'ds'),
      c.get('requester'),
      limit,
      c.req.query('cursor'),
    ),
  );
});

instanceRoutes.delete('/:id', validIds(), userAuth(), async (c) =>
  answer(
    c,
    await control(c.env, mountParam(c, 'app')).deleteInstance(
      mountParam(c, 'ds'),
      c.req.param('id'),
      c.get('requester'),
    ),
  ),
);

instanceRoutes.post('/:id/members', validIds(), userAuth(), jsonBody(SMALL_BODY_BYTES), async (c) => {
  const userId = (c.get('body') as { userId?: unknown } | null)?.userId;
  return answer(
    c,
    await control(c.env, mountParam(c, 'app')).addMember(
      mountParam(c, 'ds'),
      c.req.param('id'),
      userId,
      c.get('requester'),
    ),
  );
});

instanceRoutes.delete('/:id/members/:userId', validIds(), userAuth(), async (c) =>
  answer(
    c,
    await control(c.env, mountParam(c, 'app')).removeMember(
      mountParam(c, 'ds'),
      c.req.param('id'),
      c.req.param('userId'),
      c.get('requester'),
    ),
  ),
);

instanceRoutes.post('/:id/join', validIds(), userAuth(), async (c) =>
  answer(
    c,
    await control(c.env, mountParam(c, 'app')).join(
      mountParam(c, 'ds'),
      c.req.param('id'),
      c.get('requester').user,
    ),
  ),
);
