// Set-up for the preview pane's browser tests: a runtime serving the pane's page, Chromium, and page helpers.
import type { AppConfig } from '@datastore-designer/schema';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { launchChromium, openPage } from '../support/designer-browser.ts';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const designerDist = resolve(repoRoot, 'designer/dist');

/** Which page hosts the pane: the built designer's Preview tab, or (when the designer is not built) preview/dev. */
export const paneHost: 'designer' | 'dev' = existsSync(resolve(designerDist, 'index.html'))
  ? 'designer'
  : 'dev';

/**
 * Starts a runtime serving the built designer (root `test:all` builds it first). Without designer/dist, builds the
 * preview's development page (preview/dev, which mounts PreviewPane alone) and serves that instead.
 */
export const startPreviewRuntime = async (): Promise<Runtime> => {
  if (paneHost === 'designer') return startRuntime({ assetsDir: 'designer/dist' });
  return startDevPagesRuntime();
};

/** Builds preview/dev (the pane alone at `/`, the client library at `/client.html`) and serves it from a runtime. */
export const startDevPagesRuntime = async (): Promise<Runtime> => {
  execFileSync(
    process.execPath,
    [
      resolve(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'dev/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: resolve(repoRoot, 'preview'), stdio: 'inherit' },
  );
  return startRuntime({ assetsDir: 'preview/dev/dist' });
};

/** Starts the system Chromium (never a downloaded one); the designer tests' launcher, shared. */
export { launchChromium };

/**
 * Opens the pane with a config as a person would: in the designer, import the config as a file named after the
 * app and open the Preview tab (the draft is what the designer hands the pane); on the dev page, hand it over
 * directly. Waits until the draft runs on the preview app.
 */
export const openPane = async (
  browser: Browser,
  runtime: Runtime,
  app: string,
  config: AppConfig,
  prepare?: (context: BrowserContext) => Promise<unknown>,
): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
  await prepare?.(context);
  const page = await context.newPage();
  if (paneHost === 'designer') {
    await openPage(page, `${runtime.url}/`);
    await page.getByTestId('import-input').setInputFiles({
      name: `${app}.json`,
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(config)),
    });
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
  } else {
    await openPage(page, `${runtime.url}/?app=${app}`);
    await page.waitForFunction(() => 'setPreviewConfig' in window);
    await page.evaluate(
      (draft) => (window as unknown as { setPreviewConfig: (c: unknown) => void }).setPreviewConfig(draft),
      config,
    );
  }
  await page
    .locator(`[data-preview-app="${app}-preview"] [data-deploy="deployed"]`)
    .waitFor({ timeout: 20_000 });
  return page;
};

/** The column of one simulated person, by user id. */
export const userColumn = (page: Page, sub: string) => page.locator(`section[data-user="${sub}"]`);

/** Replaces what a box holds by typing, as a person does (click, select all, type). */
export const typeInto = async (page: Page, box: Locator, text: string): Promise<void> => {
  await box.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
};

/** Adds a row as a person by typing into the grid's new-row inputs and pressing Add. */
export const addRow = async (page: Page, sub: string, table: string, cells: Record<string, string>) => {
  const grid = userColumn(page, sub).locator(`table[data-table="${table}"]`);
  for (const [field, value] of Object.entries(cells))
    await typeInto(page, grid.getByLabel(`new ${field}`, { exact: true }), value);
  await grid.getByRole('button', { name: 'Add' }).click();
};

/** The ids of the rows of a table (in one person's grid) whose `field` currently shows `value`. */
export const rowIdsWith = (
  page: Page,
  sub: string,
  table: string,
  field: string,
  value: string,
): Promise<string[]> =>
  userColumn(page, sub)
    .locator(`table[data-table="${table}"] tr[data-row]`)
    .evaluateAll(
      (rows, [wantedField, wantedValue]) =>
        rows
          .filter((row) => {
            const input = row.querySelector<HTMLInputElement>(`input[aria-label^="${wantedField} of "]`);
            return input?.value === wantedValue;
          })
          .map((row) => row.getAttribute('data-row') ?? ''),
      [field, value],
    );

/**
 * Registers a pane test file's hooks: one preview runtime and one Chromium for the file, and each pane opened
 * during a test closed (its whole browser context) after that test. `open` opens a pane on them.
 */
export const paneSuite = () => {
  let runtime: Runtime | undefined;
  let browser: Browser | undefined;
  const opened: Page[] = [];
  beforeAll(async () => {
    runtime = await startPreviewRuntime();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((page) => page.context().close()));
  });
  const started = (): { runtime: Runtime; browser: Browser } => {
    if (!runtime || !browser) throw new Error('The pane suite has not started yet (use it inside a test).');
    return { runtime, browser };
  };
  return {
    /** The file's preview runtime. */
    get runtime(): Runtime {
      return started().runtime;
    },
    /** Opens a pane on the draft `config` as app `app` (see openPane); closed after the test. */
    open: async (app: string, config: AppConfig, prepare?: (context: BrowserContext) => Promise<unknown>) => {
      const page = await openPane(started().browser, started().runtime, app, config, prepare);
      opened.push(page);
      return page;
    },
  };
};
