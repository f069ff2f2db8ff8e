// Makes `npm start` and `npm test` work on a fresh clone: installs the npm packages when they are missing,
// and says in one line what to install when something outside npm (Chromium) is missing.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const needsChromium = process.argv.includes('--chromium');

if (!existsSync(`${root}/node_modules/.package-lock.json`)) {
  console.log('Installing npm packages (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

if (needsChromium && !existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  console.error(
    'Chromium is missing: run `apt-get update && apt-get install -y chromium` (as root), then try again.',
  );
  process.exit(1);
}
