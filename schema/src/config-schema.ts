// The zod description of the config JSON: the structural half of validation, and the source of the JSON Schema.
import { z } from 'zod';

/** Datastore, table and field ids: a letter first, then letters, digits or underscores. */
export const ID_PATTERN = /^[a-z][a-zA-Z0-9_]{0,63}$/;

/** App ids: lower-case letters, digits and dashes, a letter first. */
export const APP_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

const id = z.string().regex(ID_PATTERN);
const rule = z.string().describe('A CEL expression of type bool.');
const cellValue = z.union([z.string(), z.number(), z.boolean()]);

const fieldSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean']).describe('The kind of value the field holds.'),
  required: z.boolean().optional().describe('Must be present on create and can never be deleted.'),
  default: cellValue.optional().describe('Filled in by the server on create when absent.'),
  maxLength: z.int().min(0).optional().describe('Longest allowed text (string fields).'),
  min: z.number().optional().describe('Smallest allowed number (number fields).'),
  max: z.number().optional().describe('Largest allowed number (number fields).'),
  references: id.optional().describe('Another table of the same datastore whose row ids this field holds.'),
});

const tableSchema = z.strictObject({
  serverOnly: z.boolean().optional().describe('Never synced to clients; only the server data API sees it.'),
  fields: z.record(id, fieldSchema),
  rules: z
    .strictObject({
      create: rule.optional(),
      update: rule.optional(),
      delete: rule.optional(),
    })
    .optional()
    .describe('Who may create, update and delete rows; an absent rule denies.'),
});

const datastoreSchema = z.strictObject({
  title: z.string().optional(),
  instances: z.enum(['single', 'perUser', 'perTenant', 'multi']),
  sync: z.enum(['twoWay', 'serverToClient']),
  connect: rule.optional().describe("Who may open (and so read) an instance. Default: user.id != ''"),
  createInstance: rule.optional().describe("multi only: who may create an instance. Default: user.id != ''"),
  join: rule.optional().describe('multi only: who may add themselves by id. Default: false'),
  maxInstancesPerUser: z.int().min(1).optional(),
  deleteIdleAfterDays: z.number().positive().optional(),
  tables: z.record(id, tableSchema),
});

/** The whole config's structure; cross-field checks live in validate-config.ts. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(1),
  datastores: z.record(id, datastoreSchema),
  designer: z.record(z.string(), z.unknown()).optional(),
});
