// An instance object evicted while its sockets stay open wakes with those sockets but none of its memory: a fresh
// InstanceObject on the same state (storage and sockets) must filter each socket's frames exactly as before,
// deleted rows included, from the socket attachments and what SQLite holds alone.
import { env, runInDurableObject } from 'cloudflare:test';
import { expect, test } from 'vitest';
import type { SocketFacts } from '../src/instance-facts.ts';
import { InstanceObject } from '../src/instance-object.ts';
import { deploy, openSocket, rowFrame, waitFor, type RawSocket } from './support/sockets.ts';

const config = {
  format: 1,
  datastores: {
    office: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        deals: {
          fields: { title: { type: 'string' }, by: { type: 'string', auto: 'creator' } },
          rules: {
            create: 'true',
            update: 'true',
            delete: 'true',
            read: "row.by == user.id || user.id == 'mia'",
          },
        },
      },
    },
  },
};

/** A GetRowDiff frame: "these are the rows I hold of `table`, with their hashes". */
const rowDiffRequest = (requestId: string, table: string, rows: Record<string, number>) =>
  `S\n${JSON.stringify([requestId, 5, { [table]: rows }])}`;

/** The body of the answer to request `requestId` among a socket's frames. */
const answerTo = (socket: RawSocket, requestId: string): string | undefined =>
  socket.frames.find((frame) => frame.startsWith(`S\n["${requestId}",0,`));

// TinyBase writes a deleted cell as this character.
const DELETED = '\uFFFC';

test('a woken object filters relays and diff answers per socket, deleted rows included, as before', async () => {
  await deploy('woken', config);
  const path = 'woken/office/main';
  const ann = await openSocket(path, 'ann');
  const bob = await openSocket(path, 'bob');
  const mia = await openSocket(path, 'mia');
  ann.socket.send(rowFrame('deals', 'a1', { title: 'Acme' }));
  bob.socket.send(rowFrame('deals', 'b1', { title: 'Bolt' }));
  bob.socket.send(rowFrame('deals', 'b2', { title: 'Crane' }));
  await waitFor(() => mia.frames.some((frame) => frame.includes('"b2"')), 'mia to get b2');
  // b2 is deleted before the object is evicted: only its kept deciding cells say whose it was.
  bob.socket.send(rowFrame('deals', 'b2', { title: DELETED, by: DELETED }));
  await waitFor(
    () => mia.frames.filter((frame) => frame.includes('"b2"')).length >= 2,
    'mia to get the deletion of b2',
  );
  for (const socket of [ann, bob, mia]) socket.frames.length = 0;

  const stub = env.INSTANCE.get(env.INSTANCE.idFromName(JSON.stringify(['woken', 'office', 'main'])));
  await runInDurableObject(stub, async (_object, state) => {
    const woken = new InstanceObject(state, env);
    // The constructor loads under blockConcurrencyWhile; another one runs once that has finished.
    await state.blockConcurrencyWhile(async () => {});
    const socketOf = (id: string) =>
      state.getWebSockets().find((ws) => (ws.deserializeAttachment() as SocketFacts).user.id === id)!;
    woken.webSocketMessage(socketOf('bob'), rowFrame('deals', 'b3', { title: 'Delta' }));
    woken.webSocketMessage(socketOf('ann'), rowFrame('deals', 'a2', { title: 'Echo' }));
    for (const id of ['ann', 'bob', 'mia'])
      woken.webSocketMessage(socketOf(id), rowDiffRequest(`rows-${id}`, 'deals', { b2: 1 }));
  });
  await waitFor(
    () => [answerTo(ann, 'rows-ann'), answerTo(bob, 'rows-bob'), answerTo(mia, 'rows-mia')].every(Boolean),
    'the answers to the row diff requests',
  );
  await waitFor(() => mia.frames.some((frame) => frame.includes('"a2"')), 'mia to get a2');

  // Relays: each new row reached the one who sees everything, and never the other person.
  expect(mia.frames.some((frame) => frame.includes('"b3"'))).toBe(true);
  expect(ann.frames.join('\n')).not.toMatch(/"b[0-9]"|Bolt|Crane|Delta/);
  expect(bob.frames.join('\n')).not.toMatch(/"a[0-9]"|Acme|Echo/);

  // Diff answers hold exactly what each may read: the tombstone of b2 goes to those who saw it, no one else.
  const annAnswer = answerTo(ann, 'rows-ann')!;
  expect(annAnswer).toContain('"a1"');
  expect(annAnswer).not.toMatch(/"b[0-9]"/);
  const bobAnswer = answerTo(bob, 'rows-bob')!;
  expect(bobAnswer).toMatch(/"b1"/);
  expect(bobAnswer).toMatch(/"b2"/);
  expect(bobAnswer).not.toMatch(/"a[0-9]"/);
  const miaAnswer = answerTo(mia, 'rows-mia')!;
  for (const row of ['a1', 'a2', 'b1', 'b2', 'b3']) expect(miaAnswer).toContain(`"${row}"`);
  for (const socket of [ann, bob, mia]) socket.socket.close();
});
