// The config JSON as TypeScript types: what the designer exports and the runtime deploys.
import type { Scenario } from './scenario-types.ts';

/** The kind of value a field holds; a cell of any other kind is invalid. */
export type FieldType = 'string' | 'number' | 'boolean';

/** A cell value as stored in TinyBase. */
export type CellValue = string | number | boolean;

/** A row: field id to value; an unset field is an absent key. */
export type Row = Record<string, CellValue>;

/**
 * A value the server writes, never a client: who created the row (`creator`, text), when it was created
 * (`createdAt`) or last changed (`updatedAt`), both numbers of milliseconds since the epoch.
 */
export type AutoKind = 'creator' | 'createdAt' | 'updatedAt';

/** One field of a table. */
export interface FieldConfig {
  type: FieldType;
  auto?: AutoKind;
  required?: boolean;
  default?: CellValue;
  maxLength?: number;
  min?: number;
  max?: number;
  references?: string;
}

/** The three row rules (an absent one denies), and who can see rows (absent: everyone who may open it). */
export interface TableRules {
  create?: string;
  update?: string;
  delete?: string;
  read?: string;
}

/** A table: its fields and its rules. */
export interface TableConfig {
  serverOnly?: boolean;
  fields: Record<string, FieldConfig>;
  rules?: TableRules;
}

/** How instances of a datastore are found and made. */
export type InstanceKind = 'single' | 'perUser' | 'perTenant' | 'multi';

/** Which way data may flow between clients and the server. */
export type SyncMode = 'twoWay' | 'serverToClient';

/** A datastore: tables, instance kind, sync mode and its instance-level rules. */
export interface DatastoreConfig {
  title?: string;
  instances: InstanceKind;
  sync: SyncMode;
  connect?: string;
  createInstance?: string;
  join?: string;
  maxInstancesPerUser?: number;
  deleteIdleAfterDays?: number;
  tables: Record<string, TableConfig>;
}

/** A whole app config, as exported by the designer and deployed to the runtime. */
export interface AppConfig {
  $schema?: string;
  format: 1;
  datastores: Record<string, DatastoreConfig>;
  /** Canvas positions and the like; stored by the runtime and otherwise ignored. */
  designer?: Record<string, unknown>;
  /** Scenarios of who can and cannot do what; validated and stored, never used to enforce anything. */
  tests?: Scenario[];
}

/** The rules that belong to a datastore rather than a table. */
export type InstanceRuleKind = 'connect' | 'createInstance' | 'join';

/** The rules that judge a change to a row. */
export type RowRuleKind = 'create' | 'update' | 'delete';

/** Every kind of rule; `read` says who can see a table's rows. */
export type RuleKind = InstanceRuleKind | RowRuleKind | 'read';

/** The defaults of absent instance-level rules. */
export const DEFAULT_INSTANCE_RULES: Record<InstanceRuleKind, string> = {
  connect: "user.id != ''",
  createInstance: "user.id != ''",
  join: 'false',
};
