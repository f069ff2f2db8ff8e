// Who can see rows on the runtime: plain TinyBase clients see exactly the tables their person may see, no frame
// names or carries a hidden one, refused writes there converge, and a view-changing deploy closes with 4005.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { MergeableStore, Tables } from 'tinybase';
import type { AppConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { settle, waitFor, waitForAsync } from '../../support/sync-client.ts';
import { canonical, watchClient, type WatchedClient } from '../../support/watched-client.ts';

const config = (read: string | undefined): AppConfig => ({
  format: 1,
  datastores: {
    sales: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        deals: {
          fields: { title: { type: 'string' }, owner: { type: 'string', auto: 'creator' } },
          rules: { create: 'true', ...(read === undefined ? {} : { read }) },
        },
      },
    },
  },
});

const office = (salariesRead: string): AppConfig => ({
  format: 1,
  datastores: {
    office: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } },
        deals: {
          fields: { title: { type: 'string' } },
          rules: {
            create: 'true',
            update: 'true',
            delete: 'true',
            read: "'sales' in user.roles || 'manager' in user.roles",
          },
        },
        salaries: {
          fields: { amount: { type: 'number' } },
          rules: { create: 'true', update: 'true', read: salariesRead },
        },
      },
    },
  },
});
const MANAGERS_ONLY = "'manager' in user.roles";

let runtime: Runtime;
const sockets: Array<{ close(): void }> = [];

type Watched = WatchedClient;

const watch = async (sub: string, roles: string[], store?: MergeableStore): Promise<Watched> => {
  const client = await watchClient(runtime, 'viewapp/office/main', { sub, roles }, store);
  sockets.push({ close: () => client.drop() });
  return client;
};

const snapshot = async (): Promise<Tables> => {
  const answer = await api<unknown>(
    runtime,
    'GET',
    '/api/apps/viewapp/datastores/office/instances/main/snapshot',
  );
  return (answer.body as [Tables])[0];
};

const only = (tables: Tables, visible: string[]): Tables =>
  Object.fromEntries(Object.entries(tables).filter(([id]) => visible.includes(id)));

const VISIBLE: Record<string, string[]> = {
  ann: ['notes', 'deals'],
  bob: ['notes', 'deals', 'salaries'],
  cy: ['notes'],
};

/** Waits until each person's copy equals exactly the part of the server's content they may see. */
const converged = async (clients: Record<string, Watched>, visible = VISIBLE): Promise<void> => {
  let last = '';
  try {
    await waitForAsync(async () => {
      const server = await snapshot();
      last = Object.entries(clients)
        .map(
          ([person, client]) =>
            `${person}: ${canonical(client.store.getTables())} vs ${canonical(only(server, visible[person] ?? []))}`,
        )
        .join('\n');
      return Object.entries(clients).every(
        ([person, client]) =>
          canonical(client.store.getTables()) === canonical(only(server, visible[person] ?? [])),
      );
    }, 'every copy to equal what its person may see');
  } catch (error) {
    throw new Error(`${String(error)}\n${last}`, { cause: error });
  }
};

beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  sockets.forEach((socket) => socket.close());
  await runtime?.stop();
});

test('a read rule that names a field that can change is refused saying which fields it may use', async () => {
  const refused = await api(runtime, 'PUT', '/api/apps/readapp/config', { body: config("row.title == ''") });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({
    errors: [
      {
        path: '/datastores/sales/tables/deals/rules/read',
        code: 'rule_read_changing',
        message: expect.stringContaining('may only use fields that never change: Created by, Created at'),
      },
    ],
  });
});

