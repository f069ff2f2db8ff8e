// The control Durable Object, one per app: its deployed configs (versioned) and the registry of its instances
// and their members. Deploys and deletions are recorded in the app directory (`app-directory.ts`).
import {
  addressInstance,
  compileConfig,
  diffConfigs,
  errorBody,
  instanceFacts,
  mayConnect,
  mayCreateInstance,
  mayJoin,
  mayManage,
  validateConfig,
  type AccessRefusal,
  type AppConfig,
  type Caller,
  type CompiledApp,
  type ErrorBody,
  type ErrorCode,
  type RuleUser,
} from '@datastore-designer/schema';
import { DurableObject } from 'cloudflare:workers';
import { DIRECTORY_NAME } from './app-directory.ts';
import { refOf, type FactsRef, type InstanceFacts, type InstanceRegistry } from './instance-facts.ts';
import { ownEntry, withoutPrototypes } from './own-key.ts';

/** An answer the worker turns into an HTTP response as it is. */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

/** Who is asking: the admin, or a verified user (or nobody, on a socket without a token). */
export type Requester = Caller;

/** A resolved instance: the object to reach and the reference to its facts to give it. */
export interface ResolvedInstance {
  status: 200;
  objectId: string;
  ref: FactsRef;
}

/** An instance that cannot be reached, with the status and reason to answer. */
export interface RefusedInstance {
  status: number;
  body: ErrorBody;
}

type InstanceRow = {
  datastore: string;
  id: string;
  object_id: string;
  owner: string;
  members: string;
  created_at: number;
  last_opened_at: number;
};

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const refuse = (status: number, code: ErrorCode, error: string): RefusedInstance => ({
  status,
  body: errorBody(code, error),
});

/** The answer for a refused access decision. */
const refusal = (decision: AccessRefusal): RefusedInstance =>
  refuse(decision.status, decision.code, decision.reason);

/** The live version of an app's config: as deployed, and compiled. */
interface LiveConfig {
  version: number;
  config: AppConfig;
  deployedAt: string;
  app: CompiledApp;
}

const liveConfig = (version: number, config: AppConfig, deployedAt: string): LiveConfig => ({
  version,
  config,
  deployedAt,
  app: compileConfig(config),
});

