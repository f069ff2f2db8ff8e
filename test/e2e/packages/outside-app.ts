// Builds an app outside the repository the way the "Connect an app" guide says: packs schema/ and preview/,
// installs the tarballs with npm into a scratch folder, and writes the guide's files there exactly as printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The guide whose files the scratch app is made of. */
export const guidePath = join(repoRoot, 'docs', 'connect-an-app.md');

/** Every fenced block of the guide with a `title="file"`, by file name. */
export const guideFiles = async (): Promise<Map<string, string>> => {
  const text = await readFile(guidePath, 'utf8');
  const files = new Map<string, string>();
  for (const match of text.matchAll(/^```\w+ title="([^"]+)"\n([\s\S]*?)^```$/gm)) {
    const [, name = '', body = ''] = match;
    files.set(name, body);
  }
  return files;
};

/** Versions of what the scratch app installs from the registry: the ones the repository itself uses. */
const installedVersion = async (name: string): Promise<string> =>
  (
    JSON.parse(await readFile(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** The scratch app: its folder and the tarballs it installed. */
export interface OutsideApp {
  dir: string;
  tarballs: { schema: string; preview: string };
}

/** `npm pack` in one workspace, into `destination`; returns the tarball's path. */
const pack = (workspace: string, destination: string): string => {
  const output = execFileSync('npm', ['pack', '--pack-destination', destination, '--silent'], {
    cwd: join(repoRoot, workspace),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const name = output.trim().split('\n').pop() ?? '';
  return join(destination, name);
};

/** Packs both packages, installs them (with tinybase, ws, React and types) into a new folder, writes the guide. */
export const makeOutsideApp = async (): Promise<OutsideApp> => {
  const dir = await mkdtemp(join(tmpdir(), 'dd-outside-app-'));
  const tarballs = { schema: pack('schema', dir), preview: pack('preview', dir) };
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'outside-app', private: true, type: 'module' }, null, 2)}\n`,
  );
  const fromRegistry = await Promise.all(
    [
      'tinybase',
      'ws',
      'react',
      'react-dom',
      '@types/ws',
      '@types/node',
      '@types/react',
      '@types/react-dom',
    ].map(async (name) => `${name}@${await installedVersion(name)}`),
  );
  const install = spawnSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      tarballs.schema,
      tarballs.preview,
      ...fromRegistry,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`npm install in the scratch app failed:\n${install.stderr}`);
  for (const [name, body] of await guideFiles()) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), body);
  }
  return { dir, tarballs };
};
