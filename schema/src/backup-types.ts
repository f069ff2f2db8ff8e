// The bodies of the backup routes: the list of an instance's backups, a backup taken, and a restore done.

/** One backup of an instance, as the list route shows it. */
export interface BackupSummary {
  /** The backup's id; ids of one instance sort by the time they were taken. */
  id: string;
  /** When it was taken (ISO 8601). */
  takenAt: string;
  /** Its size in bytes (the JSON snapshot it holds). */
  bytes: number;
  /** How many rows it holds, every table counted (server-only ones too). */
  rows: number;
}

/** `GET …/instances/:id/backups`: the instance's backups, newest first. */
export interface BackupList {
  backups: BackupSummary[];
}

/** `POST …/instances/:id/backups`: the id of the backup just taken. */
export interface BackupTaken {
  id: string;
}

/** `POST …/backups/:backup/restore`: the backup restored, and the backup of the content it replaced. */
export interface BackupRestored {
  restored: string;
  before: string;
}

/** The shape of every backup id: the UTC time it was taken to the millisecond, then a random suffix. */
export const BACKUP_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;
