// `npm run bench`, in Chromium: the in-process test runner bundled for the browser (as the designer runs it), timed.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { AppConfig } from '@datastore-designer/schema';
import { launchChromium } from '../browser/support/designer-browser.ts';

const WARM_UP = 5;
const MEASURED = 15;

/** The page's script: runTests from the schema package, and a timer the bench calls with the config. */
const ENTRY = `
import { runTests } from '@datastore-designer/schema';
globalThis.benchScenarios = (config, warmUp, measured) => {
  const times = [];
  for (let i = 0; i < warmUp + measured; i++) {
    const start = performance.now();
    const run = runTests(config);
    const elapsed = performance.now() - start;
    if (run.failed !== 0) throw new Error('the benchmark scenarios must pass');
    if (i >= warmUp) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
};
`;

/** Bundles the runner for the browser, minified as the designer's build ships it. */
const bundle = async (): Promise<string> => {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild made no bundle of the test runner');
  return output.text;
};

/** Median milliseconds for headless Chromium to run every scenario of `config` in process. */
export const measureScenariosInBrowser = async (config: AppConfig): Promise<number> => {
  const script = await bundle();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>scenarios bench</title>');
    await page.addScriptTag({ content: script });
    return await page.evaluate(
      ([draft, warmUp, measured]) =>
        (
          globalThis as unknown as {
            benchScenarios: (config: unknown, warmUp: number, measured: number) => number;
          }
        ).benchScenarios(draft, warmUp, measured),
      [config, WARM_UP, MEASURED] as const,
    );
  } finally {
    await browser.close();
  }
};

/** The bench table's row for the browser run of `config`'s scenarios (100 × 20 steps), against its target. */
export const scenariosInBrowserRow = async (config: AppConfig): Promise<string[]> => {
  const steps = (config.tests ?? []).reduce((sum, scenario) => sum + scenario.steps.length, 0);
  const count = config.tests?.length ?? 0;
  const ms = await measureScenariosInBrowser(config);
  return [
    `${count} scenarios of ${count === 0 ? 0 : steps / count} steps, in Chromium`,
    `${ms.toFixed(1)} ms`,
    '',
    '',
    `< 100 ms ${ms < 100 ? 'met' : 'MISSED'}`,
  ];
};
