// Every route of the HTTP API without a token, with a user token and with another app's token, and every way a
// token can be wrong, on the API and on the sync URL.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attackConfig } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { openSocket, userToken } from '../../support/sync-client.ts';

let runtime: Runtime;
let multiId = '';

beforeAll(async () => {
  runtime = await startRuntime();
  for (const app of ['victim', 'other']) {
    expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: attackConfig })).status).toBe(200);
  }
  const created = await api<{ id: string }>(runtime, 'POST', '/api/apps/victim/datastores/rooms/instances', {
    body: { owner: 'owner' },
  });
  multiId = created.body.id;
});
afterAll(async () => {
  await runtime?.stop();
});

type Route = { method: string; path: () => string; body?: unknown; who: 'admin' | 'user' };

const ds = '/api/apps/victim/datastores';
const routes: Route[] = [
  { method: 'PUT', path: () => '/api/apps/victim/config', body: attackConfig, who: 'admin' },
  { method: 'GET', path: () => '/api/apps/victim/config', who: 'admin' },
  { method: 'GET', path: () => '/api/apps/victim/config/versions', who: 'admin' },
  { method: 'POST', path: () => '/api/apps/victim/config/rollback', body: { version: 1 }, who: 'admin' },
  { method: 'GET', path: () => '/api/apps', who: 'admin' },
  { method: 'DELETE', path: () => '/api/apps/victim', who: 'admin' },
  {
    method: 'POST',
    path: () => '/api/apps/victim/tokens',
    body: { sub: 'root', roles: ['admin'] },
    who: 'admin',
  },
  { method: 'POST', path: () => `${ds}/rooms/instances`, body: {}, who: 'user' },
  { method: 'GET', path: () => `${ds}/rooms/instances`, who: 'user' },
  { method: 'DELETE', path: () => `${ds}/rooms/instances/${multiId}`, who: 'user' },
  {
    method: 'POST',
    path: () => `${ds}/rooms/instances/${multiId}/members`,
    body: { userId: 'x' },
    who: 'user',
  },
  { method: 'DELETE', path: () => `${ds}/rooms/instances/${multiId}/members/owner`, who: 'user' },
  { method: 'POST', path: () => `${ds}/rooms/instances/${multiId}/join`, who: 'user' },
  { method: 'GET', path: () => `${ds}/board/instances/main/snapshot`, who: 'admin' },
  { method: 'PUT', path: () => `${ds}/board/instances/main/snapshot`, body: [{}, {}], who: 'admin' },
  { method: 'GET', path: () => `${ds}/board/instances/main/stats`, who: 'admin' },
  { method: 'GET', path: () => `${ds}/board/instances/main/tables/notes/rows`, who: 'admin' },
  {
    method: 'PUT',
    path: () => `${ds}/board/instances/main/tables/notes/rows/r1`,
    body: { text: 'x', author: 'x' },
    who: 'admin',
  },
  { method: 'DELETE', path: () => `${ds}/board/instances/main/tables/notes/rows/r1`, who: 'admin' },
];

const label = (route: Route) => `${route.method} ${route.path().replace(multiId, ':id')}`;

