// One browser suite of the designer: a runtime serving designer/dist and Chromium for the file, pages closed after use.
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser } from 'playwright-core';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import {
  assertDesignerBuilt,
  designerDist,
  launchChromium,
  openDesigner,
  type DesignerPage,
} from './designer-browser.ts';

/** What a test file of the designer works with once its `beforeAll` has run. */
export interface DesignerSuite {
  /** The runtime serving the built designer. */
  readonly runtime: Runtime;
  /** The Chromium every page of the file opens in. */
  readonly browser: Browser;
  /**
   * Opens the designer at a path on the suite's runtime (or a full address) in a fresh browser context; one
   * opened inside a test is closed after that test, one opened outside (in `beforeAll`) after the file.
   */
  open(path?: string): Promise<DesignerPage>;
}

/** How a suite records a failed test: `failureShots` names the screenshot of its last page in the temp folder. */
export interface DesignerSuiteOptions {
  failureShots?: string;
}

/** Registers the file's hooks (runtime, Chromium, closing pages) and returns what its tests use. */
export const designerSuite = (options: DesignerSuiteOptions = {}): DesignerSuite => {
  let runtime: Runtime | undefined;
  let browser: Browser | undefined;
  let inTest = false;
  const perTest: DesignerPage[] = [];
  const perFile: DesignerPage[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`The ${what} is not started yet: use it inside a test or beforeAll.`);
    return value;
  };

  beforeAll(async () => {
    assertDesignerBuilt();
    runtime = await startRuntime({ assetsDir: designerDist });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const designer of perFile.splice(0)) await designer.context.close().catch(() => undefined);
    await browser?.close();
    await runtime?.stop();
  });

  beforeEach(() => {
    inTest = true;
  });

  afterEach(async ({ task }) => {
    inTest = false;
    const last = perTest[perTest.length - 1];
    // A failed test leaves a picture of its page behind, to see what a person would have seen.
    if (options.failureShots && task.result?.state === 'fail' && last) {
      const name = task.name.replace(/\W+/g, '-').slice(0, 60);
      const path = resolve(tmpdir(), `${options.failureShots}-failed-${name}.png`);
      await last.page.screenshot({ path }).catch(() => undefined);
      console.log(`Screenshot of the failed test: ${path}`);
      // A page left waiting on the runtime says on what, e.g. a script of the designer that never arrived.
      const waiting = [...last.unanswered].filter((url) => !url.includes('/sync/'));
      if (waiting.length > 0) console.log(`Requests still unanswered: ${waiting.join(', ')}`);
    }
    // Each test has its own browser contexts (empty localStorage), so one failure leaves the others untouched.
    for (const designer of perTest.splice(0)) await designer.context.close();
  });

  return {
    get runtime() {
      return started(runtime, 'runtime');
    },
    get browser() {
      return started(browser, 'browser');
    },
    async open(path = '/') {
      const url = /^https?:/.test(path) ? path : `${started(runtime, 'runtime').url}${path}`;
      const designer = await openDesigner(started(browser, 'browser'), url);
      (inTest ? perTest : perFile).push(designer);
      return designer;
    },
  };
};
