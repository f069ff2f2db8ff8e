// connect() against a real wrangler dev when tokens fail, expire or change, and when the device clock is wrong.
import type { Connection, Rejection, StatusDetail } from '@datastore-designer/preview/client';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api, connectClient, deploy, eventually, mintToken, pause } from './preview-fixture.ts';

let runtime: Runtime;
let appCount = 0;
const open: Connection[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
});

afterAll(async () => {
  await runtime?.stop();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.destroy()));
});

const freshApp = async () => {
  const app = `tokens-clock-${process.pid}-${++appCount}`;
  await deploy(runtime, app);
  return app;
};

const client = async (...args: Parameters<typeof connectClient>) => {
  const connection = await connectClient(...args);
  open.push(connection);
  return connection;
};

const boardClient = async (
  app: string,
  user: string,
  extra: Partial<Parameters<typeof connectClient>[1]> = {},
) =>
  client(runtime, {
    app,
    datastore: 'board',
    instance: 'main',
    token: await mintToken(runtime, app, user),
    ...extra,
  });

const statusLog = (connection: Connection): StatusDetail[] => {
  const log: StatusDetail[] = [];
  connection.addStatusListener((status) => log.push(status));
  return log;
};

const TEN_MINUTES = 10 * 60 * 1000;

test('an offline row survives a token callback that returns nothing or throws during an outage', async () => {
  const app = await freshApp();
  let authDown = false;
  let failedCalls = 0;
  const token = async (): Promise<string | undefined> => {
    if (!authDown) return mintToken(runtime, app, 'alice');
    failedCalls++;
    if (failedCalls % 2 === 1) throw new Error('auth endpoint unreachable');
    return undefined;
  };
  const alice = await client(runtime, { app, datastore: 'board', instance: 'main', token });
  const watcher = await boardClient(app, 'watcher');
  await alice.whenStatus('online');
  await watcher.whenStatus('online');
  alice.untypedStore.setRow('notes', 'before', { text: 'synced before the outage', author: 'alice' });
  await eventually(() => expect(watcher.untypedStore.hasRow('notes', 'before')).toBe(true));
  const users: string[] = [];
  alice.addUserChangeListener((user, previous) => users.push(`${previous}->${user}`));
  const log = statusLog(alice);

  // The runtime goes down, and so does the app's sign-in endpoint.
  authDown = true;
  const restarted = runtime.restart();
  await alice.whenStatus('offline', 15_000);
  alice.untypedStore.setRow('notes', 'outage', { text: 'written during the outage', author: 'alice' });
  await restarted;
  await eventually(() => expect(failedCalls).toBeGreaterThanOrEqual(3), 15_000);
  const tokenFailures = log.filter((status) => status.reason.includes('Could not get a sign-in token'));
  expect(tokenFailures.length).toBeGreaterThan(0);
  expect(tokenFailures.every((status) => status.status === 'offline')).toBe(true);
  expect(tokenFailures.some((status) => status.reason.includes('returned no token'))).toBe(true);
  expect(tokenFailures.some((status) => status.reason.includes('auth endpoint unreachable'))).toBe(true);
  // Nothing was dropped and nobody was signed out.
  expect(alice.userId).toBe('alice');
  expect(users).toEqual([]);
  expect(alice.untypedStore.getCell('notes', 'outage', 'text')).toBe('written during the outage');
  expect(alice.untypedStore.getCell('notes', 'before', 'text')).toBe('synced before the outage');

  authDown = false;
  await alice.whenStatus('online', 30_000);
  await eventually(
    () => expect(watcher.untypedStore.getCell('notes', 'outage', 'text')).toBe('written during the outage'),
    15_000,
  );
  expect(alice.untypedStore.getCell('notes', 'before', 'text')).toBe('synced before the outage');
}, 120_000);

test('edits made before the first token could be had are kept and synced once it comes', async () => {
  const app = await freshApp();
  let ready = false;
  const bea = await client(runtime, {
    app,
    datastore: 'board',
    instance: 'main',
    token: () => (ready ? mintToken(runtime, app, 'bea') : undefined),
  });
  expect(bea.status.status).not.toBe('online');
  bea.untypedStore.setRow('notes', 'early', { text: 'before signing in', author: 'bea' });
  await bea.whenStatus('offline');
  expect(bea.status.reason).toContain('returned no token');
  ready = true;
  await bea.whenStatus('online', 15_000);
  expect(bea.userId).toBe('bea');
  const watcher = await boardClient(app, 'watcher');
  await eventually(() =>
    expect(watcher.untypedStore.getCell('notes', 'early', 'text')).toBe('before signing in'),
  );
});

