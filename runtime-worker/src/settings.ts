// The runtime's limits, read from worker variables with their documented defaults.

/** The limits one runtime enforces; each is a worker variable of the same name. */
export interface Limits {
  maxMessageBytes: number;
  maxMessagesPerSecond: number;
  maxSocketsPerUser: number;
  maxConfigBytes: number;
  maxSnapshotBytes: number;
  /** The most rows (live ones, every table) one instance may hold: its object's memory ceiling, in rows. */
  maxInstanceRows: number;
  /** The most bytes of SQLite storage one instance may use before it refuses new rows. */
  maxInstanceBytes: number;
}

/**
 * A Durable Object has 128 MB of memory, and an instance keeps its whole synced store in it (README, "Measured"):
 * about 0.9-1 KB of heap per row of three or four short cells, and 200-260 bytes of SQLite. A client's first sync
 * builds the whole instance once more as one frame (about 0.6 of the store again) and a restore holds its snapshot
 * besides, so the store is kept near 40 MB: 40,000 short rows, or 16 MiB of SQLite for wide ones.
 */
const DEFAULT_MAX_INSTANCE_ROWS = 40_000;
const DEFAULT_MAX_INSTANCE_BYTES = 16 * 1024 * 1024;

const positive = (value: unknown, fallback: number): number => {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};

/** The worker variables the limits are read from; the worker's `Env` is one, and any may be missing. */
export interface LimitVariables {
  readonly MAX_MESSAGE_BYTES?: unknown;
  readonly MAX_MESSAGES_PER_SECOND?: unknown;
  readonly MAX_SOCKETS_PER_USER?: unknown;
  readonly MAX_CONFIG_BYTES?: unknown;
  readonly MAX_SNAPSHOT_BYTES?: unknown;
  readonly MAX_INSTANCE_ROWS?: unknown;
  readonly MAX_INSTANCE_BYTES?: unknown;
}

/** Reads the limits from the environment; a missing or unreadable variable keeps its default. */
export const limitsFrom = (env: LimitVariables): Limits => ({
  maxMessageBytes: positive(env.MAX_MESSAGE_BYTES, 1024 * 1024),
  maxMessagesPerSecond: positive(env.MAX_MESSAGES_PER_SECOND, 200),
  maxSocketsPerUser: positive(env.MAX_SOCKETS_PER_USER, 20),
  maxConfigBytes: positive(env.MAX_CONFIG_BYTES, 1024 * 1024),
  maxSnapshotBytes: positive(env.MAX_SNAPSHOT_BYTES, 64 * 1024 * 1024),
  maxInstanceRows: positive(env.MAX_INSTANCE_ROWS, DEFAULT_MAX_INSTANCE_ROWS),
  maxInstanceBytes: positive(env.MAX_INSTANCE_BYTES, DEFAULT_MAX_INSTANCE_BYTES),
});

/** How the runtime backs up its instances; worker variables `BACKUP_EVERY_HOURS` and `BACKUP_KEEP`. */
export interface BackupSettings {
  /** Milliseconds between scheduled backups of a changed instance; 0 when scheduled backups are off. */
  everyMs: number;
  /** How many backups are kept per instance (the newest). */
  keep: number;
}

const HOUR = 60 * 60 * 1000;

/** The worker variables the backup settings are read from; the worker's `Env` is one. */
export interface BackupVariables {
  readonly BACKUP_EVERY_HOURS?: unknown;
  readonly BACKUP_KEEP?: unknown;
}

/** Reads the backup settings: `BACKUP_EVERY_HOURS` may be fractional (and `0` turns the schedule off). */
export const backupSettingsFrom = (env: BackupVariables): BackupSettings => {
  const read = (value: unknown, fallback: number) =>
    value === undefined || value === '' ? fallback : Number(value);
  const hours = read(env.BACKUP_EVERY_HOURS, 24);
  const keep = read(env.BACKUP_KEEP, 7);
  return {
    everyMs: Number.isFinite(hours) && hours >= 0 ? Math.round(hours * HOUR) : 24 * HOUR,
    keep: Number.isInteger(keep) && keep >= 1 ? keep : 7,
  };
};
