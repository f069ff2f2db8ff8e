// The one bound on how deeply JSON may nest, checked without recursion so no input can overflow the stack.
import { type ConfigProblem, toPointer } from './problems.ts';

/**
 * How deeply objects and lists may nest in a config (its `designer` and `tests` sections included), a snapshot
 * or any other JSON body. A real config nests about 8 levels; recursive walks of a few thousand overflow.
 */
export const MAX_JSON_DEPTH = 64;

/** The first place where `value` nests deeper than `maxDepth` objects and lists, as a problem; else undefined. */
export const jsonDepthProblem = (value: unknown, maxDepth = MAX_JSON_DEPTH): ConfigProblem | undefined => {
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.path.length >= maxDepth) {
      return {
        path: toPointer(next.path),
        code: 'too_deep',
        message: `This nests objects and lists more than ${maxDepth} levels deep. Flatten it: nothing here needs that many.`,
      };
    }
    for (const [key, child] of Object.entries(next.value)) {
      if (child !== null && typeof child === 'object') {
        pending.push({ value: child, path: [...next.path, Array.isArray(next.value) ? Number(key) : key] });
      }
    }
  }
  return undefined;
};
