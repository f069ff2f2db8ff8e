// Shared set-up for the client library's end-to-end tests: a test config, deploys, tokens and instances via the API.
import type { AppConfig } from '@datastore-designer/schema';
import { connect, type Connection, type ConnectOptions } from '@datastore-designer/preview';
import { WebSocket } from 'ws';
import type { Runtime } from '../../support/runtime.ts';

/** One config that covers every case the library tests need. */
export const testConfig: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true },
            author: { type: 'string', required: true },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: 'row.author == user.id',
            delete: 'row.author == user.id',
          },
        },
      },
    },
    news: {
      instances: 'single',
      sync: 'serverToClient',
      tables: { posts: { fields: { title: { type: 'string' } } } },
    },
    private: {
      instances: 'perUser',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: { text: { type: 'string' } },
          rules: { create: 'true', update: 'true', delete: 'true' },
        },
      },
    },
    staff: {
      instances: 'single',
      sync: 'twoWay',
      connect: "'admin' in user.roles",
      tables: { items: { fields: { name: { type: 'string' } }, rules: { create: 'true' } } },
    },
    game: {
      instances: 'multi',
      sync: 'twoWay',
      tables: { moves: { fields: { by: { type: 'string' } }, rules: { create: 'true', update: 'true' } } },
    },
  },
};

/** Calls the runtime's HTTP API as admin (or with a given bearer) and returns the JSON answer; throws on errors. */
export const api = async (
  runtime: Runtime,
  method: string,
  path: string,
  body?: unknown,
  bearer = runtime.adminToken,
): Promise<Record<string, unknown>> => {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
};

/** Deploys the config to an app (forced, so tests can redeploy freely). */
export const deploy = (runtime: Runtime, app: string, config: AppConfig = testConfig) =>
  api(runtime, 'PUT', `/api/apps/${app}/config?force=true`, config);

/** Mints a user token for the app through the admin-only token route. */
export const mintToken = async (
  runtime: Runtime,
  app: string,
  sub: string,
  extra: { roles?: string[]; tenant?: string } = {},
): Promise<string> =>
  (await api(runtime, 'POST', `/api/apps/${app}/tokens`, { sub, ...extra })).token as string;

/** Connects a Node client (ws, no local persistence unless given) to an instance of the test app. */
export const connectClient = (
  runtime: Runtime,
  options: Pick<ConnectOptions, 'app' | 'datastore' | 'instance' | 'token'> & Partial<ConnectOptions>,
): Promise<Connection> =>
  connect({
    url: runtime.url,
    WebSocket: WebSocket as unknown as ConnectOptions['WebSocket'],
    persister: false,
    config: testConfig,
    backoff: { initialMs: 100, maxMs: 1000 },
    ...options,
  });

/** Waits until `check` passes (it throws until then), or fails with its last error after `timeoutMs`. */
export const eventually = async (check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 25));
    }
  }
};

/** Sleeps; used only to show that something does NOT happen within a time. */
export const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
