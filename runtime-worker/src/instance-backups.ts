// An instance's backups in the R2 bucket bound as `BACKUPS`: taking, listing, reading, pruning and deleting them,
// and the schedule the instance object's alarm follows (stored, since alarms after a restart know no names).
import type { BackupSummary } from '@datastore-designer/schema';
import type { BackupSettings } from './settings.ts';

interface BackupState {
  lastTakenAt?: number;
  lastDigest?: string;
  dueAt?: number;
}

const STATE_KEY = 'backups';

const digestOf = async (content: string): Promise<string> => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(content));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
};

const idAt = (takenAt: number): string => {
  const time = new Date(takenAt).toISOString().replace(/[-:.]/g, '');
  const suffix = [...crypto.getRandomValues(new Uint8Array(4))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
  return `${time}-${suffix}`;
};

/** One instance's backups: objects under `instances/<object id>/` in the bucket, newest id last in key order. */
export class InstanceBackups {
  #bucket: R2Bucket;
  #storage: DurableObjectStorage;
  #prefix: string;
  #settings: BackupSettings;
  #state: BackupState = {};

  constructor(bucket: R2Bucket, storage: DurableObjectStorage, objectId: string, settings: BackupSettings) {
    this.#bucket = bucket;
    this.#storage = storage;
    this.#prefix = `instances/${objectId}/`;
    this.#settings = settings;
  }

  /** Loads the stored schedule. */
  async load(): Promise<void> {
    this.#state = (await this.#storage.get<BackupState>(STATE_KEY)) ?? {};
  }

  #save(): Promise<void> {
    return this.#storage.put(STATE_KEY, this.#state);
  }

  /** When the next scheduled backup is due, if one is. */
  dueAt(): number | undefined {
    return this.#state.dueAt;
  }

  /** Notes a change of content: schedules a backup if none is due yet; true when it did. */
  noteChange(now: number): boolean {
    if (this.#settings.everyMs === 0 || this.#state.dueAt !== undefined) return false;
    const last = this.#state.lastTakenAt;
    this.#state.dueAt =
      last === undefined ? now + this.#settings.everyMs : Math.max(now, last + this.#settings.everyMs);
    void this.#save();
    return true;
  }

  /** Takes the scheduled backup if it is due and the content changed since the last one. */
  async runDue(now: number, content: () => { json: string; rows: number }): Promise<void> {
    const dueAt = this.#state.dueAt;
    if (dueAt === undefined || dueAt > now) return;
    try {
      const current = content();
      if ((await digestOf(current.json)) !== this.#state.lastDigest)
        await this.take(current.json, current.rows);
      this.#state.dueAt = undefined;
    } catch (error) {
      console.error('backups: a scheduled backup failed; retrying in five minutes', error);
      this.#state.dueAt = now + 5 * 60 * 1000;
    }
    await this.#save();
  }

  /** Writes a backup of the given content and prunes to the newest `BACKUP_KEEP`, never pruning `keep`. */
  async take(json: string, rows: number, keep?: string): Promise<string> {
    const takenAt = Math.max(Date.now(), (this.#state.lastTakenAt ?? 0) + 1);
    const id = idAt(takenAt);
    await this.#bucket.put(`${this.#prefix}${id}.json`, json, {
      customMetadata: { takenAt: String(takenAt), rows: String(rows) },
      httpMetadata: { contentType: 'application/json' },
    });
    this.#state.lastTakenAt = takenAt;
    this.#state.lastDigest = await digestOf(json);
    await this.#save();
    const stale = (await this.list()).slice(this.#settings.keep).filter((backup) => backup.id !== keep);
    if (stale.length > 0)
      await this.#bucket.delete(stale.map((backup) => `${this.#prefix}${backup.id}.json`));
    return id;
  }

  /** Every backup of the instance, newest first. */
  async list(): Promise<BackupSummary[]> {
    const backups: BackupSummary[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.#bucket.list({
        prefix: this.#prefix,
        include: ['customMetadata'],
        ...(cursor ? { cursor } : {}),
      });
      for (const object of page.objects) {
        const takenAt = Number(object.customMetadata?.takenAt ?? object.uploaded.getTime());
        backups.push({
          id: object.key.slice(this.#prefix.length, -'.json'.length),
          takenAt: new Date(takenAt).toISOString(),
          bytes: object.size,
          rows: Number(object.customMetadata?.rows ?? 0),
        });
      }
      if (!page.truncated) break;
      cursor = page.cursor;
    }
    return backups.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** The content of one backup, or undefined when there is no such backup. */
  async read(id: string): Promise<unknown> {
    const object = await this.#bucket.get(`${this.#prefix}${id}.json`);
    if (!object) return undefined;
    const text = await object.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }

  /** Deletes every backup of the instance and its schedule (the instance is being deleted). */
  async deleteAll(): Promise<void> {
    const ids = (await this.list()).map((backup) => `${this.#prefix}${backup.id}.json`);
    for (let start = 0; start < ids.length; start += 1000)
      await this.#bucket.delete(ids.slice(start, start + 1000));
    this.#state = {};
    await this.#storage.delete(STATE_KEY);
  }
}
