// Browser-test fixture for the designer: Debian Chromium via playwright-core, a page on the runtime serving designer/dist.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The built designer the runtime serves; `npm run build -w designer` makes it (root `test:all` does). */
export const designerDist = resolve(fileURLToPath(new URL('../../../designer/dist', import.meta.url)));

/** Fails early, in words, when the designer was not built. */
export const assertDesignerBuilt = (): void => {
  if (!existsSync(resolve(designerDist, 'index.html'))) {
    throw new Error('designer/dist is missing: run `npm run build -w designer` first.');
  }
};

/** Starts the system Chromium headless (never a downloaded browser). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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

/** A designer page plus what it logged and fetched, for assertions. */
export interface DesignerPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors the page produced. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  /** The URLs of requests sent and not yet answered (sockets stay here while open), to tell a stalled load. */
  unanswered: Set<string>;
}

/** How long opening a page may take in all, as Playwright's default navigation timeout. */
const NAVIGATION_MS = 30_000;
// On a loaded machine `wrangler dev`'s proxy in front of the worker now and then never answers one request for a
// static file (seen twice in about 110 walks at load 12–15; the same file served in milliseconds before and after,
// nothing logged). A person reloads a page stuck half-loaded; so does a test, once, after this long.
const STALLED_LOAD_MS = 12_000;

/**
 * Opens `url` in `page` as a person would: in two stages within the one navigation budget, so a stall says which
 * side stalled (the runtime not answering the address, or the page not finishing its scripts and styles), and
 * with one reload when the page stays half-loaded, naming the requests it was still waiting on.
 */
export const openPage = async (page: Page, url: string, unanswered?: Set<string>): Promise<void> => {
  await page.goto(url, { waitUntil: 'commit', timeout: NAVIGATION_MS });
  try {
    await page.waitForLoadState('load', { timeout: STALLED_LOAD_MS });
  } catch {
    const waiting = unanswered ? [...unanswered].join(', ') : 'unknown';
    console.log(
      `${url} stayed half-loaded for ${STALLED_LOAD_MS} ms (waiting on: ${waiting}); reloading once`,
    );
    await page.reload({ waitUntil: 'load', timeout: NAVIGATION_MS });
  }
};

/** Opens the designer at `url` in a fresh browser context (empty localStorage) with downloads allowed. */
export const openDesigner = async (browser: Browser, url: string): Promise<DesignerPage> => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const unanswered = new Set<string>();
  page.on('request', (request) => {
    requests.push(request.url());
    unanswered.add(request.url());
  });
  page.on('requestfinished', (request) => unanswered.delete(request.url()));
  page.on('requestfailed', (request) => unanswered.delete(request.url()));
  await openPage(page, url, unanswered);
  return { context, page, errors, requests, unanswered };
};

/** Drags with real mouse events from one element's centre to another's, in steps React Flow can follow. */
export const dragBetween = async (page: Page, from: string, to: string): Promise<void> => {
  const source = await page.locator(from).boundingBox();
  const target = await page.locator(to).boundingBox();
  if (!source || !target) throw new Error(`Cannot drag from ${from} to ${to}: not on screen`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
};

/** Replaces the text of the Monaco editor inside `container` by typing, as a person would (Escape closes hints). */
export const typeInMonaco = async (
  page: Page,
  container: string,
  text: string,
  { closeHints = true } = {},
): Promise<void> => {
  const editor = page.locator(`${container} .monaco-editor`);
  await editor.waitFor();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text, { delay: 10 });
  if (closeHints) await page.keyboard.press('Escape');
};
