// "Persist before relay" through the output gate: a frame the hub sends after saving a change is held until that
// save commits, so when the commit fails the frame never arrives. (A SIGKILL cannot tell gated sends from
// ungated ones; a failing commit can.)
import { env, runInDurableObject } from 'cloudflare:test';
import { expect, test } from 'vitest';
import { refOf, type InstanceFacts } from '../src/instance-facts.ts';
import type { InstanceObject } from '../src/instance-object.ts';
import { deploy, openSocket, rowFrame, waitFor } from './support/sockets.ts';

const config = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: { notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } } },
    },
  },
};

test('when the save of a change fails to commit, the relay of that change never reaches anyone', async () => {
  await deploy('gate', config);
  const a = await openSocket('gate/board/main', 'ann');
  const b = await openSocket('gate/board/main', 'bob');

  a.socket.send(rowFrame('notes', 'n1', { text: 'saved' }));
  await waitFor(() => b.frames.some((frame) => frame.includes('"saved"')), 'the first change at B');

  // Make the next save of a "poison" cell fail at commit: a deferred foreign key is checked only then, so the
  // hub's write itself succeeds, the relay is sent after it, and only the commit (held by the gate) fails.
  const id = env.INSTANCE.idFromName(JSON.stringify(['gate', 'board', 'main']));
  await runInDurableObject(env.INSTANCE.get(id), (_object, state) => {
    state.storage.sql.exec(`
      CREATE TABLE poison_parent (id INTEGER PRIMARY KEY);
      CREATE TABLE poison_child (parent INTEGER REFERENCES poison_parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER poison AFTER INSERT ON synced_cells WHEN NEW.value = '"poison"'
        BEGIN INSERT INTO poison_child VALUES (1); END;
    `);
  });
  const before = b.frames.length;
  a.socket.send(rowFrame('notes', 'n2', { text: 'poison' }));
  // The failed commit resets the object: its sockets are dropped, and what was held behind the commit is gone.
  await b.closed;
  expect(b.frames.slice(before).filter((frame) => frame.includes('poison'))).toEqual([]);

  // The object restarts from what was committed: the first change, not the poisoned one.
  const snapshot = await runInDurableObject<InstanceObject, { body: unknown }>(
    env.INSTANCE.get(id),
    async (instance, state) =>
      instance.getSnapshot(refOf((await state.storage.get<InstanceFacts>('facts'))!)),
  );
  expect(snapshot.body).toEqual([{ notes: { n1: { text: 'saved' } } }, {}]);
});
