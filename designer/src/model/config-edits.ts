// Pure edits of an app config (add, rename, delete tables and fields; set rules and references) used by the store;
// renames carry into the config's scenarios as they do into rules and references.
import type {
  AppConfig,
  DatastoreConfig,
  FieldConfig,
  RowRuleKind,
  TableConfig,
} from '@datastore-designer/schema';
import { renameDatastoreInTests, renameFieldInTests, renameTableInTests } from '../tests/test-edits.ts';

/** The pattern every datastore, table and field id must follow. */
export const ID_PATTERN = /^[a-z][a-zA-Z0-9_]{0,63}$/;

/** Canvas position of one table. */
export interface Point {
  x: number;
  y: number;
}

/** Canvas positions per datastore and table, kept in the config's `designer` section so they export. */
export type Layout = Record<string, Record<string, Point>>;

/** Returns the datastore, or throws when the id is unknown (a programming error, never a user's). */
const datastoreOf = (config: AppConfig, ds: string): DatastoreConfig => {
  const found = config.datastores[ds];
  if (!found) throw new Error(`Unknown datastore ${ds}`);
  return found;
};

/** Returns the table, or throws when the id is unknown. */
const tableOf = (config: AppConfig, ds: string, table: string): TableConfig => {
  const found = datastoreOf(config, ds).tables[table];
  if (!found) throw new Error(`Unknown table ${table}`);
  return found;
};

/** Rebuilds an object with one key renamed, keeping the key order people see in the export. */
export const renameKey = <T>(record: Record<string, T>, from: string, to: string): Record<string, T> => {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) out[key === from ? to : key] = value;
  return out;
};

