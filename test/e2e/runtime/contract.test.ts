// The public interface probed as an outsider would: bad app ids, bad bodies, callers, paging, stats and odd ids.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AppConfig } from '@datastore-designer/schema';
import { decodeJwt } from 'jose';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import {
  connectClient,
  openSocket,
  settle,
  userToken,
  waitFor,
  type SyncClient,
} from '../../support/sync-client.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      connect: 'true',
      tables: {
        notes: {
          fields: { text: { type: 'string', required: true }, votes: { type: 'number', default: 0 } },
          rules: { create: 'true', update: 'true', delete: 'true' },
        },
        audit: { serverOnly: true, fields: { note: { type: 'string' } } },
      },
    },
    games: { instances: 'multi', sync: 'twoWay', tables: { moves: { fields: { at: { type: 'number' } } } } },
  },
};
const main = '/api/apps/contract/datastores/board/instances/main';

let runtime: Runtime;
const clients: SyncClient[] = [];
beforeAll(async () => {
  // Two sockets per user, so the limit is reached with a few sockets.
  runtime = await startRuntime({ vars: { MAX_SOCKETS_PER_USER: '2' } });
  expect((await api(runtime, 'PUT', '/api/apps/contract/config', { body: config })).status).toBe(200);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

/** Sends a raw body (not JSON-encoded by the helper) as the admin. */
const send = async (method: string, path: string, body: string) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('§1/§3 deploys', () => {
  test('a deploy to an id that cannot be an app id is bad input (400); reading one is 404', async () => {
    for (const id of ['Board', 'my_app', '1app', `a${'b'.repeat(63)}`]) {
      const answer = await api<{ error: string }>(runtime, 'PUT', `/api/apps/${id}/config`, { body: config });
      expect(answer.status, id).toBe(400);
      expect(answer.body.error).toContain('app id');
    }
    const longest = `a${'b'.repeat(62)}`;
    expect((await api(runtime, 'PUT', `/api/apps/${longest}/config`, { body: config })).body).toEqual({
      version: 1,
    });
    expect((await api(runtime, 'GET', '/api/apps/Board/config')).status).toBe(404);
    const apps = await api<{ apps: { app: string }[] }>(runtime, 'GET', '/api/apps');
    expect(apps.body.apps.map((entry) => entry.app)).not.toContain('Board');
  });

  test('datastores and tables may be named like JavaScript built-ins: deploys and diffs work', async () => {
    const odd = (withSecond: boolean): AppConfig => {
      const datastore = {
        instances: 'single' as const,
        sync: 'twoWay' as const,
        connect: 'true',
        tables: { toString: { fields: { text: { type: 'string' as const } }, rules: { create: 'true' } } },
      };
      return {
        format: 1,
        datastores: { constructor: datastore, ...(withSecond ? { second: datastore } : {}) },
      };
    };
    expect((await api(runtime, 'PUT', '/api/apps/built-ins/config', { body: odd(false) })).body).toEqual({
      version: 1,
    });
    expect((await api(runtime, 'PUT', '/api/apps/built-ins/config', { body: odd(true) })).body).toEqual({
      version: 2,
    });
    const removal = await api<{ diff: { changes: { path: string }[] } }>(
      runtime,
      'PUT',
      '/api/apps/built-ins/config',
      { body: odd(false) },
    );
    expect(removal.status).toBe(409);
    expect(removal.body.diff.changes.map((change) => change.path)).toEqual(['/datastores/second']);
    const live = await api<{ config: AppConfig }>(runtime, 'GET', '/api/apps/built-ins/config');
    expect(Object.keys(live.body.config.datastores)).toEqual(['constructor', 'second']);
    const rows = '/api/apps/built-ins/datastores/constructor/instances/main/tables/toString/rows';
    expect((await api(runtime, 'PUT', `${rows}/r1`, { body: { text: 'hi' } })).status).toBe(200);
    expect((await api(runtime, 'GET', rows)).body).toEqual({ r1: { text: 'hi' } });
  });

  test('a config that is not JSON is 400 with a problem in errors, like every invalid config', async () => {
    const answer = await send('PUT', '/api/apps/contract/config', '{"format": 1,');
    expect(answer.status).toBe(400);
    const errors = answer.body.errors as { path: string; message: string; code: string }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('');
    expect(errors[0]?.message.length).toBeGreaterThan(0);
    const versions = await api<{ versions: unknown[] }>(runtime, 'GET', '/api/apps/contract/config/versions');
    expect(versions.body.versions).toHaveLength(1);
  });
});

describe('§3 callers', () => {
  test('a valid user token on an admin route is 403; no token or a bad one is 401', async () => {
    const user = await userToken(runtime, { sub: 'alice' });
    const forApp = (
      await api<{ token: string }>(runtime, 'POST', '/api/apps/contract/tokens', { body: { sub: 'alice' } })
    ).body.token;
    for (const token of [user, forApp]) {
      for (const [method, path] of [
        ['GET', '/api/apps/contract/config'],
        ['GET', '/api/apps/contract/config/versions'],
        ['GET', `${main}/snapshot`],
        ['GET', `${main}/stats`],
        ['DELETE', '/api/apps/contract'],
      ] as const) {
        const answer = await api<{ error: string }>(runtime, method, path, { token });
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.body.error.length).toBeGreaterThan(0);
      }
    }
    expect((await api(runtime, 'GET', '/api/apps', { token: user })).status).toBe(403);
    expect((await api(runtime, 'GET', '/api/apps/contract/config', { token: null })).status).toBe(401);
    expect((await api(runtime, 'GET', '/api/apps/contract/config', { token: 'x.y.z' })).status).toBe(401);
    const forged = await userToken(runtime, { sub: 'alice' }, { secret: 'another-secret' });
    expect((await api(runtime, 'GET', '/api/apps/contract/config', { token: forged })).status).toBe(401);
    // A token for another app is no credential here.
    const other = await userToken(runtime, { sub: 'alice', aud: 'another-app' });
    expect((await api(runtime, 'GET', `${main}/stats`, { token: other })).status).toBe(401);
    expect((await api(runtime, 'GET', '/api/apps/contract/config')).status).toBe(200);
  });

  test('app tokens need a lifetime of at least one second', async () => {
    for (const ttlSeconds of [0.5, 0, -1, '60']) {
      const answer = await api(runtime, 'POST', '/api/apps/contract/tokens', {
        body: { sub: 'a', ttlSeconds },
      });
      expect(answer.status, String(ttlSeconds)).toBe(400);
    }
    const minted = await api<{ token: string }>(runtime, 'POST', '/api/apps/contract/tokens', {
      body: { sub: 'a', ttlSeconds: 1 },
    });
    const claims = decodeJwt(minted.body.token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(1);
  });
});

describe('§3 instances and data', () => {
  test('limit pages instances from one up; a limit of 0 does not list everything', async () => {
    const owner = await userToken(runtime, { sub: 'pager' });
    const path = '/api/apps/contract/datastores/games/instances';
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push((await api<{ id: string }>(runtime, 'POST', path, { token: owner })).body.id);
    }
    type Page = { instances: { id: string }[]; cursor?: string };
    const zero = await api<Page>(runtime, 'GET', `${path}?limit=0`, { token: owner });
    expect(zero.body.instances).toHaveLength(1);
    expect(zero.body.cursor).toBeDefined();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page: { body: Page } = await api<Page>(
        runtime,
        'GET',
        `${path}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: owner },
      );
      expect(page.body.instances.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.instances.map((instance) => instance.id));
      cursor = page.body.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(ids);
  });

  test('stats count every table of the datastore, 0 when empty, server-only tables included', async () => {
    type Stats = { rows: Record<string, number>; bytes: number; connections: number };
    const before = await api<Stats>(runtime, 'GET', `${main}/stats`);
    expect(before.body.rows).toEqual({ notes: 0, audit: 0 });
    await api(runtime, 'PUT', `${main}/tables/notes/rows/n1`, { body: { text: 'one' } });
    await api(runtime, 'PUT', `${main}/tables/audit/rows/a1`, { body: { note: 'kept' } });
    expect((await api<Stats>(runtime, 'GET', `${main}/stats`)).body.rows).toEqual({ notes: 1, audit: 1 });
    expect((await api(runtime, 'DELETE', `${main}/tables/notes/rows/n1`)).status).toBe(200);
    const after = await api<Stats>(runtime, 'GET', `${main}/stats`);
    expect(after.body.rows).toEqual({ notes: 0, audit: 1 });
    expect(after.body.bytes).toBeGreaterThan(0);
    expect(after.body.connections).toBe(0);
  });

  test('ids that are names of JavaScript built-ins name nothing: 404 and 400, never a 500', async () => {
    for (const datastore of ['constructor', 'toString', 'hasOwnProperty']) {
      const base = `/api/apps/contract/datastores/${datastore}/instances`;
      expect((await api(runtime, 'GET', base)).status, datastore).toBe(404);
      expect((await api(runtime, 'POST', base, { body: { owner: 'a' } })).status, datastore).toBe(404);
      expect((await api(runtime, 'GET', `${base}/main/stats`)).status, datastore).toBe(404);
      const sync = await fetch(`${runtime.url}/sync/contract/${datastore}/main`);
      expect(sync.status, datastore).toBe(404);
      expect(((await sync.json()) as { code: string }).code).toBe('unknown_datastore');
    }
    for (const table of ['constructor', 'toString', '__proto__']) {
      expect((await api(runtime, 'GET', `${main}/tables/${table}/rows`)).status, table).toBe(404);
      expect((await api(runtime, 'PUT', `${main}/tables/${table}/rows/r`, { body: {} })).status).toBe(404);
    }
    const restore = await send('PUT', `${main}/snapshot`, '[{"constructor": {"r": {"a": 1}}}, {}]');
    expect(restore.status).toBe(400);
    expect(restore.body.errors).toEqual([expect.objectContaining({ path: '/0/constructor' })]);
  });

  test('sync refusals of ids that cannot exist carry a code, like every other refusal', async () => {
    for (const [path, code] of [
      ['Not_An_App/board/main', 'unknown_app'],
      ['contract/Not-A-Datastore/main', 'unknown_datastore'],
    ]) {
      const response = await fetch(`${runtime.url}/sync/${path}`);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { error: string; code: string };
      expect(body.code).toBe(code);
      expect(body.error.length).toBeGreaterThan(0);
    }
  });
});

describe('§4 sync', () => {
  test('a client writing tables, rows and values named like built-ins is refused and converges', async () => {
    const token = await userToken(runtime, { sub: 'odd' });
    const writer = await connectClient(runtime, 'contract/board/main', token);
    const reader = await connectClient(
      runtime,
      'contract/board/main',
      await userToken(runtime, { sub: 'r' }),
    );
    clients.push(writer, reader);
    writer.store.setRow('constructor', 'x', { text: 'no table' });
    writer.store.setRow('notes', '__proto__', { text: 'a fine row' });
    writer.store.setRow('notes', 'n2', { text: 'fine', bad: 1 } as never);
    writer.store.setValue('constructor', 1);
    await waitFor(() => writer.notices.length >= 3, 'three rejection notices');
    expect(writer.notices.map((notice) => [notice.table, notice.row, notice.rule])).toEqual([
      ['constructor', 'x', 'unknownTable'],
      ['notes', 'n2', 'schema'],
      ['', '', 'values'],
    ]);
    await waitFor(() => reader.store.hasRow('notes', '__proto__'), 'the allowed row to reach others');
    await waitFor(
      () => !writer.store.hasTable('constructor') && !writer.store.hasValue('constructor'),
      'the sender to converge',
    );
    await waitFor(() => !writer.store.hasRow('notes', 'n2'), 'the refused row to go at the sender');
    await settle();
    expect(writer.socket.readyState).toBe(writer.socket.OPEN);
    expect(reader.store.hasTable('constructor')).toBe(false);
    const rows = await api(runtime, 'GET', `${main}/tables/notes/rows`);
    expect(Object.entries(rows.body)).toEqual([['__proto__', { text: 'a fine row', votes: 0 }]]);
  });

  test('turning a table server-only (and back) keeps its rows; only clients lose and regain sight', async () => {
    const moving = (serverOnly: boolean): AppConfig => ({
      format: 1,
      datastores: {
        board: {
          instances: 'single',
          sync: 'twoWay',
          connect: 'true',
          tables: { notes: { serverOnly, fields: { text: { type: 'string' } } } },
        },
      },
    });
    const rows = '/api/apps/moving/datastores/board/instances/main/tables/notes/rows';
    expect((await api(runtime, 'PUT', '/api/apps/moving/config', { body: moving(false) })).status).toBe(200);
    await api(runtime, 'PUT', `${rows}/n1`, { body: { text: 'kept' } });
    const viewer = await connectClient(runtime, 'moving/board/main');
    clients.push(viewer);
    await waitFor(() => viewer.store.hasRow('notes', 'n1'), 'the row to reach the client');

    expect((await api(runtime, 'PUT', '/api/apps/moving/config', { body: moving(true) })).status).toBe(200);
    await waitFor(() => !viewer.store.hasTable('notes'), 'the client to lose sight of the table');
    expect((await api(runtime, 'GET', rows)).body).toEqual({ n1: { text: 'kept' } });
    const snapshot = await api(runtime, 'GET', '/api/apps/moving/datastores/board/instances/main/snapshot');
    expect(snapshot.body).toEqual([{ notes: { n1: { text: 'kept' } } }, {}]);

    expect((await api(runtime, 'PUT', '/api/apps/moving/config', { body: moving(false) })).status).toBe(200);
    await waitFor(() => viewer.store.getCell('notes', 'n1', 'text') === 'kept', 'the row to come back');
    expect((await api(runtime, 'GET', rows)).body).toEqual({ n1: { text: 'kept' } });
  });

  test('anonymous sockets are not one user: the per-user socket limit does not cap them', async () => {
    const url = `${runtime.wsUrl}/sync/contract/board/main`;
    const anonymous = await Promise.all([1, 2, 3, 4].map(() => openSocket(url)));
    const token = await userToken(runtime, { sub: 'crowd' });
    const mine = await Promise.all([1, 2].map(() => openSocket(`${url}?token=${token}`)));
    const extra = await openSocket(`${url}?token=${token}`);
    extra.send('\n["hello",1,""]');
    const code = await new Promise<number>((resolve) => extra.once('close', resolve));
    expect(code).toBe(4008);
    await settle();
    for (const socket of [...anonymous, ...mine]) expect(socket.readyState).toBe(socket.OPEN);
    for (const socket of [...anonymous, ...mine]) socket.close();
  });
});
