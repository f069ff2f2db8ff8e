// Each claim the README makes about limits, refusals, deploys and tokens, with a test that fails if it breaks.
import type { AppConfig } from '@datastore-designer/schema';
import { decodeJwt } from 'jose';
import { getHlcFunctions } from 'tinybase';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { snapshotTables } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, openSocket, userToken, waitFor } from '../../support/sync-client.ts';

/** A snapshot limit small enough to reach in a test; every other setting stays at its default. */
const SNAPSHOT_LIMIT = 8192;

const notes = {
  fields: { text: { type: 'string' as const } },
  rules: { create: 'true', update: 'true', delete: 'true' },
};
const config: AppConfig = {
  format: 1,
  datastores: {
    board: { instances: 'single', sync: 'twoWay', tables: { notes, extra: notes } },
    team: { instances: 'perTenant', sync: 'twoWay', tables: { notes } },
    admins: { instances: 'single', sync: 'twoWay', connect: "'admin' in user.roles", tables: { notes } },
    rooms: { instances: 'multi', sync: 'twoWay', tables: { notes } },
  },
};

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime({ vars: { MAX_SNAPSHOT_BYTES: String(SNAPSHOT_LIMIT) } });
  expect((await api(runtime, 'PUT', '/api/apps/claims/config', { body: config })).status).toBe(200);
});
afterAll(async () => {
  await runtime?.stop();
});

const syncAnswer = async (path: string, token?: string) => {
  const response = await fetch(`${runtime.url}/sync/claims/${path}${token ? `?token=${token}` : ''}`);
  return { status: response.status, code: ((await response.json()) as { code: string }).code };
};

describe('limits', () => {
  test('a snapshot body over MAX_SNAPSHOT_BYTES is 413 and changes nothing; one under it is restored', async () => {
    const path = '/api/apps/claims/datastores/board/instances/main/snapshot';
    const big = [{ notes: { n1: { text: 'x'.repeat(SNAPSHOT_LIMIT) } } }, {}];
    expect((await api(runtime, 'PUT', path, { body: big })).status).toBe(413);
    expect((await snapshotTables(runtime, 'claims', 'board', 'main')).notes).toBeUndefined();
    const small = [{ notes: { n1: { text: 'x'.repeat(100) } } }, {}];
    expect((await api(runtime, 'PUT', path, { body: small })).status).toBe(200);
    expect((await snapshotTables(runtime, 'claims', 'board', 'main')).notes?.n1).toEqual({
      text: 'x'.repeat(100),
    });
  });

  test('limit above 1000 lists 1000, and a cursor gives the rest', async () => {
    const path = '/api/apps/claims/datastores/rooms/instances';
    for (let batch = 0; batch < 51; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, () => api(runtime, 'POST', path, { body: { owner: 'owner' } })),
      );
    }
    const page = await api<{ instances: unknown[]; cursor?: string }>(runtime, 'GET', `${path}?limit=5000`);
    expect(page.body.instances).toHaveLength(1000);
    expect(page.body.cursor).toBeDefined();
    const rest = await api<{ instances: unknown[] }>(
      runtime,
      'GET',
      `${path}?limit=5000&cursor=${encodeURIComponent(page.body.cursor ?? '')}`,
    );
    expect(rest.body.instances).toHaveLength(20);
  }, 120_000);

  test('a fragmented frame from a client is refused (1007)', async () => {
    const token = await userToken(runtime, { sub: 'alice' });
    const socket = await openSocket(`${runtime.wsUrl}/sync/claims/board/main?token=${token}`);
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    // TinyBase's fragment format: <peer>\n<16-character message id>\n<index>\n<count>\n<part>.
    socket.send('S\nabcdefghijklmnop\n0\n2\n[null,1,');
    socket.send('S\nabcdefghijklmnop\n1\n2\nnull]');
    expect(await closed).toBe(1007);
  });
});

