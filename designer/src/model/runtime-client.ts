// Calls to a runtime's admin API for deploys, versions and instances, with plain-words errors.
import type {
  AppConfig,
  BackupList,
  BackupRestored,
  BackupSummary,
  BackupTaken,
  ConfigProblem,
  ErrorCode,
} from '@datastore-designer/schema';

/** Where the runtime is and the admin token to use. */
export interface RuntimeConnection {
  url: string;
  adminToken: string;
}

/** One deployed version of an app's config. */
export interface VersionInfo {
  version: number;
  deployedAt: string;
  live: boolean;
}

/** One instance of a datastore, as the registry knows it. */
export interface InstanceInfo {
  id: string;
  owner: string;
  members: string[];
  createdAt: string;
  lastOpenedAt: string;
}

/** Size and connections of one instance. */
export interface InstanceStats {
  rows: Record<string, number>;
  bytes: number;
  connections: number;
}

/** The outcome of a deploy: a version, problems to fix, or destructive changes to confirm. */
export type DeployOutcome =
  | { kind: 'deployed'; version: number }
  | { kind: 'problems'; problems: ConfigProblem[] }
  | { kind: 'conflict'; message: string; details: unknown }
  | { kind: 'stale'; version: number };

/** An error of the runtime, in words a person can act on. */
export class RuntimeError extends Error {
  /** The HTTP status, or 0 when the runtime could not be reached. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

const CONNECTION_KEY = 'datastore-designer.runtime';

/** The saved runtime connection, or the runtime serving this page with the local admin token of `npm start`. */
export const loadConnection = (): RuntimeConnection => {
  try {
    const saved = localStorage.getItem(CONNECTION_KEY);
    if (saved) return JSON.parse(saved) as RuntimeConnection;
  } catch {
    // A broken saved value falls back to the local default.
  }
  return { url: location.origin, adminToken: 'local-admin-token' };
};

/** Remembers the runtime connection in this browser. */
export const saveConnection = (connection: RuntimeConnection): void =>
  localStorage.setItem(CONNECTION_KEY, JSON.stringify(connection));

/** Calls the admin API and returns the status and parsed body; network failures become a RuntimeError. */
const call = async (
  connection: RuntimeConnection,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> => {
  let response: Response;
  try {
    response = await fetch(new URL(path, connection.url), {
      method,
      headers: {
        Authorization: `Bearer ${connection.adminToken}`,
        ...headers,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new RuntimeError(
      `Could not reach the runtime at ${connection.url}. Is it running, and is the address right?`,
      0,
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // A body that is not JSON carries nothing the designer can show; the status speaks for it.
  }
  return { status: response.status, json };
};

/** Turns a failed call into a RuntimeError with the runtime's own words when it gave some. */
const failure = (status: number, json: unknown): RuntimeError => {
  const said = (json as { error?: unknown } | undefined)?.error;
  if (status === 401)
    return new RuntimeError('The runtime did not accept the admin token. Check it and try again.', 401);
  return new RuntimeError(
    typeof said === 'string' ? said : `The runtime answered with status ${status}.`,
    status,
  );
};

const appPath = (app: string): string => `/api/apps/${encodeURIComponent(app)}`;

/** The apps deployed on the runtime, with their live versions. */
export const fetchApps = async (
  connection: RuntimeConnection,
): Promise<{ app: string; version: number }[]> => {
  const { status, json } = await call(connection, 'GET', '/api/apps');
  if (status !== 200) throw failure(status, json);
  return (json as { apps: { app: string; version: number }[] }).apps;
};

/** Whether the runtime knows the app (asked through the list, so a new app causes no failed request). */
export const appExists = async (connection: RuntimeConnection, app: string): Promise<boolean> => {
  const { status, json } = await call(connection, 'GET', '/api/apps');
  if (status !== 200) throw failure(status, json);
  return (json as { apps: { app: string }[] }).apps.some((a) => a.app === app);
};

/** The live config of an app, or undefined when the app has never been deployed. */
export const fetchLiveConfig = async (
  connection: RuntimeConnection,
  app: string,
): Promise<{ version: number; config: AppConfig } | undefined> => {
  const { status, json } = await call(connection, 'GET', `${appPath(app)}/config`);
  if (status === 404) return undefined;
  if (status !== 200) throw failure(status, json);
  return json as { version: number; config: AppConfig };
};

/**
 * Deploys a config over the version the person looked at (`If-Match`, 0 for a new app): a 400 gives problems, a
 * 409 either changes that lose data to confirm (then deploy again with force) or news of someone else's deploy.
 */
export const deployConfig = async (
  connection: RuntimeConnection,
  app: string,
  config: AppConfig,
  options: { force: boolean; over: number },
): Promise<DeployOutcome> => {
  const { status, json } = await call(
    connection,
    'PUT',
    `${appPath(app)}/config${options.force ? '?force=true' : ''}`,
    config,
    { 'If-Match': String(options.over) },
  );
  if (status === 200) return { kind: 'deployed', version: (json as { version: number }).version };
  if (status === 400 && Array.isArray((json as { errors?: unknown }).errors)) {
    return { kind: 'problems', problems: (json as { errors: ConfigProblem[] }).errors };
  }
  const code = (json as { code?: unknown } | undefined)?.code as ErrorCode | undefined;
  if (status === 409 && code === 'version_conflict') {
    const version = (json as { version?: unknown }).version;
    if (typeof version === 'number') return { kind: 'stale', version };
  }
  if (status === 409 && code === 'destructive_change') {
    const said = (json as { error?: unknown } | undefined)?.error;
    return {
      kind: 'conflict',
      message:
        typeof said === 'string' ? said : 'This deploy would remove or change data that already exists.',
      details: json,
    };
  }
  throw failure(status, json);
};

/** The deployed versions of an app, newest first (empty when never deployed). */
export const fetchVersions = async (connection: RuntimeConnection, app: string): Promise<VersionInfo[]> => {
  const { status, json } = await call(connection, 'GET', `${appPath(app)}/config/versions`);
  if (status === 404) return [];
  if (status !== 200) throw failure(status, json);
  return (json as { versions: VersionInfo[] }).versions;
};

/** Deploys an earlier version again as a new version. */
export const rollback = async (
  connection: RuntimeConnection,
  app: string,
  version: number,
): Promise<number> => {
  const { status, json } = await call(connection, 'POST', `${appPath(app)}/config/rollback`, { version });
  if (status !== 200) throw failure(status, json);
  return (json as { version: number }).version;
};

/** All instances of a datastore (follows pages). */
export const fetchInstances = async (
  connection: RuntimeConnection,
  app: string,
  ds: string,
): Promise<InstanceInfo[]> => {
  const all: InstanceInfo[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const { status, json } = await call(
      connection,
      'GET',
      `${appPath(app)}/datastores/${encodeURIComponent(ds)}/instances?${query}`,
    );
    if (status !== 200) throw failure(status, json);
    const page = json as { instances: InstanceInfo[]; cursor?: string };
    all.push(...page.instances);
    cursor = page.cursor;
  } while (cursor);
  return all;
};

/** Size and open connections of one instance. */
export const fetchStats = async (
  connection: RuntimeConnection,
  app: string,
  ds: string,
  id: string,
): Promise<InstanceStats> => {
  const { status, json } = await call(
    connection,
    'GET',
    `${appPath(app)}/datastores/${encodeURIComponent(ds)}/instances/${encodeURIComponent(id)}/stats`,
  );
  if (status !== 200) throw failure(status, json);
  return json as InstanceStats;
};

/** Deletes an instance and its data. */
export const deleteInstance = async (
  connection: RuntimeConnection,
  app: string,
  ds: string,
  id: string,
): Promise<void> => {
  const { status, json } = await call(
    connection,
    'DELETE',
    `${appPath(app)}/datastores/${encodeURIComponent(ds)}/instances/${encodeURIComponent(id)}`,
  );
  if (status !== 200 && status !== 204) throw failure(status, json);
};

const backupsPath = (app: string, ds: string, id: string): string =>
  `${appPath(app)}/datastores/${encodeURIComponent(ds)}/instances/${encodeURIComponent(id)}/backups`;

/** Says in plain words that the runtime keeps no backups (it answered 501: no backup bucket bound). */
const backupFailure = (status: number, json: unknown): RuntimeError =>
  status === 501
    ? new RuntimeError(
        'This runtime keeps no backups: it has no backup bucket. Whoever runs the runtime can add one (see "Backups" in the README), then backups appear here.',
        501,
      )
    : failure(status, json);

/** The backups of one instance, newest first. */
export const fetchBackups = async (
  connection: RuntimeConnection,
  app: string,
  ds: string,
  id: string,
): Promise<BackupSummary[]> => {
  const { status, json } = await call(connection, 'GET', backupsPath(app, ds, id));
  if (status !== 200) throw backupFailure(status, json);
  return (json as BackupList).backups;
};

/** Takes a backup of one instance now and returns its id. */
export const takeBackup = async (
  connection: RuntimeConnection,
  app: string,
  ds: string,
  id: string,
): Promise<string> => {
  const { status, json } = await call(connection, 'POST', backupsPath(app, ds, id));
  if (status !== 201 && status !== 200) throw backupFailure(status, json);
  return (json as BackupTaken).id;
};

/** Replaces an instance's content with one of its backups (the runtime backs up the current content first). */
export const restoreBackup = async (
  connection: RuntimeConnection,
  app: string,
  ds: string,
  id: string,
  backup: string,
): Promise<BackupRestored> => {
  const { status, json } = await call(
    connection,
    'POST',
    `${backupsPath(app, ds, id)}/${encodeURIComponent(backup)}/restore`,
  );
  if (status !== 200) throw backupFailure(status, json);
  return json as BackupRestored;
};
