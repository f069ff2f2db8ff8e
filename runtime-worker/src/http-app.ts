// The runtime's HTTP API and sync entry as one Hono app: the routes of each resource mounted under their paths.
import { errorBody } from '@datastore-designer/schema';
import { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import { allowedOrigins } from './middleware/allowed-origins.ts';
import { appRoutes } from './routes/apps.ts';
import { backupRoutes } from './routes/backups.ts';
import { dataRoutes } from './routes/data.ts';
import { devRoutes } from './routes/dev.ts';
import { instanceRoutes } from './routes/instances.ts';
import { syncRoutes } from './routes/sync.ts';

/** Builds the worker's Hono app. */
export const createHttpApp = () => {
  const app = new Hono<AppEnv>();
  app.use('/api/*', allowedOrigins());
  app.get('/api/health', (c) => c.json({ ok: true, now: Date.now() }));
  app.route('/api/dev', devRoutes);
  app.route('/api/apps', appRoutes);
  app.route('/api/apps/:app/datastores/:ds/instances', instanceRoutes);
  app.route('/api/apps/:app/datastores/:ds/instances/:id/backups', backupRoutes);
  app.route('/api/apps/:app/datastores/:ds/instances/:id', dataRoutes);
  app.route('/sync', syncRoutes);
  app.all('/api/*', (c) => c.json(errorBody('unknown_route', 'There is no such API route.'), 404));
  app.onError((error, c) => {
    console.error(error);
    return c.json(errorBody('internal_error', 'The runtime failed to handle this request.'), 500);
  });
  return app;
};
