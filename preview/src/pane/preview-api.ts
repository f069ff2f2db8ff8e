// The runtime calls the preview makes: deploy the draft, reset its data, mint tokens, manage multi instances.
import type { AppConfig, ConfigProblem, TokenRequest } from '@datastore-designer/schema';

/** Where the runtime is and the admin token the designer holds for it. */
export interface PreviewRuntime {
  url: string;
  adminToken: string;
}

/** A failed runtime call, with the HTTP status and the runtime's words. */
export class PreviewApiError extends Error {
  readonly status: number;
  readonly problems: ConfigProblem[];
  constructor(message: string, status: number, problems: ConfigProblem[] = []) {
    super(message);
    this.status = status;
    this.problems = problems;
  }
}

/** The preview app id for an app: `<app>-preview`, cut so the whole id stays within 63 characters. */
export const previewAppId = (app: string): string => `${app.slice(0, 63 - '-preview'.length)}-preview`;

const call = async (
  runtime: PreviewRuntime,
  method: string,
  path: string,
  body?: unknown,
  bearer = runtime.adminToken,
): Promise<Record<string, unknown>> => {
  let response: Response;
  try {
    response = await fetch(`${runtime.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new PreviewApiError(`The runtime at ${runtime.url} cannot be reached. Is it running?`, 0);
  }
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { error: text };
  }
  if (!response.ok) {
    const problems = Array.isArray(json.errors) ? (json.errors as ConfigProblem[]) : [];
    const message =
      typeof json.error === 'string'
        ? json.error
        : (problems[0]?.message ?? `The runtime answered ${response.status} to ${method} ${path}.`);
    throw new PreviewApiError(message, response.status, problems);
  }
  return json;
};

const instancesPath = (app: string, datastore: string) =>
  `/api/apps/${encodeURIComponent(app)}/datastores/${encodeURIComponent(datastore)}/instances`;

/** Deploys the draft to the preview app, even when the change is destructive (preview data is disposable). */
export const deployPreview = async (
  runtime: PreviewRuntime,
  app: string,
  config: AppConfig,
): Promise<number> =>
  (await call(runtime, 'PUT', `/api/apps/${encodeURIComponent(app)}/config?force=true`, config))
    .version as number;

/** Deletes the preview app with all its data; the caller deploys again. */
export const deletePreviewApp = async (runtime: PreviewRuntime, app: string): Promise<void> => {
  try {
    await call(runtime, 'DELETE', `/api/apps/${encodeURIComponent(app)}`);
  } catch (error) {
    if (!(error instanceof PreviewApiError && error.status === 404)) throw error;
  }
};

/** A simulated user's identity, as put into their token ('' tenant: none). */
export type SimulatedIdentity = Required<Pick<TokenRequest, 'sub' | 'roles' | 'tenant'>>;

/** Mints a token for a simulated user through the admin-only route: no signing secret is ever in the browser. */
export const mintUserToken = async (
  runtime: PreviewRuntime,
  app: string,
  claims: SimulatedIdentity,
): Promise<string> =>
  (
    await call(runtime, 'POST', `/api/apps/${encodeURIComponent(app)}/tokens`, {
      sub: claims.sub,
      roles: claims.roles,
      ...(claims.tenant ? { tenant: claims.tenant } : {}),
      ttlSeconds: 3600,
    } satisfies TokenRequest)
  ).token as string;

/** Creates a multi instance as the user holding `token`; answers its id. */
export const createInstance = async (
  runtime: PreviewRuntime,
  app: string,
  datastore: string,
  token: string,
): Promise<string> => (await call(runtime, 'POST', instancesPath(app, datastore), {}, token)).id as string;

/** Adds a member to a multi instance, as its owner. */
export const inviteMember = async (
  runtime: PreviewRuntime,
  app: string,
  datastore: string,
  instance: string,
  userId: string,
  ownerToken: string,
): Promise<void> => {
  await call(
    runtime,
    'POST',
    `${instancesPath(app, datastore)}/${encodeURIComponent(instance)}/members`,
    { userId },
    ownerToken,
  );
};

/** Joins a multi instance by its id, as the user holding `token` (allowed only by the datastore's join rule). */
export const joinInstance = async (
  runtime: PreviewRuntime,
  app: string,
  datastore: string,
  instance: string,
  token: string,
): Promise<void> => {
  await call(
    runtime,
    'POST',
    `${instancesPath(app, datastore)}/${encodeURIComponent(instance)}/join`,
    {},
    token,
  );
};

/** Sets a whole row through the admin server data API (rules bypassed, schema checked), as an app's back end would. */
export const putServerRow = async (
  runtime: PreviewRuntime,
  app: string,
  datastore: string,
  instance: string,
  table: string,
  row: string,
  cells: Record<string, unknown>,
): Promise<void> => {
  await call(
    runtime,
    'PUT',
    `${instancesPath(app, datastore)}/${encodeURIComponent(instance)}/tables/${encodeURIComponent(table)}/rows/${encodeURIComponent(row)}`,
    cells,
  );
};

/** How many rows each table of an instance holds on the server (the admin stats route), every row counted. */
export const serverRowCounts = async (
  runtime: PreviewRuntime,
  app: string,
  datastore: string,
  instance: string,
): Promise<Record<string, number>> =>
  (await call(runtime, 'GET', `${instancesPath(app, datastore)}/${encodeURIComponent(instance)}/stats`))
    .rows as Record<string, number>;
