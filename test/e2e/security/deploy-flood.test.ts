// Back-pressure: while clients write as fast as the rate limit lets them (more than one instance takes in on this
// machine), a deploy that forbids creates is still answered, and every create sent after its answer is refused.
import type { Connection, Rejection } from '@datastore-designer/preview';
import type { AppConfig } from '@datastore-designer/schema';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attackConfig, connectBoard, snapshotTables } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { waitFor, waitForAsync } from '../../support/sync-client.ts';

const APP = 'flood';
const CLIENTS = 4;
// Messages per second each client sends: close to the runtime's 200 per socket, which also counts the client's
// answers to the hub's own questions.
const PER_SECOND = 150;

let runtime: Runtime;
const open: Connection[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', `/api/apps/${APP}/config`, { body: attackConfig })).status).toBe(200);
});
afterAll(async () => {
  await Promise.all(open.map((connection) => connection.destroy()));
  await runtime?.stop();
});

const client = (sub: string) => connectBoard(runtime, APP, sub, open);

const storedRows = async () => Object.keys((await snapshotTables(runtime, APP, 'board', 'main')).notes ?? {});

test('a deploy forbidding creates, answered during a write flood, refuses every create sent after it', async () => {
  const forbid = JSON.parse(JSON.stringify(attackConfig)) as AppConfig;
  forbid.datastores.board!.tables.notes!.rules!.create = 'false';
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(`w${i}`)));
  const refused = clients.map(() => new Set<string>());
  const closes: number[] = [];
  clients.forEach((connection, index) => {
    connection.addRejectionListener((rejection: Rejection) => {
      if (rejection.rule === 'create') refused[index]!.add(rejection.row);
    });
    connection.addStatusListener((status) => {
      if (status.closeCode !== undefined && status.status !== 'online') closes.push(status.closeCode);
    });
  });
  const sent = clients.map(() => 0);
  let flooding = true;
  const writers = clients.map(async (connection, index) => {
    for (let n = 0; flooding; n++) {
      connection.store.setRow('notes', `w${index}-${n}`, { text: 'x', author: `w${index}` });
      sent[index] = n + 1;
      await new Promise((done) => setTimeout(done, 1000 / PER_SECOND));
    }
  });

  // Flood until the instance has taken in a good number of creates, so the deploy meets a busy instance.
  await waitForAsync(async () => (await storedRows()).length > 300, 'the flood to be under way', 60_000);
  const deployed = await api(runtime, 'PUT', `/api/apps/${APP}/config`, { body: forbid });
  expect(deployed.status).toBe(200);
  const answeredAt = [...sent];
  await waitFor(
    () => clients.every((_, index) => sent[index]! >= answeredAt[index]! + 50),
    'every client to send creates after the answer',
    10_000,
  );
  flooding = false;
  await Promise.all(writers);

  const after = (row: string): boolean => {
    const [, index, n] = /^w(\d+)-(\d+)$/.exec(row) ?? [];
    return Number(n) >= (answeredAt[Number(index)] ?? Infinity);
  };
  // Each create sent after the answer is met by its refusal: the event that says the deploy reached the socket
  // (a client the flood got closed sends its creates again once it is back, and they are refused then).
  for (const [index] of clients.entries()) {
    await waitFor(
      () => {
        for (let n = answeredAt[index]!; n < sent[index]!; n++)
          if (!refused[index]!.has(`w${index}-${n}`)) return false;
        return true;
      },
      `w${index}: the refusal of each of its creates sent after the deploy`,
      60_000,
    );
  }
  const stored = await storedRows();
  expect(stored.filter(after)).toEqual([]);
  expect(stored.length).toBeGreaterThan(300);
  // Sockets the flood put too far behind were closed as over a limit, nothing else.
  expect(closes.filter((code) => code !== 4008)).toEqual([]);
  for (const connection of clients) {
    await waitFor(
      () => Object.keys(connection.store.getTable('notes')).every((row) => !after(row)),
      'undone',
    );
  }
}, 240_000);
