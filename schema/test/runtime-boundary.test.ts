// schema/ runs in browsers, workerd and Node alike, so its sources must not reach for any one runtime's APIs.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

const sourceDir = new URL('../src/', import.meta.url);

test('no source file imports node:, cloudflare: or uses the DOM', () => {
  const files = readdirSync(sourceDir).filter((name) => name.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(5);
  for (const name of files) {
    const source = readFileSync(new URL(name, sourceDir), 'utf8');
    expect(source, name).not.toMatch(/from ['"](node:|cloudflare:)|import\(['"](node:|cloudflare:)/);
    expect(source, name).not.toMatch(/\b(window|document|localStorage|DurableObjectState)\b/);
  }
});
