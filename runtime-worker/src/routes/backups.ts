// Routes of an instance's backups: list, take now, and restore one (admin only; 501 without a BACKUPS bucket).
import { errorBody } from '@datastore-designer/schema';
import { Hono } from 'hono';
import { answer, control, mountParam, type AppContext, type AppEnv } from '../app-env.ts';
import type { FactsRef } from '../instance-facts.ts';
import type { DataAnswer, InstanceObject } from '../instance-object.ts';
import { adminAuth } from '../middleware/admin-auth.ts';
import { validIds } from '../middleware/valid-ids.ts';

/** The backup routes, mounted at `/api/apps/:app/datastores/:ds/instances/:id/backups`. */
export const backupRoutes = new Hono<AppEnv>();

const onInstance = async (
  c: AppContext,
  call: (stub: DurableObjectStub<InstanceObject>, ref: FactsRef) => Promise<DataAnswer>,
) => {
  if (!(c.env as Partial<Env>).BACKUPS) {
    return c.json(
      errorBody('backups_unavailable', 'This runtime keeps no backups: it has no BACKUPS bucket bound.'),
      501,
    );
  }
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

const guards = [validIds(), adminAuth()] as const;

backupRoutes.get('/', ...guards, (c) => onInstance(c, (stub) => stub.listBackups()));

backupRoutes.post('/', ...guards, (c) => onInstance(c, (stub) => stub.takeBackup()));

backupRoutes.post('/:backup/restore', ...guards, (c) =>
  onInstance(c, (stub, ref) => stub.restoreBackup(ref, c.req.param('backup'))),
);
