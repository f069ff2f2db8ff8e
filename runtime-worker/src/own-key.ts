// Records keyed by ids that come from URLs and clients (datastore, table, row, cell ids): "constructor" or
// "__proto__" must name nothing (or an ordinary entry), never a built-in of Object.prototype.

export { ownEntry } from '@datastore-designer/schema';

/** An empty record without a prototype, so any id can be a key of it (`record[id] ??= …` included). */
export const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * A deep copy of JSON data whose objects have no prototype, for code that looks ids up with `record[id]` (the
 * schema's config diff does): an app may name a datastore, table or field "constructor".
 */
export const withoutPrototypes = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(withoutPrototypes) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy = emptyRecord<unknown>();
  for (const [key, child] of Object.entries(value)) copy[key] = withoutPrototypes(child);
  return copy as T;
};
