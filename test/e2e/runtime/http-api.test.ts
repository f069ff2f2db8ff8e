// The admin and token routes and the token checks, against a real wrangler dev.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AppConfig } from '@datastore-designer/schema';
import { decodeJwt } from 'jose';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { userToken } from '../../support/sync-client.ts';

const base: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: { text: { type: 'string', required: true }, author: { type: 'string' } },
          rules: { create: 'true', update: 'true', delete: 'true' },
        },
      },
    },
    games: { instances: 'multi', sync: 'twoWay', tables: { moves: { fields: { at: { type: 'number' } } } } },
  },
};

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startRuntime({
    vars: { ALLOWED_ORIGINS: 'https://allowed.example', MAX_CONFIG_BYTES: '20000' },
  });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('configs', () => {
  test('an invalid config is refused with every problem as a JSON Pointer, and uses no version', async () => {
    const bad = {
      format: 1,
      datastores: {
        board: {
          instances: 'single',
          sync: 'sideways',
          tables: { notes: { fields: { text: { type: 'text' } }, rules: { create: 'newRow.nope == 1' } } },
        },
      },
    };
    const answer = await api<{ errors: { path: string; message: string }[] }>(
      runtime,
      'PUT',
      '/api/apps/cfg/config',
      {
        body: bad,
      },
    );
    expect(answer.status).toBe(400);
    const paths = answer.body.errors.map((error) => error.path);
    expect(paths).toContain('/datastores/board/sync');
    expect(paths.some((path) => path.startsWith('/datastores/board/tables/notes'))).toBe(true);
    expect(answer.body.errors.every((error) => error.message.length > 0)).toBe(true);
    expect((await api(runtime, 'GET', '/api/apps/cfg/config')).status).toBe(404);
  });

  test('deploy, read, versions, If-Match, destructive changes and rollback', async () => {
    const withLayout = { ...base, designer: { positions: { notes: { x: 10, y: 20 } } } };
    expect((await api(runtime, 'PUT', '/api/apps/cfg/config', { body: withLayout })).body).toEqual({
      version: 1,
    });
    const read = await api<{ version: number; config: AppConfig }>(runtime, 'GET', '/api/apps/cfg/config');
    expect(read.body.version).toBe(1);
    expect(read.body.config.designer).toEqual(withLayout.designer);
    expect(read.body.config.datastores.board?.instances).toBe('single');

    const stale = await api(runtime, 'PUT', '/api/apps/cfg/config', {
      body: base,
      headers: { 'if-match': '7' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'version_conflict', version: 1 });
    const fresh = await api(runtime, 'PUT', '/api/apps/cfg/config', {
      body: base,
      headers: { 'if-match': '1' },
    });
    expect(fresh.body).toEqual({ version: 2 });

    const removed = structuredClone(base);
    delete removed.datastores.board?.tables.notes?.fields.author;
    const refused = await api<{ code: string; diff: { destructive: boolean } }>(
      runtime,
      'PUT',
      '/api/apps/cfg/config',
      { body: removed },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('destructive_change');
    expect(refused.body.diff.destructive).toBe(true);
    const forced = await api(runtime, 'PUT', '/api/apps/cfg/config?force=true', { body: removed });
    expect(forced.body).toEqual({ version: 3 });

    const versions = await api<{ versions: { version: number; deployedAt: string; live: boolean }[] }>(
      runtime,
      'GET',
      '/api/apps/cfg/config/versions',
    );
    expect(versions.body.versions.map((v) => [v.version, v.live])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(Number.isNaN(Date.parse(versions.body.versions[0]?.deployedAt ?? ''))).toBe(false);

    const rolledBack = await api(runtime, 'POST', '/api/apps/cfg/config/rollback', { body: { version: 1 } });
    expect(rolledBack.body).toEqual({ version: 4 });
    const live = await api<{ config: AppConfig }>(runtime, 'GET', '/api/apps/cfg/config');
    expect(live.body.config.datastores.board?.tables.notes?.fields.author).toEqual({ type: 'string' });
    expect(
      (await api(runtime, 'POST', '/api/apps/cfg/config/rollback', { body: { version: 99 } })).status,
    ).toBe(404);

    const apps = await api<{ apps: { app: string; version: number }[] }>(runtime, 'GET', '/api/apps');
    expect(apps.body.apps).toContainEqual({ app: 'cfg', version: 4 });
  });

  test('a config over the size limit is 413; bad app ids are 404', async () => {
    const huge = { ...base, designer: { padding: 'x'.repeat(30_000) } };
    expect((await api(runtime, 'PUT', '/api/apps/cfg/config', { body: huge })).status).toBe(413);
    expect((await api(runtime, 'GET', '/api/apps/Not_An_App/config')).status).toBe(404);
  });

  test('admin routes need the admin token: none or a bad one is 401, a user token 403', async () => {
    expect((await api(runtime, 'GET', '/api/apps', { token: null })).status).toBe(401);
    expect((await api(runtime, 'GET', '/api/apps', { token: 'wrong' })).status).toBe(401);
    const user = await userToken(runtime, { sub: 'alice' });
    expect((await api(runtime, 'PUT', '/api/apps/cfg/config', { body: base, token: user })).status).toBe(403);
  });

  test('deleting an app removes it', async () => {
    await api(runtime, 'PUT', '/api/apps/gone/config', { body: base });
    expect((await api(runtime, 'DELETE', '/api/apps/gone')).status).toBe(200);
    expect((await api(runtime, 'GET', '/api/apps/gone/config')).status).toBe(404);
    const apps = await api<{ apps: { app: string }[] }>(runtime, 'GET', '/api/apps');
    expect(apps.body.apps.map((entry) => entry.app)).not.toContain('gone');
    expect((await api(runtime, 'DELETE', '/api/apps/gone')).status).toBe(404);
  });
});

describe('tokens', () => {
  test('DEV_MODE mints tokens without an audience', async () => {
    const minted = await api<{ token: string }>(runtime, 'POST', '/api/dev/token', {
      body: { sub: 'dev', roles: ['admin'], tenant: 'acme' },
      token: null,
    });
    expect(minted.status).toBe(200);
    const claims = decodeJwt(minted.body.token);
    expect(claims).toMatchObject({ sub: 'dev', roles: ['admin'], tenant: 'acme' });
    expect(claims.aud).toBeUndefined();
    expect((await api(runtime, 'POST', '/api/dev/token', { body: { roles: [] }, token: null })).status).toBe(
      400,
    );
  });

  test('a token for an app that does not exist is 404', async () => {
    const missing = await api(runtime, 'POST', '/api/apps/never-deployed/tokens', { body: { sub: 'sim' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'unknown_app' });
    expect(missing.body).not.toHaveProperty('token');
  });

  test('admin-minted tokens are for one app only', async () => {
    await api(runtime, 'PUT', '/api/apps/one/config', { body: base });
    await api(runtime, 'PUT', '/api/apps/two/config', { body: base });
    const minted = await api<{ token: string }>(runtime, 'POST', '/api/apps/one/tokens', {
      body: { sub: 'sim', ttlSeconds: 60 },
    });
    expect(decodeJwt(minted.body.token)).toMatchObject({ sub: 'sim', aud: 'one' });
    const mine = await api(runtime, 'GET', '/api/apps/one/datastores/games/instances', {
      token: minted.body.token,
    });
    expect(mine.status).toBe(200);
    const other = await api(runtime, 'GET', '/api/apps/two/datastores/games/instances', {
      token: minted.body.token,
    });
    expect(other.status).toBe(401);
  });

  test('forged, expired, alg-none, not-yet-valid and subject-less tokens are 401', async () => {
    const path = '/api/apps/one/datastores/games/instances';
    const forged = await userToken(runtime, { sub: 'alice' }, { secret: 'not-the-secret' });
    const expired = await userToken(runtime, { sub: 'alice' }, { expiresInSeconds: -10 });
    const noSub = await userToken(runtime, {});
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'alice', exp: Date.now() / 1000 + 600 })).toString(
      'base64url',
    );
    const none = `${header}.${payload}.`;
    const notYet = await userToken(runtime, { sub: 'alice', nbf: Math.floor(Date.now() / 1000) + 600 });
    for (const token of [forged, expired, noSub, none, notYet, 'garbage']) {
      const answer = await api<{ error: string }>(runtime, 'GET', path, { token });
      expect(answer.status, token).toBe(401);
      expect(answer.body.error.length).toBeGreaterThan(0);
    }
    expect((await api(runtime, 'GET', path, { token: null })).status).toBe(401);
  });
});

describe('CORS', () => {
  test('allowed origins get CORS headers, others do not', async () => {
    const allowed = await fetch(`${runtime.url}/api/apps`, {
      method: 'OPTIONS',
      headers: { origin: 'https://allowed.example', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    const other = await fetch(`${runtime.url}/api/apps`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
