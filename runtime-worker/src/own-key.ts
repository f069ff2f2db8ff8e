// Records keyed by ids that come from URLs and clients (datastore, table, row, cell ids): "constructor" or
// "__proto__" must name nothing (or an ordinary entry), never a built-in of Object.prototype.

/** The record's own entry for a key, or undefined when the record has none. */
export const ownEntry = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** An empty record without a prototype, so any id can be a key of it (`record[id] ??= …` included). */
export const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