test('three people see exactly their tables, no frame names a hidden one, refusals converge, and quiet follows', async () => {
  expect(
    (await api(runtime, 'PUT', '/api/apps/viewapp/config', { body: office(MANAGERS_ONLY) })).status,
  ).toBe(200);
  const clients = {
    ann: await watch('ann', ['sales']),
    bob: await watch('bob', ['manager']),
    cy: await watch('cy', []),
  };
  clients.ann.store.setRow('deals', 'deal-ann', { title: 'Ann big deal' });
  clients.ann.store.setRow('notes', 'note-ann', { text: 'hello' });
  clients.bob.store.setRow('salaries', 'pay-bob', { amount: 987654 });
  clients.bob.store.setRow('deals', 'deal-bob', { title: 'Bob deal' });
  clients.cy.store.setRow('notes', 'note-cy', { text: 'hi' });
  await converged(clients);
  const server = await snapshot();
  expect(Object.keys(server).sort()).toEqual(['deals', 'notes', 'salaries']);
  expect(clients.cy.store.getRow('notes', 'note-ann')).toEqual({ text: 'hello' });

  const hiddenWords: Record<string, string[]> = {
    ann: ['salaries', 'pay-bob', '987654'],
    bob: [],
    cy: ['salaries', 'pay-bob', '987654', 'deals', 'deal-ann', 'deal-bob', 'Ann big deal', 'Bob deal'],
  };
  const leaks = (person: keyof typeof clients, from = 0) =>
    clients[person].frames
      .slice(from)
      .filter((frame) => (hiddenWords[person] ?? []).some((word) => frame.includes(word)));
  expect(leaks('ann')).toEqual([]);
  expect(leaks('cy')).toEqual([]);

  // Writes where the writer cannot see: refused by who can see rows, undone at the sender, stored nowhere.
  const cyFrom = clients.cy.frames.length;
  const annFrom = clients.ann.frames.length;
  clients.cy.store.setRow('deals', 'deal-cy', { title: 'Cy deal' });
  clients.ann.store.setCell('salaries', 'pay-bob', 'amount', 1);
  await waitFor(() => clients.cy.notices.length > 0 && clients.ann.notices.length > 0, 'the notices');
  expect(clients.cy.notices[0]).toMatchObject({
    table: 'deals',
    row: 'deal-cy',
    rule: 'read',
    operation: 'create',
  });
  expect(clients.ann.notices[0]).toMatchObject({
    table: 'salaries',
    row: 'pay-bob',
    rule: 'read',
    operation: 'create',
  });
  await converged(clients);
  expect((await snapshot()).salaries).toEqual({ 'pay-bob': { amount: 987654 } });
  expect((await snapshot()).deals?.['deal-cy']).toBeUndefined();
  // Only what they sent themselves comes back to them; nothing of anyone else's.
  hiddenWords.ann = ['987654'];
  hiddenWords.cy = ['deal-ann', 'deal-bob', 'Ann big deal', 'Bob deal', 'salaries', 'pay-bob'];
  expect(leaks('ann', annFrom)).toEqual([]);
  expect(leaks('cy', cyFrom)).toEqual([]);

  const counts = Object.values(clients).map((client) => client.frames.length);
  await settle(3000);
  expect(Object.values(clients).map((client) => client.frames.length)).toEqual(counts);

  // A deploy letting sales see salaries closes Ann's socket alone with 4005; her copy, sent again, heals.
  const closes: Record<string, number | undefined> = {};
  for (const [person, client] of Object.entries(clients))
    void client.closed.then((code) => (closes[person] = code));
  const deployed = await api(runtime, 'PUT', '/api/apps/viewapp/config', {
    body: office("'manager' in user.roles || 'sales' in user.roles"),
  });
  expect(deployed.status).toBe(200);
  await waitFor(() => closes.ann !== undefined, 'Ann’s socket to close');
  expect(closes.ann).toBe(4005);
  await settle(300);
  expect(closes.bob).toBeUndefined();
  expect(closes.cy).toBeUndefined();
  const ann = await watch('ann', ['sales'], clients.ann.store);
  const after = { ...clients, ann };
  const seen = { ...VISIBLE, ann: ['notes', 'deals', 'salaries'] };
  await converged(after, seen);
  expect(ann.store.getRow('salaries', 'pay-bob')).toEqual({ amount: 987654 });
  expect(clients.bob.store.getRow('salaries', 'pay-bob')).toEqual({ amount: 987654 });
});
