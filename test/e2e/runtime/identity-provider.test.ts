// RS256 user tokens from an identity provider's JWKS (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { AppConfig } from '@datastore-designer/schema';
import { freePort, startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, waitForAsync } from '../../support/sync-client.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' } }, rules: { create: "'editor' in user.roles" } },
      },
    },
  },
};

let runtime: Runtime;
let server: Server;
let privateKey: CryptoKey;
let strangerKey: CryptoKey;

const idpToken = (claims: Record<string, unknown>, key = privateKey, issuer = 'https://idp.test') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(issuer)
    .setAudience('datastore-runtime')
    .setExpirationTime('10m')
    .sign(key);

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const port = await freePort();
  server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  runtime = await startRuntime({
    vars: {
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'datastore-runtime',
    },
  });
  expect((await api(runtime, 'PUT', '/api/apps/idp/config', { body: config })).status).toBe(200);
});
afterAll(async () => {
  await runtime?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

test('a token from the identity provider opens a socket, and its claims reach the rules', async () => {
  const token = await idpToken({ sub: 'ida', roles: ['editor'] });
  const client = await connectClient(runtime, 'idp/board/main', token);
  client.store.setRow('notes', 'n', { text: 'signed by the provider' });
  const path = '/api/apps/idp/datastores/board/instances/main/tables/notes/rows';
  await waitForAsync(
    async () => JSON.stringify((await api(runtime, 'GET', path)).body).includes('signed by the provider'),
    'the accepted write',
  );
  expect(client.notices).toEqual([]);
  await client.close();
});

test('tokens signed by another key or issued by another issuer are refused', async () => {
  for (const token of [
    await idpToken({ sub: 'ida' }, strangerKey),
    await idpToken({ sub: 'ida' }, privateKey, 'https://evil.test'),
  ]) {
    const response = await fetch(`${runtime.url}/sync/idp/board/main?token=${token}`);
    expect(response.status).toBe(401);
  }
});
