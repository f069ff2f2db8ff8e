// Generates the worker's Env and runtime types (runtime-worker/worker-configuration.d.ts, not committed) with
// `wrangler types` when they are missing or older than wrangler.jsonc or the installed wrangler.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('../runtime-worker/', import.meta.url));
const output = `${worker}worker-configuration.d.ts`;
const wranglerPackage = createRequire(`${worker}package.json`).resolve('wrangler/package.json');
const inputs = [`${worker}wrangler.jsonc`, wranglerPackage];

const stale =
  !existsSync(output) || inputs.some((input) => statSync(input).mtimeMs > statSync(output).mtimeMs);
if (stale) {
  console.log('Generating runtime-worker/worker-configuration.d.ts (wrangler types)…');
  execFileSync('npx', ['--no-install', 'wrangler', 'types', '--strict-vars=false'], {
    cwd: worker,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
