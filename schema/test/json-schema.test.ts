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

interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: { pattern?: string };
  items?: SchemaNode;
  enum?: unknown[];
}

const kindOf = (value: unknown): string =>
  Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : typeof value === 'object'
        ? 'object'
        : typeof value;

/** Every place in `value` the schema does not describe (an unknown key, a wrong kind, a value off its enum). */
const undescribed = (node: SchemaNode, value: unknown, path: string): string[] => {
  const kind = kindOf(value);
  const wanted = (node.type === undefined ? [] : [node.type].flat()).map((type) =>
    type === 'integer' ? 'number' : type,
  );
  if (wanted.length > 0 && !wanted.includes(kind))
    return [`${path}: ${kind}, the schema says ${wanted.join(' or ')}`];
  if (node.enum && !node.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} is not in its enum`];
  if (kind === 'array' && node.items) {
    return (value as unknown[]).flatMap((item, index) => undescribed(node.items!, item, `${path}/${index}`));
  }
  if (kind !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const place = `${path}/${key}`;
    const known = node.properties?.[key];
    if (known) return undescribed(known, child, place);
    if (typeof node.additionalProperties === 'object') {
      const pattern = node.propertyNames?.pattern;
      if (pattern && !new RegExp(pattern).test(key)) return [`${place}: the key breaks ${pattern}`];
      return undescribed(node.additionalProperties, child, place);
    }
    return node.additionalProperties === false ? [`${place}: a key the schema does not know`] : [];
  });
};

test('the JSON Schema describes every key and value every template uses', () => {
  expect(templates.length).toBe(5);
  for (const template of templates) {
    const config = { $schema: './config.schema.json', ...template.config };
    expect(undescribed(configJsonSchema as SchemaNode, config, ''), template.id).toEqual([]);
  }
  // The walk itself can fail: a key the schema does not know is reported.
  expect(undescribed(configJsonSchema as SchemaNode, { format: 1, datastores: {}, extra: 1 }, '')).toEqual([
    '/extra: a key the schema does not know',
  ]);
});
