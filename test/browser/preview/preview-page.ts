// Set-up for the preview pane's browser tests: a runtime serving the pane's page, Chromium, and page helpers.
import type { AppConfig } from '@datastore-designer/schema';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startRuntime, type Runtime } from '../../support/runtime.ts';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * Builds the preview's development page (preview/dev → preview/dev/dist), which mounts PreviewPane alone and lets
 * a test hand it a config, and starts a runtime that serves it on its own origin.
 */
export const startPreviewRuntime = async (): Promise<Runtime> => {
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
    {
      cwd: resolve(repoRoot, 'preview'),
      stdio: 'inherit',
    },
  );
  return startRuntime({ assetsDir: 'preview/dev/dist' });
};

/** Starts the system Chromium (never a downloaded one). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** Opens the pane for an app and gives it a config, as the designer does with its draft; waits for the deploy. */
export const openPane = async (
  browser: Browser,
  runtime: Runtime,
  app: string,
  config: AppConfig,
): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  await page.goto(`${runtime.url}/?app=${app}`);
  await page.waitForFunction(() => 'setPreviewConfig' in window);
  await page.evaluate(
    (draft) => (window as unknown as { setPreviewConfig: (c: unknown) => void }).setPreviewConfig(draft),
    config,
  );
  await page.locator('[data-deploy="deployed"]').waitFor({ timeout: 20_000 });
  return page;
};

/** The column of one simulated person, by user id. */
export const userColumn = (page: Page, sub: string) => page.locator(`section[data-user="${sub}"]`);

/** Adds a row as a person by filling the grid's new-row inputs and pressing Add. */
export const addRow = async (page: Page, sub: string, table: string, cells: Record<string, string>) => {
  const grid = userColumn(page, sub).locator(`table[data-table="${table}"]`);
  for (const [field, value] of Object.entries(cells))
    await grid.getByLabel(`new ${field}`, { exact: true }).fill(value);
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
