// The packed packages in an app outside the repository: installed with npm, run with plain node and checked with
// tsc against a real wrangler dev, and the guide's browser and React examples built with Vite and used in Chromium.
import { connect, type Connection } from '@datastore-designer/preview/client';
import react from '@vitejs/plugin-react';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../browser/support/designer-browser.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api, mintToken } from '../preview/preview-fixture.ts';
import { makeOutsideApp, repoRoot, type OutsideApp } from './outside-app.ts';

const APP = 'outside-app';
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

let outside: OutsideApp;
let runtime: Runtime;
let browser: Browser | undefined;
const manifestsBefore = new Map<string, string>();

/** Runs the repository's tsc on a project of the scratch app; returns its exit status and output. */
const runTsc = (project: string) => {
  const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: outside.dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

/** Builds one of the guide's pages with Vite into the folder the runtime serves. */
const buildPage = (page: 'browser' | 'react') =>
  build({
    root: join(outside.dir, page),
    configFile: false,
    logLevel: 'warn',
    plugins: page === 'react' ? [react()] : [],
    base: `/${page}/`,
    build: { outDir: join(outside.dir, 'site', page), emptyOutDir: true },
  });

/** Waits until an asynchronous check passes, or fails with its last error. */
const eventuallyAsync = async (check: () => Promise<void>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
};

const statsOnServer = async () =>
  (await api(runtime, 'GET', `/api/apps/${APP}/datastores/board/instances/main/stats`)) as {
    connections: number;
  };

const rowsOnServer = async () =>
  (await api(runtime, 'GET', `/api/apps/${APP}/datastores/board/instances/main/tables/notes/rows`)) as Record<
    string,
    Record<string, unknown>
  >;

beforeAll(async () => {
  for (const workspace of ['schema', 'preview']) {
    manifestsBefore.set(workspace, await readFile(join(repoRoot, workspace, 'package.json'), 'utf8'));
  }
  outside = await makeOutsideApp();
  const compiled = runTsc('tsconfig.json');
  if (compiled.status !== 0)
    throw new Error(`the guide's typed example does not compile:\n${compiled.output}`);
  await buildPage('browser');
  await buildPage('react');
  runtime = await startRuntime({ assetsDir: join(outside.dir, 'site') });
  const { config } = (await import(pathToFileURL(join(outside.dir, 'out', 'board-config.js')).href)) as {
    config: unknown;
  };
  await api(runtime, 'PUT', `/api/apps/${APP}/config`, config);
  await api(runtime, 'PUT', `/api/apps/${APP}/datastores/board/instances/main/tables/notes/rows/welcome`, {
    text: 'Welcome to the board',
    author: 'team',
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  if (outside) await rm(outside.dir, { recursive: true, force: true });
});

describe('the packed packages', () => {
  test('hold built ESM, declarations and the JSON Schema, and packing leaves the workspace as it was', async () => {
    for (const workspace of ['schema', 'preview']) {
      expect(await readFile(join(repoRoot, workspace, 'package.json'), 'utf8')).toBe(
        manifestsBefore.get(workspace),
      );
      expect(existsSync(join(repoRoot, workspace, '.package.workspace.json'))).toBe(false);
    }
    const entries = (tarball: string) =>
      execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    const schemaFiles = entries(outside.tarballs.schema);
    const previewFiles = entries(outside.tarballs.preview);
    expect(schemaFiles).toContain('package/config.schema.json');
    expect(schemaFiles).toContain('package/dist/index.js');
    expect(schemaFiles).toContain('package/dist/index.d.ts');
    for (const entry of ['client', 'react', 'pane', 'index']) {
      expect(previewFiles).toContain(`package/dist/${entry}.js`);
      expect(previewFiles).toContain(`package/dist/${entry}.d.ts`);
    }
    const sources = [...schemaFiles, ...previewFiles].filter(
      (file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'),
    );
    expect(sources).toEqual([]);

    const installed = join(outside.dir, 'node_modules', '@datastore-designer');
    const manifest = JSON.parse(await readFile(join(installed, 'preview', 'package.json'), 'utf8')) as {
      version: string;
      peerDependencies: Record<string, string>;
      dependencies: Record<string, string>;
      scripts?: unknown;
    };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(manifest.peerDependencies)).toContain('tinybase');
    expect(Object.keys(manifest.dependencies)).not.toContain('tinybase');
    expect(manifest.scripts).toBeUndefined();
    // One copy of TinyBase in the app: the library's and the app's store types are the same types.
    expect(existsSync(join(installed, 'preview', 'node_modules', 'tinybase'))).toBe(false);
    expect(existsSync(join(installed, 'schema', 'node_modules', 'tinybase'))).toBe(false);
    const jsonSchema = JSON.parse(
      await readFile(join(installed, 'schema', 'config.schema.json'), 'utf8'),
    ) as {
      $schema?: string;
    };
    expect(jsonSchema.$schema).toContain('json-schema.org');
  });

  test('plain node runs the guide’s Node example against wrangler dev', async () => {
    const run = spawnSync(process.execPath, ['node-app.mjs'], {
      cwd: outside.dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        RUNTIME_URL: runtime.url,
        APP,
        USER_TOKEN: await mintToken(runtime, APP, 'nora'),
      },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('signed in as nora; 1 notes on the board');
    expect(run.stdout).toMatch(/refused: update of notes\/welcome: .+/);
    const rows = await rowsOnServer();
    expect(rows['from-node']).toMatchObject({ text: 'Hello from Node', author: 'nora', pinned: false });
    expect(rows.welcome?.text).toBe('Welcome to the board');
  });

  test('tsc checks the typed example against the declarations, and it runs with node', async () => {
    // beforeAll compiled it with the guide's tsconfig.json; run what tsc wrote.
    const run = spawnSync(process.execPath, ['out/typed-app.js'], {
      cwd: outside.dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        RUNTIME_URL: runtime.url,
        APP,
        USER_TOKEN: await mintToken(runtime, APP, 'tess'),
      },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Typed from TypeScript; the welcome note is pinned: false');
    expect((await rowsOnServer()).typed).toMatchObject({ author: 'tess' });

    // The same program with a misspelled field does not compile.
    const typed = await readFile(join(outside.dir, 'typed-app.ts'), 'utf8');
    await writeFile(
      join(outside.dir, 'misspelled-app.ts'),
      typed.replace("{ text: 'Typed", "{ titel: 'Typed"),
    );
    await writeFile(
      join(outside.dir, 'tsconfig.misspelled.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        files: ['misspelled-app.ts'],
        compilerOptions: { noEmit: true },
      }),
    );
    const misspelled = runTsc('tsconfig.misspelled.json');
    expect(misspelled.status).not.toBe(0);
    expect(misspelled.output).toContain('titel');
  });

  test('the React example type-checks with the app’s own JSX setting only', async () => {
    await writeFile(
      join(outside.dir, 'tsconfig.react.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'esnext',
          moduleResolution: 'bundler',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          jsx: 'react-jsx',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        files: ['react/main.tsx'],
      }),
    );
    const checked = runTsc('tsconfig.react.json');
    expect(checked.output).toBe('');
    expect(checked.status).toBe(0);
  });

  test('/client bundles without React, zod or the rule engine', async () => {
    const entry = join(outside.dir, 'node_modules', '@datastore-designer', 'preview', 'dist', 'client.js');
    const bundled = (await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        write: false,
        lib: { entry, formats: ['es'], fileName: 'client' },
        rollupOptions: { external: [/^tinybase/] },
      },
    })) as Rollup.RollupOutput[];
    const chunks = bundled.flatMap((output) => output.output).filter((item) => item.type === 'chunk');
    const modules = chunks.flatMap((chunk) => Object.keys(chunk.modules));
    expect(modules.length).toBeGreaterThan(5);
    expect(modules.filter((id) => /node_modules\/(react|react-dom|zod|@marcbachmann)\//.test(id))).toEqual(
      [],
    );
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.code.length, 0);
    console.log(
      `@datastore-designer/preview/client bundles to ${(bytes / 1024).toFixed(1)} KB (TinyBase apart)`,
    );
  });
});