describe('stamps from the future', () => {
  test('a change stamped ten minutes ahead is never stored and never reaches anyone (the real hub checks it)', async () => {
    const reader = await connectClient(
      runtime,
      'claims/board/main',
      await userToken(runtime, { sub: 'reader' }),
    );
    const token = await userToken(runtime, { sub: 'fast-clock' });
    const socket = await openSocket(`${runtime.wsUrl}/sync/claims/board/main?token=${token}`);
    const [futureHlc] = getHlcFunctions('fast-clock-device', () => Date.now() + 10 * 60_000);
    const [nowHlc] = getHlcFunctions('good-clock-device');
    const diff = (row: string, hlc: string) =>
      `S\n${JSON.stringify([null, 3, [[{ notes: [{ [row]: [{ text: [row, hlc] }, ''] }, ''] }, ''], [{}, ''], 1]])}`;
    socket.send(diff('future', futureHlc()));
    // A write with a good stamp sent after it arrives: so the one before was judged, not still in flight.
    socket.send(diff('present', nowHlc()));
    await waitFor(() => reader.store.hasRow('notes', 'present'), 'the write with a good stamp');
    expect(reader.store.hasRow('notes', 'future')).toBe(false);
    expect((await snapshotTables(runtime, 'claims', 'board', 'main')).notes?.future).toBeUndefined();
    socket.terminate();
    await reader.close();
  });
});

describe('refusal codes of the sync URL', () => {
  test('426 upgrade_required when the connection would be allowed', async () => {
    expect(await syncAnswer('board/main', await userToken(runtime, { sub: 'alice' }))).toEqual({
      status: 426,
      code: 'upgrade_required',
    });
  });

  test('403 connect_denied when the connect rule says no, and 426 for whom it says yes', async () => {
    expect(await syncAnswer('admins/main', await userToken(runtime, { sub: 'alice' }))).toEqual({
      status: 403,
      code: 'connect_denied',
    });
    expect(
      (await syncAnswer('admins/main', await userToken(runtime, { sub: 'ada', roles: ['admin'] }))).status,
    ).toBe(426);
  });

  test('403 not_a_member for a real multi instance someone is not a member of', async () => {
    const created = await api<{ id: string }>(
      runtime,
      'POST',
      '/api/apps/claims/datastores/rooms/instances',
      {
        body: { owner: 'owner' },
      },
    );
    expect(
      await syncAnswer(`rooms/${created.body.id}`, await userToken(runtime, { sub: 'stranger' })),
    ).toEqual({
      status: 403,
      code: 'not_a_member',
    });
  });
});

