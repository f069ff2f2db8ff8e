// The zod description of the config JSON: the structural half of validation, and the source of the JSON Schema.
import { z } from 'zod';
import { REFUSAL_RULES, type RefusalRule } from './scenario-types.ts';

/** Datastore, table and field ids: a letter first, then letters, digits or underscores. */
export const ID_PATTERN = /^[a-z][a-zA-Z0-9_]{0,63}$/;

/** App ids: lower-case letters, digits and dashes, a letter first. */
export const APP_ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

const id = z.string().regex(ID_PATTERN);
const rule = z.string().describe('A CEL expression of type bool.');
const cellValue = z.union([z.string(), z.number(), z.boolean()]);

const fieldSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean']).describe('The kind of value the field holds.'),
  auto: z
    .enum(['creator', 'createdAt', 'updatedAt'])
    .optional()
    .describe(
      'Written by the server, never a client: creator (text: who created the row), createdAt or updatedAt (numbers: milliseconds since the epoch).',
    ),
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
      read: rule
        .optional()
        .describe(
          'Who can see rows; may use user, instance and only the row fields that never change (auto creator, createdAt). Absent: everyone who may open the instance.',
        ),
    })
    .optional()
    .describe('Who may create, update and delete rows (an absent rule denies), and who can see them.'),
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

const refusalRule = z.enum(REFUSAL_RULES as [RefusalRule, ...RefusalRule[]]);
const expectation = z
  .union([z.enum(['accepted', 'refused']), z.strictObject({ refused: refusalRule })])
  .describe('What the step expects; absent means "accepted".');
const person = z.string().describe('A user id; "" is someone without a token.');
const instanceName = z.string().min(1).describe('multi only: the local name of an instance a step created.');
const cells = z.record(z.string(), cellValue);
const rowAddress = [z.string().min(1).describe('Table id'), z.string().min(1).describe('Row id')] as const;

const stepSchema = z.union([
  z.strictObject({
    as: person.optional(),
    server: z.literal(true).optional().describe('Write through the server data API instead of as a person.'),
    instance: instanceName.optional(),
    set: z.tuple([...rowAddress, cells]).describe('Merge these cells into the row, as one change.'),
    expect: expectation.optional(),
  }),
  z.strictObject({
    as: person.optional(),
    server: z.literal(true).optional(),
    instance: instanceName.optional(),
    delete: z.tuple([...rowAddress]).describe('Delete the row.'),
    expect: expectation.optional(),
  }),
  z.strictObject({
    as: person,
    instance: instanceName.optional(),
    sees: z
      .tuple([...rowAddress, cells.nullable()])
      .describe("The person's copy has at least these cells; null: the row is absent."),
  }),
  z.strictObject({
    as: person,
    instance: instanceName.optional(),
    connect: z.enum(['accepted', 'refused']).describe('Whether the person may open the instance.'),
  }),
  z.strictObject({ as: person, createInstance: instanceName, expect: expectation.optional() }),
  z.strictObject({ as: person, join: instanceName, expect: expectation.optional() }),
  z.strictObject({
    as: person,
    invite: z.string().min(1).describe('The user id to add as a member.'),
    instance: instanceName,
    expect: expectation.optional(),
  }),
]);

const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  datastore: id,
  people: z
    .record(
      z.string(),
      z.strictObject({ roles: z.array(z.string()).optional(), tenant: z.string().optional() }),
    )
    .optional()
    .describe('Roles and tenant per user id; an unlisted user has neither.'),
  steps: z.array(stepSchema),
});

/** The `tests` section's structure; its plain-words checks live in scenario-validation.ts. */
export const testsSchema = z
  .array(scenarioSchema)
  .describe('Scenarios that say what given people can and cannot do; never used to enforce anything.');

/** The whole config's structure; cross-field checks live in validate-config.ts. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(1),
  datastores: z.record(id, datastoreSchema),
  designer: z.record(z.string(), z.unknown()).optional(),
  tests: testsSchema.optional(),
});
