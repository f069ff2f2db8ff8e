// The worker's middleware factories and route mounting, asked through the Hono app itself (no server).
import { env } from 'cloudflare:test';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import type { AppEnv } from '../src/app-env.ts';
import { createHttpApp } from '../src/http-app.ts';
import { adminAuth } from '../src/middleware/admin-auth.ts';
import { jsonBody } from '../src/middleware/json-body.ts';
import { userAuth } from '../src/middleware/user-auth.ts';
import { validIds } from '../src/middleware/valid-ids.ts';

const ADMIN = 'test-admin-token';

const userToken = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(env.AUTH_SECRET ?? ''));

/** A tiny app that answers who the middleware let through, or what body it read. */
const probe = () => {
  const app = new Hono<AppEnv>();
  app.get('/admin/:app', adminAuth(), (c) => c.json(c.get('requester')));
  app.get('/user/:app', userAuth(), (c) => c.json(c.get('requester')));
  app.post('/body', jsonBody(16), (c) => c.json({ body: c.get('body') }));
  app.post('/config', jsonBody(1024, { config: true }), (c) => c.json({ body: c.get('body') }));
  app.put('/ids/:app/:ds', validIds(), (c) => c.json({ ok: true }));
  app.put('/deploy/:app', validIds({ creates: true }), (c) => c.json({ ok: true }));
  return app;
};
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('adminAuth', () => {
  test('lets the admin token through, 401 without or with a bad token, 403 for a valid user token', async () => {
    const app = probe();
    expect(await (await app.request('/admin/a', bearer(ADMIN), env)).json()).toEqual({
      admin: true,
    });
    const none = await app.request('/admin/a', {}, env);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'admin_required' });
    expect((await app.request('/admin/a', bearer('nonsense'), env)).status).toBe(401);
    const user = await app.request('/admin/a', bearer(await userToken({ sub: 'ann' })), env);
    expect(user.status).toBe(403);
  });
});

describe('userAuth', () => {
  test('keeps the verified user; a token for another app or none at all is 401 with its code', async () => {
    const app = probe();
    const ann = await userToken({ sub: 'ann', roles: ['x'], tenant: 't', aud: 'a' });
    expect(await (await app.request('/user/a', bearer(ann), env)).json()).toEqual({
      admin: false,
      user: { id: 'ann', roles: ['x'], tenant: 't' },
    });
    const other = await app.request('/user/b', bearer(ann), env);
    expect(other.status).toBe(401);
    expect(await other.json()).toMatchObject({ code: 'invalid_token' });
    expect(await (await app.request('/user/a', {}, env)).json()).toMatchObject({ code: 'token_required' });
    expect(await (await app.request('/user/a', bearer(ADMIN), env)).json()).toEqual({
      admin: true,
    });
  });
});

describe('jsonBody', () => {
  test('reads JSON within the limit, 413 beyond it (declared or actual), 400 for bad JSON', async () => {
    const app = probe();
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', body, headers }, env);
    expect(await (await post('/body', '{"a":[1,2]}')).json()).toEqual({ body: { a: [1, 2] } });
    const big = await post('/body', JSON.stringify({ a: 'x'.repeat(20) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'too_large' });
    expect((await post('/body', '{}', { 'content-length': '99999' })).status).toBe(413);
    // Multi-byte characters count as bytes, not characters.
    expect((await post('/body', '"ééééééééé"')).status).toBe(413);
    const bad = await post('/body', '{');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_json' });
  });

  test('a config that is not JSON is a config problem at path ""', async () => {
    const answer = await probe().request('/config', { method: 'POST', body: '{"format":' }, env);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('invalid_json');
    expect(body.errors[0]?.path).toBe('');
  });
});

describe('validIds', () => {
  test('ids nothing can have are 404, except where the call would create the app (400)', async () => {
    const app = probe();
    const put = (path: string) => app.request(path, { method: 'PUT' }, env);
    expect((await put('/ids/ok-app/board')).status).toBe(200);
    expect(await (await put('/ids/Bad_App/board')).json()).toMatchObject({ code: 'unknown_app' });
    expect(await (await put('/ids/ok/9board')).json()).toMatchObject({ code: 'unknown_datastore' });
    const deploy = await put(`/deploy/${'a'.repeat(64)}`);
    expect(deploy.status).toBe(400);
    expect(await deploy.json()).toMatchObject({ code: 'invalid_app_id' });
  });
});

describe('the mounted app', () => {
  const app = createHttpApp();
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

  test('unknown routes under /api and /sync are JSON 404s with a code', async () => {
    for (const path of ['/api/nothing', '/api/apps/a/datastores/d/whatever', '/sync/a', '/sync/a/b/c/d']) {
      const response = await app.request(path, { headers: admin }, env);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ code: 'unknown_route' });
    }
  });

  test('a user reaches instance routes but never the data routes mounted beside them', async () => {
    const token = await userToken({ sub: 'ann' });
    const base = '/api/apps/nowhere/datastores/board/instances';
    const list = await app.request(base, bearer(token), env);
    expect(list.status).toBe(404);
    expect(await list.json()).toMatchObject({ code: 'unknown_app' });
    const join = await app.request(`${base}/x/join`, { method: 'POST', ...bearer(token) }, env);
    expect(await join.json()).toMatchObject({ code: 'unknown_app' });
    const stats = await app.request(`${base}/x/stats`, bearer(token), env);
    expect(stats.status).toBe(403);
  });

  test('a token for an app that was never deployed is 404, and minted once the app exists', async () => {
    const mint = (app_: string) =>
      app.request(`/api/apps/${app_}/tokens`, { method: 'POST', headers: admin, body: '{"sub":"ann"}' }, env);
    const missing = await mint('never-deployed');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'unknown_app' });
    const config = { format: 1, datastores: { board: { instances: 'single', sync: 'twoWay', tables: {} } } };
    const deployed = await app.request(
      '/api/apps/minted/config',
      { method: 'PUT', headers: admin, body: JSON.stringify(config) },
      env,
    );
    expect(deployed.status).toBe(200);
    expect(await (await mint('minted')).json()).toHaveProperty('token');
  });

  test('preflights from allowed origins are answered; others get no CORS headers', async () => {
    const ask = (origin: string) =>
      app.request(
        '/api/apps',
        { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT' } },
        env,
      );
    expect((await ask('https://app.example')).headers.get('access-control-allow-origin')).toBe(
      'https://app.example',
    );
    expect((await ask('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