/** Turns a person's words ("Due date") into a valid id ("dueDate"), or '' when nothing usable is left. */
export const toId = (words: string): string => {
  // Ids start with a letter: anything before the first letter goes.
  const parts = words
    .replace(/^[^a-zA-Z]+/, '')
    .replace(/[^a-zA-Z0-9_ ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const id = parts
    .map((part, index) =>
      index === 0
        ? part.charAt(0).toLowerCase() + part.slice(1)
        : part.charAt(0).toUpperCase() + part.slice(1),
    )
    .join('');
  return id.slice(0, 64);
};

/** The first free id of the form base, base2, base3… among the given keys. */
export const freeId = (base: string, taken: Iterable<string>): string => {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
};

/** Reads the layout from the config's designer section (empty when absent or malformed). */
export const layoutOf = (config: AppConfig): Layout => {
  const layout = config.designer?.['layout'];
  return layout && typeof layout === 'object' ? (layout as Layout) : {};
};

/** Writes one table's position into the designer section. */
export const setPosition = (config: AppConfig, ds: string, table: string, point: Point): void => {
  const designer = (config.designer ??= {});
  const layout = (designer['layout'] ??= {}) as Layout;
  const forDs = (layout[ds] ??= {});
  forDs[table] = { x: Math.round(point.x), y: Math.round(point.y) };
};

/** Adds a datastore with one starter table and returns its id. */
export const addDatastore = (config: AppConfig): string => {
  const id = freeId('data', Object.keys(config.datastores));
  config.datastores[id] = {
    instances: 'single',
    sync: 'twoWay',
    tables: {
      items: { fields: { title: { type: 'string', required: true } } },
    },
  };
  return id;
};

/** Renames a datastore, moving its layout along. */
export const renameDatastore = (config: AppConfig, from: string, to: string): void => {
  config.datastores = renameKey(config.datastores, from, to);
  renameDatastoreInTests(config, from, to);
  const layout = layoutOf(config);
  if (layout[from]) {
    layout[to] = layout[from];
    delete layout[from];
  }
};

/** Deletes a datastore and its layout. */
export const deleteDatastore = (config: AppConfig, ds: string): void => {
  delete config.datastores[ds];
  delete layoutOf(config)[ds];
};

/** Adds a table with a first text field near the given point and returns its id. */
export const addTable = (config: AppConfig, ds: string, at?: Point): string => {
  const datastore = datastoreOf(config, ds);
  const id = freeId('newTable', Object.keys(datastore.tables));
  datastore.tables[id] = { fields: { name: { type: 'string' } } };
  if (at) setPosition(config, ds, id, at);
  return id;
};

/** Renames a table, and every reference to it and its position with it. */
export const renameTable = (config: AppConfig, ds: string, from: string, to: string): void => {
  const datastore = datastoreOf(config, ds);
  datastore.tables = renameKey(datastore.tables, from, to);
  renameTableInTests(config, ds, from, to);
  for (const table of Object.values(datastore.tables)) {
    for (const field of Object.values(table.fields)) if (field.references === from) field.references = to;
  }
  const forDs = layoutOf(config)[ds];
  if (forDs?.[from]) {
    forDs[to] = forDs[from];
    delete forDs[from];
  }
};

/** Deletes a table; references to it stay so the Problems panel can point at them. */
export const deleteTable = (config: AppConfig, ds: string, table: string): void => {
  delete datastoreOf(config, ds).tables[table];
  delete layoutOf(config)[ds]?.[table];
};

/** Adds a text field to a table and returns its id. */
export const addField = (config: AppConfig, ds: string, table: string, base = 'newField'): string => {
  const target = tableOf(config, ds, table);
  const id = freeId(base, Object.keys(target.fields));
  target.fields[id] = { type: 'string' };
  return id;
};

/** Renames a field of a table, and `row.<field>` / `newRow.<field>` in the table's rules with it. */
export const renameField = (config: AppConfig, ds: string, table: string, from: string, to: string): void => {
  const target = tableOf(config, ds, table);
  target.fields = renameKey(target.fields, from, to);
  renameFieldInTests(config, ds, table, from, to);
  const mention = new RegExp(`\\b(row|newRow)\\.${from}\\b`, 'g');
  for (const kind of ['create', 'update', 'delete', 'read'] as const) {
    const rule = target.rules?.[kind];
    if (rule !== undefined && target.rules) target.rules[kind] = rule.replace(mention, `$1.${to}`);
  }
};

/** Deletes a field of a table. */
export const deleteField = (config: AppConfig, ds: string, table: string, field: string): void => {
  delete tableOf(config, ds, table).fields[field];
};

/** Replaces a field's settings. */
export const setField = (
  config: AppConfig,
  ds: string,
  table: string,
  field: string,
  value: FieldConfig,
): void => {
  tableOf(config, ds, table).fields[field] = value;
};

/** Makes a field hold row ids of another table (a relation); a reference is always text. */
export const setReference = (
  config: AppConfig,
  ds: string,
  table: string,
  field: string,
  target: string | undefined,
): void => {
  const fieldConfig = tableOf(config, ds, table).fields[field];
  if (!fieldConfig) return;
  if (target === undefined) {
    delete fieldConfig.references;
    return;
  }
  fieldConfig.type = 'string';
  delete fieldConfig.min;
  delete fieldConfig.max;
  if (fieldConfig.default !== undefined && typeof fieldConfig.default !== 'string')
    delete fieldConfig.default;
  fieldConfig.references = target;
};

/** Sets or removes (undefined) one of a table's row rules. */
export const setRowRule = (
  config: AppConfig,
  ds: string,
  table: string,
  kind: RowRuleKind | 'read',
  expression: string | undefined,
): void => {
  const target = tableOf(config, ds, table);
  const rules = { ...target.rules };
  if (expression === undefined) delete rules[kind];
  else rules[kind] = expression;
  // Keep the rules in create, update, delete (then read) order so exports read the same way every time.
  const ordered: typeof rules = {};
  for (const key of ['create', 'update', 'delete', 'read'] as const)
    if (rules[key] !== undefined) ordered[key] = rules[key];
  if (Object.keys(ordered).length === 0) delete target.rules;
  else target.rules = ordered;
};
