// The committed JSON Schema must be what the zod description generates; set UPDATE_JSON_SCHEMA=1 to rewrite it.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { configJsonSchema, generateConfigJsonSchema, templates } from '../src/index.ts';

const file = new URL('../config.schema.json', import.meta.url);

test('the committed config.schema.json is up to date', () => {
  const generated = JSON.stringify(generateConfigJsonSchema(), null, 2) + '\n';
  if (process.env.UPDATE_JSON_SCHEMA === '1') writeFileSync(file, generated);
  expect(readFileSync(file, 'utf8'), 'run: UPDATE_JSON_SCHEMA=1 npm run test:unit -w schema').toBe(generated);
  expect(configJsonSchema).toEqual(JSON.parse(generated));
});

test('the JSON Schema knows every key a template uses', () => {
  const properties = (configJsonSchema as { properties: Record<string, unknown> }).properties;
  expect(Object.keys(properties)).toEqual(
    expect.arrayContaining(['format', 'datastores', 'designer', 'tests', '$schema']),
  );
  expect(templates.length).toBe(5);
});
