// The client library in Chromium: IndexedDB keeps offline edits across a reload, and refusals are read in words.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Runtime } from '../../support/runtime.ts';
import { connectClient, deploy, eventually, mintToken } from '../../e2e/preview/preview-fixture.ts';
import { launchChromium, startDevPagesRuntime } from './preview-page.ts';

let runtime: Runtime;
let browser: Browser;

beforeAll(async () => {
  runtime = await startDevPagesRuntime();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

/** Connects inside the page with the browser's WebSocket and the default persister (IndexedDB). */
const connectInPage = (page: Page, options: { app: string; datastore: string; token: string }) =>
  page.evaluate(async ({ app, datastore, token }) => {
    const { connect } = (window as unknown as { previewClient: typeof import('@datastore-designer/preview') })
      .previewClient;
    const connection = await connect({ url: location.origin, app, datastore, instance: 'main', token });
    (window as unknown as { connection: typeof connection }).connection = connection;
    return connection.untypedStore.getTables();
  }, options);

const openClientPage = async (page: Page) => {
  await page.goto(`${runtime.url}/client.html`);
  await page.waitForFunction(() => 'previewClient' in window);
};

test('an edit made offline in the browser survives a reload and syncs afterwards', async () => {
  const app = 'browser-client';
  await deploy(runtime, app);
  const token = await mintToken(runtime, app, 'lena');
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await openClientPage(page);
    await connectInPage(page, { app, datastore: 'board', token });
    await page.evaluate(async () => {
      const { connection } = window as unknown as {
        connection: import('@datastore-designer/preview').Connection;
      };
      await connection.whenStatus('online');
      connection.goOffline();
      connection.untypedStore.setRow('notes', 'train', {
        text: 'written offline in a browser',
        author: 'lena',
      });
      // Let the autosave reach IndexedDB before the page goes away.
      await new Promise((done) => setTimeout(done, 500));
    });

    await page.reload();
    await page.waitForFunction(() => 'previewClient' in window);
    const loaded = await connectInPage(page, { app, datastore: 'board', token });
    expect(loaded).toEqual({ notes: { train: { text: 'written offline in a browser', author: 'lena' } } });

    const watcher = await connectClient(runtime, {
      app,
      datastore: 'board',
      instance: 'main',
      token: await mintToken(runtime, app, 'max'),
    });
    try {
      await eventually(() =>
        expect(watcher.untypedStore.getCell('notes', 'train', 'text')).toBe('written offline in a browser'),
      );
    } finally {
      await watcher.destroy();
    }
  } finally {
    await context.close();
  }
});

test('a refused connection in the browser reports the runtime’s reason', async () => {
  const app = 'browser-refused';
  await deploy(runtime, app);
  const page = await browser.newPage();
  try {
    await openClientPage(page);
    await connectInPage(page, { app, datastore: 'staff', token: await mintToken(runtime, app, 'visitor') });
    const refused = await page.evaluate(async () => {
      const { connection } = window as unknown as {
        connection: import('@datastore-designer/preview').Connection;
      };
      return connection.whenStatus('refused');
    });
    expect(refused.httpStatus).toBe(403);
    expect(refused.reason).not.toBe('');
  } finally {
    await page.close();
  }
});