describe('every route', () => {
  test('without a token is 401 and changes nothing', async () => {
    for (const route of routes) {
      const answer = await api(runtime, route.method, route.path(), { body: route.body, token: null });
      expect(answer.status, label(route)).toBe(401);
    }
    expect((await api(runtime, 'GET', '/api/apps/victim/config')).status).toBe(200);
  });

  test('with a valid user token: admin routes are 403, user routes never 401', async () => {
    const token = await userToken(runtime, { sub: 'mallory' });
    for (const route of routes) {
      const answer = await api(runtime, route.method, route.path(), { body: route.body, token });
      if (route.who === 'admin') expect(answer.status, label(route)).toBe(403);
      else expect(answer.status, label(route)).not.toBe(401);
    }
    // Mallory is not the owner: the instance and its owner are still there.
    const listed = await api<{ instances: Array<{ id: string; members: string[] }> }>(
      runtime,
      'GET',
      `${ds}/rooms/instances`,
    );
    expect(listed.body.instances.find((entry) => entry.id === multiId)?.members).toContain('owner');
  });

  test("with another app's token (aud = other): 401 everywhere on this app", async () => {
    const token = await userToken(runtime, { sub: 'owner', aud: 'other' });
    for (const route of routes) {
      const answer = await api(runtime, route.method, route.path(), { body: route.body, token });
      expect(answer.status, label(route)).toBe(401);
    }
    // The same token works on its own app.
    expect((await api(runtime, 'GET', '/api/apps/other/datastores/rooms/instances', { token })).status).toBe(
      200,
    );
  });

  test('an app token minted by the admin is for that app only', async () => {
    const minted = await api<{ token: string }>(runtime, 'POST', '/api/apps/other/tokens', {
      body: { sub: 'owner' },
    });
    const token = minted.body.token;
    expect((await api(runtime, 'GET', `${ds}/rooms/instances`, { token })).status).toBe(401);
    expect((await api(runtime, 'GET', '/api/apps/other/datastores/rooms/instances', { token })).status).toBe(
      200,
    );
  });
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const secret = () => new TextEncoder().encode(runtime.authSecret);
const now = () => Math.floor(Date.now() / 1000);

const badTokens: Array<[string, () => Promise<string>]> = [
  [
    'alg: none',
    async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'owner', exp: now() + 600 })}.`,
  ],
  [
    'alg: none with a signature',
    async () => {
      const good = await userToken(runtime, { sub: 'owner' });
      const [, payload, signature] = good.split('.');
      return `${base64url({ alg: 'none' })}.${payload}.${signature}`;
    },
  ],
  ['a wrong key', () => userToken(runtime, { sub: 'owner' }, { secret: 'not-the-secret' })],
  ['expired', () => userToken(runtime, { sub: 'owner' }, { expiresInSeconds: -120 })],
  ['not yet valid', () => userToken(runtime, { sub: 'owner', nbf: now() + 600 })],
  ['no sub', () => userToken(runtime, {})],
  ['an empty sub', () => userToken(runtime, { sub: '' })],
  [
    'a sub that is not text',
    () =>
      new SignJWT({ sub: 42 as unknown as string })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(secret()),
  ],
  [
    'a tampered payload',
    async () => {
      const [header, , signature] = (await userToken(runtime, { sub: 'mallory' })).split('.');
      return `${header}.${base64url({ sub: 'owner', exp: now() + 600 })}.${signature}`;
    },
  ],
  ['another aud', () => userToken(runtime, { sub: 'owner', aud: 'other' })],
  [
    'HS512 instead of HS256',
    () =>
      new SignJWT({ sub: 'owner' })
        .setProtectedHeader({ alg: 'HS512' })
        .setExpirationTime('1h')
        .sign(secret()),
  ],
  ['garbage', async () => 'not.a.jwt'],
  ['the admin token as a JWT', async () => runtime.adminToken],
];

describe('a token that is wrong', () => {
  test.each(badTokens)('%s: 401 on the API and on sync, with and without Upgrade', async (name, make) => {
    const token = await make();
    const listed = await api(runtime, 'GET', `${ds}/rooms/instances`, { token });
    if (name === 'the admin token as a JWT') {
      // The admin token is the admin's credential on the API, never a user's on sync.
      expect(listed.status).toBe(200);
    } else expect(listed.status).toBe(401);
    for (const path of ['victim/board/main', `victim/rooms/${multiId}`]) {
      const url = `${runtime.wsUrl}/sync/${path}?token=${encodeURIComponent(token)}`;
      await expect(openSocket(url)).rejects.toThrow('refused with 401');
      const plain = await fetch(url.replace(/^ws/, 'http'));
      expect(plain.status).toBe(401);
      expect(((await plain.json()) as { code: string }).code).toBe('invalid_token');
    }
  });

  test('the good token of the same shape is accepted (so the refusals above are about the token)', async () => {
    const token = await userToken(runtime, { sub: 'owner', aud: 'victim' });
    expect((await api(runtime, 'GET', `${ds}/rooms/instances`, { token })).status).toBe(200);
    const socket = await openSocket(`${runtime.wsUrl}/sync/victim/rooms/${multiId}?token=${token}`);
    socket.close();
  });
});
