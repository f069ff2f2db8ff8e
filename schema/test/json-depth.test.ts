// The depth bound on JSON: deep nesting anywhere in a config is one clear problem with a pointer, never a crash.
import { describe, expect, test } from 'vitest';
import {
  jsonDepthProblem,
  MAX_JSON_DEPTH,
  parseConfigText,
  templates,
  validateConfig,
} from '../src/index.ts';

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

const todo = templates.find((template) => template.id === 'todo')!.config;

describe('JSON depth', () => {
  test('3,000 levels in the designer section is one problem pointing into it', () => {
    const result = validateConfig({ ...todo, designer: { layout: nested(3000) } });
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'too_deep' });
    expect(result.errors[0]!.path.startsWith('/designer/layout/')).toBe(true);
    expect(result.errors[0]!.message).toContain(String(MAX_JSON_DEPTH));
  });

  test('a 6 KB text of 3,000 levels inside a table is refused the same way, from text', () => {
    const text = JSON.stringify({
      format: 1,
      datastores: {
        board: { instances: 'single', sync: 'twoWay', tables: { notes: { fields: nested(3000) } } },
      },
    });
    expect(text.length).toBeLessThan(16_000);
    const [problem] = parseConfigText(text).errors;
    expect(problem).toMatchObject({ code: 'too_deep' });
    expect(problem!.path.startsWith('/datastores/board/tables/notes/fields/')).toBe(true);
  });

  test('the pointer names the first place that is too deep, one level past the limit', () => {
    const problem = jsonDepthProblem({ x: nested(MAX_JSON_DEPTH) });
    expect(problem?.path.split('/').length).toBe(MAX_JSON_DEPTH + 1);
    expect(problem?.path.startsWith('/x/')).toBe(true);
  });

  test('exactly the limit passes; a million levels is still answered', () => {
    expect(jsonDepthProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonDepthProblem(nested(MAX_JSON_DEPTH + 1))).toBeDefined();
    expect(jsonDepthProblem(nested(1_000_000))).toBeDefined();
  });

  test('every template is far from the limit', () => {
    for (const template of templates) expect(jsonDepthProblem(template.config, 12)).toBeUndefined();
  });
});