describe('deploys', () => {
  const without = (table: string): AppConfig => {
    const copy = JSON.parse(JSON.stringify(config)) as AppConfig;
    delete copy.datastores.board!.tables[table];
    return copy;
  };

  test('If-Match takes the version with quotes, W/ or bare, and 0 for an app that does not exist yet', async () => {
    const put = (app: string, ifMatch: string) =>
      api(runtime, 'PUT', `/api/apps/${app}/config`, { body: config, headers: { 'if-match': ifMatch } });
    expect((await put('fresh-a', '1')).status).toBe(409);
    expect((await put('fresh-a', '0')).status).toBe(200);
    expect((await put('fresh-a', '0')).status).toBe(409);
    expect((await put('fresh-a', '"1"')).status).toBe(200);
    expect((await put('fresh-a', 'W/"2"')).status).toBe(200);
    expect((await put('fresh-a', 'W/"2"')).status).toBe(409);
    expect((await put('fresh-a', '3')).status).toBe(200);
    expect((await api<{ version: number }>(runtime, 'GET', '/api/apps/fresh-a/config')).body.version).toBe(4);
  });

  test('a forced table removal deletes its rows everywhere; a rollback that removes a table is never refused', async () => {
    const app = 'removal';
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: config })).status).toBe(200);
    const client = await connectClient(
      runtime,
      `${app}/board/main`,
      await userToken(runtime, { sub: 'alice' }),
    );
    client.store.setRow('extra', 'e1', { text: 'goes' });
    client.store.setRow('notes', 'n1', { text: 'stays' });
    await waitFor(() => client.store.hasRow('extra', 'e1'), 'the write');
    await waitFor(() => client.store.getCell('notes', 'n1', 'text') === 'stays', 'the write');
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: without('extra') })).status).toBe(
      409,
    );
    expect(
      (await api(runtime, 'PUT', `/api/apps/${app}/config?force=true`, { body: without('extra') })).status,
    ).toBe(200);
    await waitFor(() => !client.store.hasTable('extra'), 'the client to see the rows go');
    const tables = await snapshotTables(runtime, app, 'board', 'main');
    expect(tables.extra).toBeUndefined();
    expect(tables.notes?.n1).toEqual({ text: 'stays' });
    // Back to version 1 (the table returns, empty), then back to version 2: removing it again, without force.
    expect(
      (await api(runtime, 'POST', `/api/apps/${app}/config/rollback`, { body: { version: 1 } })).status,
    ).toBe(200);
    expect(
      (await api(runtime, 'POST', `/api/apps/${app}/config/rollback`, { body: { version: 2 } })).status,
    ).toBe(200);
    const live = await api<{ version: number; config: AppConfig }>(runtime, 'GET', `/api/apps/${app}/config`);
    expect(live.body.version).toBe(4);
    expect(Object.keys(live.body.config.datastores.board!.tables)).toEqual(['notes']);
    await client.close();
  });

  test('a forced datastore removal deletes its instances', async () => {
    const app = 'ds-removal';
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: config })).status).toBe(200);
    const created = await api<{ id: string }>(
      runtime,
      'POST',
      `/api/apps/${app}/datastores/rooms/instances`,
      {
        body: { owner: 'alice' },
      },
    );
    const room = created.body.id;
    const client = await connectClient(
      runtime,
      `${app}/rooms/${room}`,
      await userToken(runtime, { sub: 'alice' }),
    );
    client.store.setRow('notes', 'n1', { text: 'in the room' });
    await waitFor(() => client.store.hasRow('notes', 'n1'), 'the write');
    const { rooms: _rooms, ...others } = config.datastores;
    const smaller: AppConfig = { format: 1, datastores: others };
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config?force=true`, { body: smaller })).status).toBe(
      200,
    );
    expect(await client.closed).toBe(4004);
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: config })).status).toBe(200);
    const listed = await api<{ instances: unknown[] }>(
      runtime,
      'GET',
      `/api/apps/${app}/datastores/rooms/instances`,
    );
    expect(listed.body.instances).toEqual([]);
    expect(
      (await api(runtime, 'GET', `/api/apps/${app}/datastores/rooms/instances/${room}/snapshot`)).status,
    ).toBe(404);
  });
});

describe('instances the admin deletes', () => {
  test.each([
    ['single', 'board', 'main', { sub: 'alice' }],
    ['perTenant', 'team', 'acme', { sub: 'alice', tenant: 'acme' }],
  ] as const)(
    'a %s instance: sockets closed with 4004, content gone',
    async (_kind, datastore, id, claims) => {
      const client = await connectClient(
        runtime,
        `claims/${datastore}/${datastore === 'team' ? 'tenant' : 'main'}`,
        await userToken(runtime, claims),
      );
      client.store.setRow('notes', 'doomed', { text: 'bye' });
      await waitFor(() => client.store.hasRow('notes', 'doomed'), 'the write');
      const base = `/api/apps/claims/datastores/${datastore}/instances/${id}`;
      expect((await api(runtime, 'DELETE', base, { token: await userToken(runtime, claims) })).status).toBe(
        403,
      );
      expect((await api(runtime, 'DELETE', base)).status).toBeLessThan(300);
      expect(await client.closed).toBe(4004);
      expect((await snapshotTables(runtime, 'claims', datastore, id)).notes).toBeUndefined();
    },
  );
});

describe('token lifetimes', () => {
  const lifetime = (token: string) => {
    const { exp, iat } = decodeJwt(token);
    return (exp ?? 0) - (iat ?? 0);
  };

  test('dev tokens live 24 h, app tokens 1 h by default and at most 30 days', async () => {
    const dev = await api<{ token: string }>(runtime, 'POST', '/api/dev/token', {
      body: { sub: 'a' },
      token: null,
    });
    expect(lifetime(dev.body.token)).toBe(24 * 3600);
    const minted = await api<{ token: string }>(runtime, 'POST', '/api/apps/claims/tokens', {
      body: { sub: 'a' },
    });
    expect(lifetime(minted.body.token)).toBe(3600);
    const longest = await api<{ token: string }>(runtime, 'POST', '/api/apps/claims/tokens', {
      body: { sub: 'a', ttlSeconds: 30 * 24 * 3600 },
    });
    expect(lifetime(longest.body.token)).toBe(30 * 24 * 3600);
    const tooLong = await api(runtime, 'POST', '/api/apps/claims/tokens', {
      body: { sub: 'a', ttlSeconds: 30 * 24 * 3600 + 1 },
    });
    expect(tooLong.status).toBe(400);
  });
});
