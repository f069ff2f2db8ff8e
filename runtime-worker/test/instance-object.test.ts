// The instance object inside workerd: per-socket facts live in the socket attachment, so a woken object knows
// them, and its own checks of incoming stamps (a device clock far ahead) run on real sockets.
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { getHlcFunctions } from 'tinybase';
import { expect, test } from 'vitest';
import type { SocketFacts } from '../src/instance-facts.ts';
import { admin, deploy, noticesIn, openSocket, rowFrame, waitFor } from './support/sockets.ts';

test('a socket carries its user and token expiry in its attachment', async () => {
  const config = {
    format: 1,
    datastores: {
      board: { instances: 'single', sync: 'twoWay', tables: { t: { fields: { a: { type: 'string' } } } } },
    },
  };
  await SELF.fetch('http://runtime.test/api/apps/attach/config', {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(config),
  });
  const { token } = await (
    await SELF.fetch('http://runtime.test/api/apps/attach/tokens', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ sub: 'ann', roles: ['editor'], tenant: 'acme', ttlSeconds: 600 }),
    })
  ).json<{ token: string }>();
  const response = await SELF.fetch(`http://runtime.test/sync/attach/board/main?token=${token}`, {
    headers: { upgrade: 'websocket' },
  });
  expect(response.status).toBe(101);
  const socket = response.webSocket as WebSocket;
  socket.accept();

  const id = env.INSTANCE.idFromName(JSON.stringify(['attach', 'board', 'main']));
  const attachments = await runInDurableObject(env.INSTANCE.get(id), (_object, state) =>
    state.getWebSockets().map((ws) => ws.deserializeAttachment() as SocketFacts),
  );
  expect(attachments).toHaveLength(1);
  expect(attachments[0]?.user).toEqual({ id: 'ann', roles: ['editor'], tenant: 'acme' });
  expect(attachments[0]?.expiresAt).toBeGreaterThan(Date.now());
  expect(attachments[0]?.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
  socket.close();
});

test('the sync URL without Upgrade answers the refusal status with a JSON reason', async () => {
  const response = await SELF.fetch('http://runtime.test/sync/attach/board/main');
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ code: 'token_required' });
});

test('the hub judges each message by the user in the socket attachment, not by memory', async () => {
  const config = {
    format: 1,
    datastores: {
      board: {
        instances: 'single',
        sync: 'twoWay',
        tables: {
          notes: { fields: { author: { type: 'string' } }, rules: { create: 'newRow.author == user.id' } },
        },
      },
    },
  };
  await SELF.fetch('http://runtime.test/api/apps/judge/config', {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(config),
  });
  const { token } = await (
    await SELF.fetch('http://runtime.test/api/dev/token', { method: 'POST', body: '{"sub":"ann"}' })
  ).json<{ token: string }>();
  const response = await SELF.fetch(`http://runtime.test/sync/judge/board/main?token=${token}`, {
    headers: { upgrade: 'websocket' },
  });
  const socket = response.webSocket as WebSocket;
  socket.accept();
  const frames: string[] = [];
  socket.addEventListener('message', (event) => frames.push(String(event.data)));
  const stub = env.INSTANCE.get(env.INSTANCE.idFromName(JSON.stringify(['judge', 'board', 'main'])));
  // What a woken object would read: change the attachment, as if the object had lost its memory meanwhile.
  await runInDurableObject(stub, (_object, state) => {
    const [ws] = state.getWebSockets();
    const attached = ws?.deserializeAttachment() as SocketFacts;
    ws?.serializeAttachment({ ...attached, user: { id: 'mallory', roles: [], tenant: '' } });
  });
  const stamp = '0000000000000000';
  socket.send(
    `\n["t1",3,[[{"notes":[{"n1":[{"author":["ann","${stamp}"]},"${stamp}"]},"${stamp}"]},"${stamp}"],[{},""],1]]`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const notice = frames.find((frame) => frame.includes('"rejected"'));
  expect(notice).toBeDefined();
  expect(JSON.parse(notice!.slice(notice!.indexOf('\n') + 1))[2][0].rejected[0]).toMatchObject({
    table: 'notes',
    row: 'n1',
    operation: 'create',
    rule: 'create',
  });
  socket.close();
});

test('a write stamped by a clock more than five minutes fast gets a clock notice and a 4008 close', async () => {
  await deploy('clock', {
    format: 1,
    datastores: {
      board: {
        instances: 'single',
        sync: 'twoWay',
        tables: { notes: { fields: { text: { type: 'string' } }, rules: { create: 'true' } } },
      },
    },
  });
  const fast = await openSocket('clock/board/main', 'ann');
  const slightlyFast = await openSocket('clock/board/main', 'bob');
  // Two minutes ahead is within what TinyBase tolerates: accepted like any write.
  slightlyFast.socket.send(
    rowFrame(
      'notes',
      'ok',
      { text: 'two minutes ahead' },
      getHlcFunctions('bob', () => Date.now() + 120_000)[0],
    ),
  );
  await waitFor(() => fast.frames.some((frame) => frame.includes('two minutes ahead')), 'the accepted write');
  fast.socket.send(
    rowFrame(
      'notes',
      'f',
      { text: 'from the future' },
      getHlcFunctions('ann', () => Date.now() + 600_000)[0],
    ),
  );
  expect(await fast.closed).toBe(4008);
  const [notice] = noticesIn(fast.frames);
  expect(notice).toMatchObject({ table: 'notes', row: 'f', operation: 'create', rule: 'schema' });
  expect(String(notice?.reason)).toMatch(/clock is about 10 minutes ahead/);
  expect(slightlyFast.frames.some((frame) => frame.includes('from the future'))).toBe(false);
  const snapshot = await SELF.fetch(
    'http://runtime.test/api/apps/clock/datastores/board/instances/main/snapshot',
    {
      headers: admin,
    },
  );
  expect(await snapshot.json()).toEqual([{ notes: { ok: { text: 'two minutes ahead' } } }, {}]);
});
