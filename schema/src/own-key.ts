// Lookups by ids that come from configs, URLs and clients: "constructor" or "toString" must name an ordinary
// entry or nothing, never a built-in of Object.prototype.

/** The record's own entry for a key, or undefined when the record has none. */
export const ownEntry = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;