describe('the guide’s pages in Chromium', () => {
  const nodeClient = async (user: string): Promise<Connection> =>
    connect({
      url: runtime.url,
      app: APP,
      datastore: 'board',
      instance: 'main',
      token: await mintToken(runtime, APP, user),
      WebSocket,
      persister: false,
    });

  for (const page of ['browser', 'react'] as const) {
    test(`the ${page} example shows the board, takes a typed note, and shows another person’s note`, async () => {
      browser ??= await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      const user = `${page}-user`;
      const watcher = await nodeClient(`${page}-watcher`);
      try {
        const token = await mintToken(runtime, APP, user);
        await tab.goto(`${runtime.url}/${page}/index.html?app=${APP}&token=${encodeURIComponent(token)}`);
        await tab.getByText('Welcome to the board').waitFor();
        await tab.getByRole('textbox', { name: 'New note' }).click();
        await tab.keyboard.type(`Typed in the ${page} page`);
        await tab.keyboard.press('Enter');
        await eventuallyAsync(async () => {
          const mine = Object.values(await rowsOnServer()).find(
            (row) => row.text === `Typed in the ${page} page`,
          );
          expect(mine).toMatchObject({ author: user, pinned: false });
        });
        await watcher.whenStatus('online');
        watcher.untypedStore.setRow('notes', `${page}-from-node`, {
          text: `Hello to the ${page} page`,
          author: `${page}-watcher`,
        });
        await tab.getByText(`Hello to the ${page} page`).waitFor();
        expect(errors).toEqual([]);
        // One socket for the page (React's StrictMode mounts twice: the first connection is closed) and the
        // watcher's; closing the page closes its socket.
        await eventuallyAsync(async () => expect((await statsOnServer()).connections).toBe(2));
        await context.close();
        await eventuallyAsync(async () => expect((await statsOnServer()).connections).toBe(1));
      } finally {
        await watcher.destroy();
        await context.close();
      }
    });
  }
});