test('a fixed token that expires says to call setToken, is not retried, and setToken reconnects', async () => {
  const app = await freshApp();
  const shortLived = (await api(runtime, 'POST', `/api/apps/${app}/tokens`, { sub: 'cy', ttlSeconds: 2 }))
    .token as string;
  const cy = await client(runtime, { app, datastore: 'board', instance: 'main', token: shortLived });
  await cy.whenStatus('online');
  const log = statusLog(cy);
  const expired = await cy.whenStatus('refused', 10_000);
  expect(expired).toMatchObject({ closeCode: 4001, code: 'token_expired' });
  expect(expired.reason).toContain('setToken');
  expect(log.map((status) => status.status)).toEqual(['refused']);
  cy.untypedStore.setRow('notes', 'waiting', { text: 'kept until a new token', author: 'cy' });
  await pause(1000);
  expect(log.map((status) => status.status)).toEqual(['refused']);

  cy.setToken(await mintToken(runtime, app, 'cy'));
  await cy.whenStatus('online');
  const watcher = await boardClient(app, 'watcher');
  await eventually(() =>
    expect(watcher.untypedStore.getCell('notes', 'waiting', 'text')).toBe('kept until a new token'),
  );
});

test('a token whose user cannot be read is refused without signing anyone out', async () => {
  const app = await freshApp();
  const dee = await boardClient(app, 'dee');
  await dee.whenStatus('online');
  dee.untypedStore.setRow('notes', 'mine', { text: 'dee’s note', author: 'dee' });
  await pause(200);
  const removed: string[] = [];
  dee.untypedStore.addRowListener('notes', null, (store, _table, row) => {
    if (!store.hasRow('notes', row)) removed.push(row);
  });
  dee.setToken('not-a-jwt');
  const refused = await dee.whenStatus('refused');
  expect(refused.httpStatus).toBe(401);
  expect(refused.reason).toContain('setToken');
  expect(dee.userId).toBe('dee');
  expect(removed).toEqual([]);
  expect(dee.untypedStore.getCell('notes', 'mine', 'text')).toBe('dee’s note');
});

test('clients whose device clocks are ten minutes fast or slow converge with everyone', async () => {
  const app = await freshApp();
  const fast = await boardClient(app, 'fast', { now: () => Date.now() + TEN_MINUTES });
  const slow = await boardClient(app, 'slow', { now: () => Date.now() - TEN_MINUTES });
  const right = await boardClient(app, 'right');
  await Promise.all([fast, slow, right].map((connection) => connection.whenStatus('online')));

  fast.untypedStore.setRow('notes', 'f1', { text: 'from the fast clock', author: 'fast' });
  slow.untypedStore.setRow('notes', 's1', { text: 'from the slow clock', author: 'slow' });
  right.untypedStore.setRow('notes', 'r1', { text: 'from the right clock', author: 'right' });
  for (const connection of [fast, slow, right]) {
    await eventually(() =>
      expect(connection.untypedStore.getTable('notes')).toEqual({
        f1: { text: 'from the fast clock', author: 'fast' },
        s1: { text: 'from the slow clock', author: 'slow' },
        r1: { text: 'from the right clock', author: 'right' },
      }),
    );
  }

  // The right clock's later edit wins over the fast clock's earlier one, and a refused write by the fast clock
  // converges back to the server's value.
  fast.untypedStore.setCell('notes', 'f1', 'text', 'first edit');
  await eventually(() => expect(right.untypedStore.getCell('notes', 'f1', 'text')).toBe('first edit'));
  const rejections: Rejection[] = [];
  fast.addRejectionListener((rejection) => rejections.push(rejection));
  fast.untypedStore.setCell('notes', 'r1', 'text', 'not the fast clock’s note');
  await eventually(() => {
    expect(rejections.map((rejection) => rejection.rule)).toEqual(['update']);
    expect(fast.untypedStore.getCell('notes', 'r1', 'text')).toBe('from the right clock');
  });
  expect(slow.untypedStore.getCell('notes', 'r1', 'text')).toBe('from the right clock');
  expect(fast.status.status).toBe('online');
  expect(Math.abs(fast.clockOffsetMs + TEN_MINUTES)).toBeLessThan(5_000);
  expect(Math.abs(slow.clockOffsetMs - TEN_MINUTES)).toBeLessThan(5_000);
});
