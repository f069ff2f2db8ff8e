// The app directory: one Durable Object listing every app with its live version, for `GET /api/apps`.
import { DurableObject } from 'cloudflare:workers';

/** The name of the one directory object. */
export const DIRECTORY_NAME = 'apps';

// Before the directory had a class of its own, a control object of this name held the list.
const LEGACY_DIRECTORY_NAME = '#directory';

/** One app in the directory. */
export interface DirectoryEntry {
  app: string;
  version: number;
}

/** Every app with its live version; control objects record their deploys and deletions here. */
export class AppDirectory extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS apps (app TEXT PRIMARY KEY, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    void ctx.blockConcurrencyWhile(() => this.#carryOver());
  }

  /** Takes over the list a runtime of an earlier version kept in a control object, once. */
  async #carryOver(): Promise<void> {
    const done = this.ctx.storage.sql
      .exec("SELECT value FROM meta WHERE key = 'carried_over'")
      .toArray().length;
    if (done > 0) return;
    const legacy = this.env.CONTROL.get(this.env.CONTROL.idFromName(LEGACY_DIRECTORY_NAME));
    for (const { app, version } of await legacy.legacyDirectoryList()) {
      this.ctx.storage.sql.exec('INSERT OR IGNORE INTO apps (app, version) VALUES (?, ?)', app, version);
    }
    this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('carried_over', '1')");
  }

  /** Records an app's live version (null removes the app). */
  async set(app: string, version: number | null): Promise<void> {
    if (version === null) this.ctx.storage.sql.exec('DELETE FROM apps WHERE app = ?', app);
    else this.ctx.storage.sql.exec('INSERT OR REPLACE INTO apps (app, version) VALUES (?, ?)', app, version);
  }

  /** Every app with its live version, by id. */
  async list(): Promise<DirectoryEntry[]> {
    return this.ctx.storage.sql
      .exec<{ app: string; version: number }>('SELECT app, version FROM apps ORDER BY app')
      .toArray()
      .map(({ app, version }) => ({ app, version }));
  }
}
