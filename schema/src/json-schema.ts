// The config's JSON Schema, generated from the zod description, so editors can complete and check config files.
import { z } from 'zod';
import { configSchema } from './config-schema.ts';

/** Generates the JSON Schema of the config (the committed `schema/config.schema.json` is this, written out). */
export const generateConfigJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }),
  title: 'Datastore Designer app config',
  description: 'The config of an app: its datastores, their tables, sync mode and rules.',
});
