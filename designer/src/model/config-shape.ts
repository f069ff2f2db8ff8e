// Checks that a parsed config has the shape the canvas needs to draw it, before it replaces the draft.
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/**
 * Says in words why the canvas cannot show a config (undefined when it can). Finer problems (unknown keys, bad
 * ids, wrong values) are the Problems panel's business; this only keeps the designer from drawing nonsense.
 */
export const undrawableReason = (value: unknown): string | undefined => {
  if (!isObject(value)) return 'The config must be an object: { "format": 1, "datastores": { … } }.';
  if (!isObject(value.datastores)) return 'The config needs "datastores": an object of datastores.';
  for (const [dsId, ds] of Object.entries(value.datastores)) {
    if (!isObject(ds)) return `Datastore "${dsId}" must be an object.`;
    if (!isObject(ds.tables)) return `Datastore "${dsId}" needs "tables": an object of tables.`;
    for (const rule of ['connect', 'createInstance', 'join']) {
      if (!optionalString(ds[rule])) return `The "${rule}" rule of datastore "${dsId}" must be text.`;
    }
    for (const [tableId, table] of Object.entries(ds.tables)) {
      if (!isObject(table)) return `Table "${tableId}" must be an object.`;
      if (!isObject(table.fields)) return `Table "${tableId}" needs "fields": an object of fields.`;
      for (const [fieldId, field] of Object.entries(table.fields)) {
        if (!isObject(field)) return `Field "${fieldId}" of table "${tableId}" must be an object.`;
      }
      if (table.rules !== undefined) {
        if (!isObject(table.rules)) return `The rules of table "${tableId}" must be an object.`;
        for (const [kind, rule] of Object.entries(table.rules)) {
          if (typeof rule !== 'string') return `The "${kind}" rule of table "${tableId}" must be text.`;
        }
      }
    }
  }
  if (value.designer !== undefined) {
    if (!isObject(value.designer)) return 'The "designer" section must be an object.';
    const layout = value.designer.layout;
    if (layout !== undefined) {
      const ok =
        isObject(layout) &&
        Object.values(layout).every(
          (tables) =>
            isObject(tables) &&
            Object.values(tables).every((p) => isObject(p) && Number.isFinite(p.x) && Number.isFinite(p.y)),
        );
      if (!ok)
        return 'The canvas positions in "designer.layout" must be { "x": number, "y": number } per table.';
    }
  }
  return undefined;
};
