// Compares two configs and names each change, marking the ones that lose data (for deploy warnings).
import type { AppConfig, DatastoreConfig, FieldConfig, TableConfig } from './config-types.ts';
import { toPointer } from './problems.ts';
import { ownEntry } from './own-key.ts';

/** One difference between two configs. */
export interface ConfigChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** True when deploying it can lose stored data: a table or field removed, or a field's type changed. */
  destructive: boolean;
  message: string;
}

/** All differences between two configs, and whether any of them loses data. */
export interface ConfigDiff {
  changes: ConfigChange[];
  destructive: boolean;
}

/** JSON with every object's keys in order, so `{type, required, auto}` and `{type, auto, required}` compare equal. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
        )
      : value;

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const diffFields = (
  segments: string[],
  tableId: string,
  before: TableConfig,
  after: TableConfig,
  changes: ConfigChange[],
): void => {
  const ids = new Set([...Object.keys(before.fields), ...Object.keys(after.fields)]);
  for (const fieldId of ids) {
    const path = toPointer([...segments, 'fields', fieldId]);
    const was: FieldConfig | undefined = ownEntry(before.fields, fieldId);
    const is: FieldConfig | undefined = ownEntry(after.fields, fieldId);
    if (!was && is) {
      changes.push({
        path,
        kind: 'added',
        destructive: false,
        message: `Field "${fieldId}" is added to table "${tableId}".`,
      });
    } else if (was && !is) {
      changes.push({
        path,
        kind: 'removed',
        destructive: true,
        message: `Field "${fieldId}" is removed from table "${tableId}": its values in every instance will be lost.`,
      });
    } else if (was && is && was.type !== is.type) {
      changes.push({
        path: `${path}/type`,
        kind: 'changed',
        destructive: true,
        message: `Field "${fieldId}" of table "${tableId}" changes from ${was.type} to ${is.type}: existing values will no longer fit.`,
      });
    } else if (!same(was, is)) {
      changes.push({
        path,
        kind: 'changed',
        destructive: false,
        message: `Field "${fieldId}" of table "${tableId}" changes its settings.`,
      });
    }
  }
};

const diffTables = (
  segments: string[],
  before: DatastoreConfig,
  after: DatastoreConfig,
  changes: ConfigChange[],
): void => {
  const ids = new Set([...Object.keys(before.tables), ...Object.keys(after.tables)]);
  for (const tableId of ids) {
    const tableSegments = [...segments, 'tables', tableId];
    const was = ownEntry(before.tables, tableId);
    const is = ownEntry(after.tables, tableId);
    if (!was && is) {
      changes.push({
        path: toPointer(tableSegments),
        kind: 'added',
        destructive: false,
        message: `Table "${tableId}" is added.`,
      });
    } else if (was && !is) {
      changes.push({
        path: toPointer(tableSegments),
        kind: 'removed',
        destructive: true,
        message: `Table "${tableId}" is removed: its rows in every instance will be lost.`,
      });
    } else if (was && is) {
      diffFields(tableSegments, tableId, was, is, changes);
      if (!same(was.rules, is.rules)) {
        changes.push({
          path: toPointer([...tableSegments, 'rules']),
          kind: 'changed',
          destructive: false,
          message: `The rules of table "${tableId}" change.`,
        });
      }
      if ((was.serverOnly === true) !== (is.serverOnly === true)) {
        changes.push({
          path: toPointer([...tableSegments, 'serverOnly']),
          kind: 'changed',
          destructive: false,
          message: is.serverOnly
            ? `Table "${tableId}" becomes server-only.`
            : `Table "${tableId}" starts syncing to clients.`,
        });
      }
    }
  }
};

const DATASTORE_SETTINGS = [
  'title',
  'instances',
  'sync',
  'connect',
  'createInstance',
  'join',
  'maxInstancesPerUser',
  'deleteIdleAfterDays',
] as const;

/** Lists what changes from one config to the next; `before` undefined means a first deploy (everything added). */
export const diffConfigs = (before: AppConfig | undefined, after: AppConfig): ConfigDiff => {
  const changes: ConfigChange[] = [];
  const beforeStores = before?.datastores ?? {};
  const ids = new Set([...Object.keys(beforeStores), ...Object.keys(after.datastores)]);
  for (const datastoreId of ids) {
    const segments = ['datastores', datastoreId];
    const was = ownEntry(beforeStores, datastoreId);
    const is = ownEntry(after.datastores, datastoreId);
    if (!was && is) {
      changes.push({
        path: toPointer(segments),
        kind: 'added',
        destructive: false,
        message: `Datastore "${datastoreId}" is added.`,
      });
    } else if (was && !is) {
      const tables = Object.keys(was.tables);
      changes.push({
        path: toPointer(segments),
        kind: 'removed',
        destructive: tables.length > 0,
        message: `Datastore "${datastoreId}" is removed: all of its instances' data will be lost.`,
      });
    } else if (was && is) {
      for (const setting of DATASTORE_SETTINGS) {
        if (!same(was[setting], is[setting])) {
          changes.push({
            path: toPointer([...segments, setting]),
            kind: 'changed',
            destructive: false,
            message:
              `Datastore "${datastoreId}": ${setting} changes${was[setting] === undefined || is[setting] === undefined ? '' : ` from ${JSON.stringify(was[setting])} to ${JSON.stringify(is[setting])}`}.` +
              (setting === 'instances'
                ? ' Data already stored stays in the instances of the old kind, where the new kind will not look for it.'
                : ''),
          });
        }
      }
      diffTables(segments, was, is, changes);
    }
  }
  if (!same(before?.tests ?? [], after.tests ?? [])) {
    const count = (after.tests ?? []).length;
    changes.push({
      path: '/tests',
      kind: before?.tests === undefined ? 'added' : after.tests === undefined ? 'removed' : 'changed',
      destructive: false,
      message: `The tests change (${count} scenario${count === 1 ? '' : 's'} now); they never change what is allowed.`,
    });
  }
  return { changes, destructive: changes.some((change) => change.destructive) };
};
