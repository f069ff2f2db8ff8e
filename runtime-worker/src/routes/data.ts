// Routes of the server data API: an instance's snapshot, stats and rows, for the admin (rules bypassed).
import { Hono } from 'hono';
import { answer, control, mountParam, type AppContext, type AppEnv } from '../app-env.ts';
import type { FactsRef } from '../instance-facts.ts';
import type { DataAnswer, InstanceObject } from '../instance-object.ts';
import { adminAuth } from '../middleware/admin-auth.ts';
import { dataIds } from '../middleware/data-ids.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { validIds } from '../middleware/valid-ids.ts';

/** The data routes, mounted at `/api/apps/:app/datastores/:ds/instances/:id`; all of them are the admin's. */
export const dataRoutes = new Hono<AppEnv>();

/** Resolves the instance the route names, then runs one call on its object. */
const onInstance = async (
  c: AppContext,
  call: (stub: DurableObjectStub<InstanceObject>, ref: FactsRef) => Promise<DataAnswer>,
) => {
  const resolved = await control(c.env, mountParam(c, 'app')).resolveInstance(
    mountParam(c, 'ds'),
    mountParam(c, 'id'),
    { admin: true },
    'data',
  );
  if (!('objectId' in resolved)) return c.json(resolved.body, resolved.status as 404);
  const stub = c.env.INSTANCE.get(c.env.INSTANCE.idFromString(resolved.objectId));
  return answer(c, await call(stub, resolved.ref));
};

// Each route names its own guards: a mount-wide `use` would also catch the instance routes under this path.
const guards = [validIds(), adminAuth()] as const;

dataRoutes.get('/snapshot', ...guards, (c) => onInstance(c, (stub, facts) => stub.getSnapshot(facts)));

dataRoutes.put('/snapshot', ...guards, jsonBody('maxSnapshotBytes'), dataIds({ body: 'snapshot' }), (c) =>
  onInstance(c, (stub, facts) => stub.putSnapshot(facts, c.get('body'))),
);

dataRoutes.get('/stats', ...guards, (c) => onInstance(c, (stub, facts) => stub.getStats(facts)));

dataRoutes.get('/tables/:table/rows', ...guards, dataIds(), (c) =>
  onInstance(c, (stub, facts) => stub.getRows(facts, c.req.param('table'))),
);

dataRoutes.put(
  '/tables/:table/rows/:row',
  ...guards,
  jsonBody('maxMessageBytes'),
  dataIds({ body: 'row' }),
  (c) =>
    onInstance(c, (stub, facts) =>
      stub.putRow(facts, c.req.param('table'), c.req.param('row'), c.get('body')),
    ),
);

dataRoutes.delete('/tables/:table/rows/:row', ...guards, dataIds(), (c) =>
  onInstance(c, (stub, facts) => stub.deleteRow(facts, c.req.param('table'), c.req.param('row'))),
);
