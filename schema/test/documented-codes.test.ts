// The product's own docs list every code that crosses the wire, so a code added here cannot go undocumented.
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { CLOSE_MEANINGS, ERROR_CODES, REJECTION_RULES } from '../src/wire.ts';

const doc = (name: string) => readFile(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('docs/', () => {
  test('the HTTP API reference lists every error code', async () => {
    const text = await doc('http-api.md');
    const missing = Object.keys(ERROR_CODES).filter((code) => !text.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  test('the sync protocol lists every close code and every rule a rejection notice can name', async () => {
    const text = await doc('sync-protocol.md');
    expect(Object.keys(CLOSE_MEANINGS).filter((code) => !text.includes(`| ${code} `))).toEqual([]);
    expect(Object.keys(REJECTION_RULES).filter((rule) => !text.includes(`\`${rule}\``))).toEqual([]);
  });
});
