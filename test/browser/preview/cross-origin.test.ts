// The client library on a page of another origin, in Chromium: a refusal read through CORS, a refusal CORS hides
// (told apart from a network drop, with what to check, and not retried for ever), and a network drop.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort, startRuntime, type Runtime } from '../../support/runtime.ts';
import { deploy, mintToken } from '../../e2e/preview/preview-fixture.ts';
import { launchChromium } from './preview-page.ts';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const pagesDir = join(repoRoot, 'preview', 'dev', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

let runtime: Runtime;
let browser: Browser;
const servers: Server[] = [];
let allowedOrigin = '';
let otherOrigin = '';

/** Serves the built client page on its own port: a page of an origin other than the runtime's. */
const servePages = async (port: number): Promise<string> => {
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    readFile(join(pagesDir, path)).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return `http://127.0.0.1:${port}`;
};

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'dev/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: join(repoRoot, 'preview'), stdio: 'inherit' },
  );
  allowedOrigin = await servePages(await freePort());
  otherOrigin = await servePages(await freePort());
  runtime = await startRuntime({ vars: { ALLOWED_ORIGINS: `https://unrelated.example, ${allowedOrigin}` } });
  await deploy(runtime, 'cross-origin');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  for (const server of servers) server.close();
});

/** Opens the client page on `origin` and connects to `runtimeUrl`, recording every status it goes through. */
const connectFrom = async (origin: string, runtimeUrl: string, token: string): Promise<Page> => {
  const page = await browser.newPage();
  await page.goto(`${origin}/client.html`);
  await page.waitForFunction(() => 'previewClient' in window);
  await page.evaluate(
    async ({ url, token: userToken }) => {
      const holder = window as unknown as {
        previewClient: typeof import('@datastore-designer/preview/client');
        connection: import('@datastore-designer/preview').Connection;
        statuses: import('@datastore-designer/preview').StatusDetail[];
      };
      holder.statuses = [];
      holder.connection = await holder.previewClient.connect({
        url,
        app: 'cross-origin',
        datastore: 'board',
        instance: 'main',
        token: userToken,
        persister: false,
        backoff: { initialMs: 100, maxMs: 400 },
      });
      holder.connection.addStatusListener((status) => holder.statuses.push(status));
    },
    { url: runtimeUrl, token },
  );
  return page;
};

const statuses = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { statuses: import('@datastore-designer/preview').StatusDetail[] }).statuses,
  );

const waitForStatus = (page: Page, wanted: string) =>
  page.evaluate(
    (status) =>
      (
        window as unknown as { connection: import('@datastore-designer/preview').Connection }
      ).connection.whenStatus(status as 'refused', 15_000),
    wanted,
  );

test('on an allowed origin a refused token is read in words and not retried', async () => {
  const page = await connectFrom(allowedOrigin, runtime.url, 'not.a.token');
  try {
    const refused = await waitForStatus(page, 'refused');
    expect(refused).toMatchObject({ httpStatus: 401, code: 'invalid_token' });
    await page.waitForTimeout(800);
    expect((await statuses(page)).filter((status) => status.status === 'connecting')).toEqual([]);
  } finally {
    await page.close();
  }
});

test('on an origin CORS does not allow, a refusal says which origin to allow and stops retrying', async () => {
  const page = await connectFrom(otherOrigin, runtime.url, 'not.a.token');
  try {
    const refused = await waitForStatus(page, 'refused');
    expect(refused.code).toBe('origin_not_allowed');
    expect(refused.reason).toContain(otherOrigin);
    expect(refused.reason).toContain('ALLOWED_ORIGINS');
    const seen = await statuses(page);
    const hinted = seen.filter((status) => status.status === 'offline');
    expect(hinted.length).toBeGreaterThan(0);
    expect(hinted.every((status) => status.reason.includes('ALLOWED_ORIGINS'))).toBe(true);
    await page.waitForTimeout(1000);
    expect((await statuses(page)).length).toBe(seen.length);
  } finally {
    await page.close();
  }
});

test('on an origin CORS does not allow, a valid token still syncs (sockets are not subject to CORS)', async () => {
  const page = await connectFrom(otherOrigin, runtime.url, await mintToken(runtime, 'cross-origin', 'omar'));
  try {
    expect((await waitForStatus(page, 'online')).status).toBe('online');
  } finally {
    await page.close();
  }
});

test('a runtime that does not answer is a network drop, retried, not a CORS refusal', async () => {
  const nobody = `http://127.0.0.1:${await freePort()}`;
  const page = await connectFrom(allowedOrigin, nobody, 'not.a.token');
  try {
    const offline = await waitForStatus(page, 'offline');
    expect(offline.reason).toContain('lost');
    await page.waitForTimeout(1500);
    const seen = await statuses(page);
    expect(seen.filter((status) => status.status === 'connecting').length).toBeGreaterThan(1);
    expect(
      seen.some((status) => status.status === 'refused' || status.reason.includes('ALLOWED_ORIGINS')),
    ).toBe(false);
  } finally {
    await page.close();
  }
});