/** One app's configs and instance registry. */
export class ControlObject extends DurableObject<Env> {
  // undefined: not read yet; null: no version deployed.
  #liveCache: LiveConfig | null | undefined;
  #appName: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS versions (version INTEGER PRIMARY KEY, config TEXT NOT NULL, deployed_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS instances (
        datastore TEXT NOT NULL, id TEXT NOT NULL, object_id TEXT NOT NULL, owner TEXT NOT NULL,
        members TEXT NOT NULL, created_at INTEGER NOT NULL, last_opened_at INTEGER NOT NULL,
        PRIMARY KEY (datastore, id));
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  // --- the directory of apps

  /**
   * The app list a runtime of an earlier version kept in a control object named '#directory' (app ids cannot
   * start with '#'); the app directory reads it once to carry it over.
   */
  async legacyDirectoryList(): Promise<{ app: string; version: number }[]> {
    const found = this.ctx.storage.sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'apps'")
      .toArray().length;
    if (found === 0) return [];
    return this.ctx.storage.sql
      .exec<{ app: string; version: number }>('SELECT app, version FROM apps ORDER BY app')
      .toArray()
      .map(({ app, version }) => ({ app, version }));
  }

  #directory() {
    return this.env.DIRECTORY.get(this.env.DIRECTORY.idFromName(DIRECTORY_NAME));
  }

  // --- configs

  /** The live version, parsed and compiled once per version and kept in memory (every write goes through here). */
  #live(): LiveConfig | undefined {
    if (this.#liveCache === undefined) {
      const row = this.ctx.storage.sql
        .exec<{ version: number; config: string; deployed_at: string }>(
          'SELECT version, config, deployed_at FROM versions ORDER BY version DESC LIMIT 1',
        )
        .toArray()[0];
      this.#liveCache = row
        ? liveConfig(row.version, JSON.parse(row.config) as AppConfig, row.deployed_at)
        : null;
    }
    return this.#liveCache ?? undefined;
  }

  #app(): LiveConfig | undefined {
    return this.#live();
  }

  /**
   * This app's id: the object's name where the platform gives it, else the one stored at the first deploy
   * (`ctx.id.name` is absent in alarms after a restart).
   */
  #appId(): string {
    this.#appName ??=
      this.ctx.id.name ??
      this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'app'").toArray()[0]
        ?.value;
    return this.#appName ?? '';
  }

  /** Validates and deploys a config: 400 with every problem, 409 when destructive without force or stale. */
  async deploy(json: unknown, options: { force: boolean; ifMatch?: string }): Promise<ControlAnswer> {
    const result = validateConfig(json);
    if (!result.ok)
      return {
        status: 400,
        body: errorBody('invalid_config', 'The config has problems.', { errors: result.errors }),
      };
    const live = this.#live();
    if (options.ifMatch !== undefined) {
      const expected = options.ifMatch.replace(/^W\//, '').replaceAll('"', '').trim();
      if (expected !== String(live?.version ?? 0)) {
        return {
          status: 409,
          body: errorBody(
            'version_conflict',
            `The live version is ${live?.version ?? 'none'}, not ${expected}: someone else deployed meanwhile.`,
            { version: live?.version ?? 0 },
          ),
        };
      }
    }
    const diff = diffConfigs(
      withoutPrototypes(live?.config ?? { format: 1, datastores: {} }),
      withoutPrototypes(result.config),
    );
    if (diff.destructive && !options.force) {
      return {
        status: 409,
        body: errorBody(
          'destructive_change',
          'This deploy removes data (a table or field removed, or a type changed). Deploy with ?force=true to go ahead.',
          { diff },
        ),
      };
    }
    return { status: 200, body: { version: await this.#store(result.config) } };
  }

  async #store(config: AppConfig): Promise<number> {
    const app = this.#appId();
    const version = (this.#live()?.version ?? 0) + 1;
    const deployedAt = new Date().toISOString();
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('app', ?)", app);
    this.ctx.storage.sql.exec(
      'INSERT INTO versions (version, config, deployed_at) VALUES (?, ?, ?)',
      version,
      JSON.stringify(config),
      deployedAt,
    );
    this.#liveCache = liveConfig(version, config, deployedAt);
    await this.#directory().set(app, version);
    await this.#reachInstances(config);
    await this.#scheduleCleanUp();
    return version;
  }

  /** Gives every known instance the new config at once; instances of removed datastores are wiped. */
  async #reachInstances(config: AppConfig): Promise<void> {
    const rows = this.ctx.storage.sql.exec<InstanceRow>('SELECT * FROM instances').toArray();
    await Promise.allSettled(
      rows.map(async (row) => {
        if (ownEntry(config.datastores, row.datastore) === undefined) {
          await this.#wipe(row);
          return;
        }
        const facts = this.#factsFor(row);
        if (facts) await this.#instanceStub(row.object_id).applyFacts(facts);
      }),
    );
  }

  /** The live version's number, or undefined when the app has never been deployed (or was deleted). */
  async liveVersion(): Promise<number | undefined> {
    return this.#live()?.version;
  }

  /** The live config and its version. */
  async getConfig(): Promise<ControlAnswer> {
    const live = this.#live();
    if (!live) return refuse(404, 'unknown_app', 'There is no such app.');
    return { status: 200, body: { version: live.version, config: live.config } };
  }

  /** Every deployed version, newest first. */
  async listVersions(): Promise<ControlAnswer> {
    const rows = this.ctx.storage.sql
      .exec<{ version: number; deployed_at: string }>(
        'SELECT version, deployed_at FROM versions ORDER BY version DESC',
      )
      .toArray();
    if (rows.length === 0) return refuse(404, 'unknown_app', 'There is no such app.');
    return {
      status: 200,
      body: {
        versions: rows.map((row, index) => ({
          version: row.version,
          deployedAt: row.deployed_at,
          live: index === 0,
        })),
      },
    };
  }

  /** Deploys an earlier version's config again, as a new version (an explicit choice, so never refused as destructive). */
  async rollback(version: unknown): Promise<ControlAnswer> {
    if (this.#live() === undefined) return refuse(404, 'unknown_app', 'There is no such app.');
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      return refuse(400, 'bad_request', 'Send {"version": n} with the version to roll back to.');
    }
    const row = this.ctx.storage.sql
      .exec<{ config: string }>('SELECT config FROM versions WHERE version = ?', version)
      .toArray()[0];
    if (!row) return refuse(404, 'unknown_version', `There is no version ${version}.`);
    return { status: 200, body: { version: await this.#store(JSON.parse(row.config) as AppConfig) } };
  }

  /** Deletes the app, its versions and every instance's data. */
  async deleteApp(): Promise<ControlAnswer> {
    const app = this.#appId();
    if (this.#live() === undefined) return refuse(404, 'unknown_app', 'There is no such app.');
    const rows = this.ctx.storage.sql.exec<InstanceRow>('SELECT * FROM instances').toArray();
    await Promise.allSettled(rows.map((row) => this.#wipe(row)));
    await this.#directory().set(app, null);
    await this.ctx.storage.deleteAlarm();
    this.ctx.storage.sql.exec('DELETE FROM versions; DELETE FROM instances; DELETE FROM meta;');
    this.#liveCache = null;
    return { status: 200, body: { deleted: true } };
  }

  // --- instances

  #instanceStub(objectId: string) {
    return this.env.INSTANCE.get(this.env.INSTANCE.idFromString(objectId));
  }

  async #wipe(row: InstanceRow): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM instances WHERE datastore = ? AND id = ?', row.datastore, row.id);
    await this.#instanceStub(row.object_id).wipe();
  }

  #row(datastore: string, id: string): InstanceRow | undefined {
    return this.ctx.storage.sql
      .exec<InstanceRow>('SELECT * FROM instances WHERE datastore = ? AND id = ?', datastore, id)
      .toArray()[0];
  }

  #registry(row: InstanceRow): InstanceRegistry {
    return { owner: row.owner, members: JSON.parse(row.members) as string[] };
  }

  #factsFor(row: InstanceRow): InstanceFacts | undefined {
    const compiled = this.#app();
    const datastore = compiled && ownEntry(compiled.app.config.datastores, row.datastore);
    if (!compiled || !datastore) return undefined;
    return {
      app: this.#appId(),
      datastore: row.datastore,
      kind: datastore.instances,
      instanceId: row.id,
      version: compiled.version,
      config: datastore,
      ...(datastore.instances === 'multi' ? { registry: this.#registry(row) } : {}),
    };
  }

  /** The facts of one instance, for an instance object whose own are behind (a push it missed, or its first call). */
  async instanceFacts(datastoreId: string, id: string): Promise<InstanceFacts | undefined> {
    const row = this.#row(datastoreId, id);
    return row && this.#factsFor(row);
  }

  /**
   * Finds the instance a sync URL or data route names, and for sockets checks the `connect` rule and
   * membership. Unknown `multi` ids are refused here, before any instance object exists.
   */
  async resolveInstance(
    datastoreId: string,
    param: string,
    requester: Requester,
    purpose: 'connect' | 'data',
  ): Promise<ResolvedInstance | RefusedInstance> {
    const compiled = this.#app();
    if (!compiled) return refuse(404, 'unknown_app', 'There is no such app.');
    const datastore = ownEntry(compiled.app.datastores, datastoreId);
    if (!datastore)
      return refuse(404, 'unknown_datastore', `There is no datastore "${datastoreId}" in this app.`);
    const kind = datastore.config.instances;
    const user = requester.user;
    const address = addressInstance(kind, param, user, purpose);
    if (!('key' in address)) return refusal(address);
    const key = address.key;
    let row = this.#row(datastoreId, key);
    if (!row) {
      if (kind === 'multi') {
        return refuse(
          404,
          'unknown_instance',
          'There is no such instance: instances are created through the API.',
        );
      }
      const now = Date.now();
      const objectId = this.env.INSTANCE.idFromName(
        JSON.stringify([this.#appId(), datastoreId, key]),
      ).toString();
      this.ctx.storage.sql.exec(
        `INSERT OR IGNORE INTO instances (datastore, id, object_id, owner, members, created_at, last_opened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        datastoreId,
        key,
        objectId,
        kind === 'perUser' ? key : '',
        JSON.stringify(kind === 'perUser' ? [key] : []),
        now,
        now,
      );
      row = this.#row(datastoreId, key) as InstanceRow;
    }
    const facts = this.#factsFor(row) as InstanceFacts;
    if (purpose === 'connect') {
      const decision = mayConnect(datastore, user, instanceFacts(kind, key, facts.registry), Date.now());
      if (!decision.allowed) return refusal(decision);
      this.ctx.storage.sql.exec(
        'UPDATE instances SET last_opened_at = ? WHERE datastore = ? AND id = ?',
        Date.now(),
        datastoreId,
        key,
      );
    }
    return { status: 200, objectId: row.object_id, ref: refOf(facts) };
  }

  #multi(datastoreId: string): RefusedInstance | { kind: 'multi'; compiled: CompiledApp } {
    const compiled = this.#app();
    if (!compiled) return refuse(404, 'unknown_app', 'There is no such app.');
    const datastore = ownEntry(compiled.app.config.datastores, datastoreId);
    if (!datastore)
      return refuse(404, 'unknown_datastore', `There is no datastore "${datastoreId}" in this app.`);
    if (datastore.instances !== 'multi') {
      return refuse(400, 'not_multi', `"${datastoreId}" is not a multi-instance datastore.`);
    }
    return { kind: 'multi', compiled: compiled.app };
  }

  /** Creates a multi instance with a fresh unique id; the owner is its first member. */
  async createInstance(
    datastoreId: string,
    requester: Requester,
    adminOwner?: string,
  ): Promise<ControlAnswer> {
    const multi = this.#multi(datastoreId);
    if ('status' in multi) return multi;
    const datastore = ownEntry(multi.compiled.datastores, datastoreId);
    if (!datastore) return refuse(404, 'unknown_datastore', 'There is no such datastore.');
    const decision = mayCreateInstance(datastore, requester, Date.now());
    if (!decision.allowed) return refusal(decision);
    const owner = requester.admin ? adminOwner : requester.user?.id;
    if (typeof owner !== 'string' || owner === '') {
      return refuse(400, 'bad_request', 'As admin, send {"owner": "<user id>"}.');
    }
    const max = datastore.config.maxInstancesPerUser;
    if (max !== undefined) {
      const count =
        this.ctx.storage.sql
          .exec<{ n: number }>(
            'SELECT COUNT(*) AS n FROM instances WHERE datastore = ? AND owner = ?',
            datastoreId,
            owner,
          )
          .toArray()[0]?.n ?? 0;
      if (count >= max) {
        return refuse(
          409,
          'instance_limit',
          `Each user may have at most ${max} instances of "${datastoreId}".`,
        );
      }
    }
    const objectId = this.env.INSTANCE.newUniqueId().toString();
    const now = Date.now();
    this.ctx.storage.sql.exec(
      `INSERT INTO instances (datastore, id, object_id, owner, members, created_at, last_opened_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      datastoreId,
      objectId,
      objectId,
      owner,
      JSON.stringify([owner]),
      now,
      now,
    );
    await this.#scheduleCleanUp();
    return { status: 201, body: { id: objectId } };
  }

  /** Lists a user's instances (admin: all), paged by `limit` and an opaque `cursor`. */
  async listInstances(
    datastoreId: string,
    requester: Requester,
    limit: number,
    cursor: string | undefined,
  ): Promise<ControlAnswer> {
    const compiled = this.#app();
    if (!compiled) return refuse(404, 'unknown_app', 'There is no such app.');
    if (!ownEntry(compiled.app.config.datastores, datastoreId)) {
      return refuse(404, 'unknown_datastore', `There is no datastore "${datastoreId}" in this app.`);
    }
    const rows = this.ctx.storage.sql
      .exec<InstanceRow>('SELECT * FROM instances WHERE datastore = ? ORDER BY created_at, id', datastoreId)
      .toArray()
      .filter(
        (row) => requester.admin || (JSON.parse(row.members) as string[]).includes(requester.user?.id ?? ''),
      );
    const start = Math.max(0, Number.parseInt(cursor ?? '0', 10) || 0);
    const page = rows.slice(start, start + limit);
    const body: { instances: unknown[]; cursor?: string } = {
      instances: page.map((row) => ({
        id: row.id,
        owner: row.owner,
        members: JSON.parse(row.members) as string[],
        createdAt: new Date(row.created_at).toISOString(),
        lastOpenedAt: new Date(row.last_opened_at).toISOString(),
      })),
    };
    if (start + limit < rows.length) body.cursor = String(start + limit);
    return { status: 200, body };
  }

  #multiRow(datastoreId: string, id: string): RefusedInstance | InstanceRow {
    const multi = this.#multi(datastoreId);
    if ('status' in multi) return multi;
    return this.#row(datastoreId, id) ?? refuse(404, 'unknown_instance', 'There is no such instance.');
  }

  async #setMembers(row: InstanceRow, members: string[]): Promise<void> {
    this.ctx.storage.sql.exec(
      'UPDATE instances SET members = ? WHERE datastore = ? AND id = ?',
      JSON.stringify(members),
      row.datastore,
      row.id,
    );
    const facts = this.#factsFor({ ...row, members: JSON.stringify(members) });
    if (facts) await this.#instanceStub(row.object_id).applyFacts(facts);
  }

  /**
   * Deletes an instance (owner or admin): its data is wiped and its sockets closed with 4004. Works for every
   * kind: a `perUser` instance's owner is its user; `single` and `perTenant` ones have no owner, so only the admin.
   */
  async deleteInstance(datastoreId: string, id: string, requester: Requester): Promise<ControlAnswer> {
    const compiled = this.#app();
    if (!compiled) return refuse(404, 'unknown_app', 'There is no such app.');
    if (!ownEntry(compiled.app.config.datastores, datastoreId)) {
      return refuse(404, 'unknown_datastore', `There is no datastore "${datastoreId}" in this app.`);
    }
    const row = this.#row(datastoreId, id);
    if (!row) return refuse(404, 'unknown_instance', 'There is no such instance.');
    const decision = mayManage({ kind: 'deleteInstance' }, requester, row.owner);
    if (!decision.allowed) return refusal(decision);
    await this.#wipe(row);
    return { status: 200, body: { deleted: true } };
  }

  /** Adds a member (owner or admin). */
  async addMember(
    datastoreId: string,
    id: string,
    userId: unknown,
    requester: Requester,
  ): Promise<ControlAnswer> {
    const row = this.#multiRow(datastoreId, id);
    if ('status' in row) return row;
    const decision = mayManage({ kind: 'addMember' }, requester, row.owner);
    if (!decision.allowed) return refusal(decision);
    if (typeof userId !== 'string' || userId === '') {
      return refuse(400, 'bad_request', 'Send {"userId": "<user id>"}.');
    }
    const members = this.#registry(row).members;
    if (!members.includes(userId)) await this.#setMembers(row, [...members, userId]);
    return { status: 200, body: { members: members.includes(userId) ? members : [...members, userId] } };
  }

  /** Removes a member (owner, admin, or the member leaving); their sockets close with 4003. */
  async removeMember(
    datastoreId: string,
    id: string,
    userId: string,
    requester: Requester,
  ): Promise<ControlAnswer> {
    const row = this.#multiRow(datastoreId, id);
    if ('status' in row) return row;
    const decision = mayManage({ kind: 'removeMember', member: userId }, requester, row.owner);
    if (!decision.allowed) return refusal(decision);
    const members = this.#registry(row).members;
    if (!members.includes(userId)) return refuse(404, 'unknown_member', `"${userId}" is not a member.`);
    const remaining = members.filter((member) => member !== userId);
    await this.#setMembers(row, remaining);
    return { status: 200, body: { members: remaining } };
  }

  /** Adds the caller as a member when the `join` rule allows it ("anyone with the link"). */
  async join(datastoreId: string, id: string, user: RuleUser | undefined): Promise<ControlAnswer> {
    const row = this.#multiRow(datastoreId, id);
    if ('status' in row) return row;
    const compiled = this.#app();
    const datastore = compiled && ownEntry(compiled.app.datastores, datastoreId);
    if (!datastore) return refuse(404, 'unknown_datastore', 'There is no such datastore.');
    const registry = this.#registry(row);
    const decision = mayJoin(datastore, user, instanceFacts('multi', row.id, registry), Date.now());
    if (!decision.allowed) return refusal(decision);
    // An allowed join always has a user.
    const joiner = user?.id ?? '';
    if (!registry.members.includes(joiner)) await this.#setMembers(row, [...registry.members, joiner]);
    return { status: 200, body: { members: [...new Set([...registry.members, joiner])] } };
  }

  // --- idle clean-up

  async #scheduleCleanUp(): Promise<void> {
    const config = this.#live()?.config;
    const idle = Object.values(config?.datastores ?? {}).some(
      (datastore) => datastore.instances === 'multi' && datastore.deleteIdleAfterDays !== undefined,
    );
    if (idle && (await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + HOUR);
  }

  /** Deletes `multi` instances nobody opened for longer than their datastore's `deleteIdleAfterDays`. */
  override async alarm(): Promise<void> {
    const config = this.#live()?.config;
    if (!config) return;
    const now = Date.now();
    for (const [datastoreId, datastore] of Object.entries(config.datastores)) {
      if (datastore.instances !== 'multi' || datastore.deleteIdleAfterDays === undefined) continue;
      const idle = this.ctx.storage.sql
        .exec<InstanceRow>(
          'SELECT * FROM instances WHERE datastore = ? AND last_opened_at < ?',
          datastoreId,
          now - datastore.deleteIdleAfterDays * DAY,
        )
        .toArray();
      for (const row of idle) await this.#wipe(row);
    }
    await this.#scheduleCleanUp();
  }
}
