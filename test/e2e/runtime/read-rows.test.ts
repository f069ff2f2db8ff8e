// Who can see rows, row by row, on the runtime: plain TinyBase clients hold exactly the rows their person may
// read, no frame names or carries another, refused writes to hidden rows converge at the sender and leak
// nothing, a view that shrank while a device was offline heals without losing a row, a view-changing deploy or
// member change closes exactly the sockets concerned with 4005, and a restarted object still filters.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { MergeableStore, Tables } from 'tinybase';
import type { AppConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { settle, waitFor, waitForAsync } from '../../support/sync-client.ts';
import { canonical, watchClient, type WatchedClient } from '../../support/watched-client.ts';

const OWN_OR_MANAGER = "row.owner == user.id || 'manager' in user.roles";

const sales = (dealsRead: string, instances: 'single' | 'multi' = 'single'): AppConfig => ({
  format: 1,
  datastores: {
    sales: {
      instances,
      sync: 'twoWay',
      ...(instances === 'multi' ? { connect: 'true', createInstance: 'true', join: 'true' } : {}),
      tables: {
        notes: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } },
        deals: {
          fields: {
            title: { type: 'string' },
            owner: { type: 'string', auto: 'creator' },
          },
          rules: { create: 'true', update: 'true', delete: 'true', read: dealsRead },
        },
      },
    },
  },
});

let runtime: Runtime;
const clients: WatchedClient[] = [];

const watch = async (
  app: string,
  instance: string,
  sub: string,
  roles: string[] = [],
  store?: MergeableStore,
): Promise<WatchedClient> => {
  const client = await watchClient(runtime, `${app}/sales/${instance}`, { sub, roles }, store);
  clients.push(client);
  return client;
};

const deploy = async (app: string, config: AppConfig): Promise<void> => {
  const answer = await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: config });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
};

const snapshot = async (app: string, instance = 'main'): Promise<Tables> =>
  (
    (await api<unknown>(runtime, 'GET', `/api/apps/${app}/datastores/sales/instances/${instance}/snapshot`))
      .body as [Tables]
  )[0];

/** The part of the server's content a person may read under OWN_OR_MANAGER. */
const readable = (tables: Tables, sub: string, manager: boolean): Tables => {
  const deals = Object.fromEntries(
    Object.entries(tables.deals ?? {}).filter(([, row]) => manager || row.owner === sub),
  );
  return {
    ...(tables.notes ? { notes: tables.notes } : {}),
    ...(Object.keys(deals).length > 0 ? { deals } : {}),
  };
};

type People = Record<string, { client: WatchedClient; manager: boolean }>;

/** Waits until each person's copy equals exactly what they may read of the server's content. */
const converged = async (app: string, people: People): Promise<void> => {
  let last = '';
  try {
    await waitForAsync(async () => {
      const server = await snapshot(app);
      const pairs = Object.entries(people).map(([sub, { client, manager }]) => [
        sub,
        canonical(client.store.getTables()),
        canonical(readable(server, sub, manager)),
      ]);
      last = pairs.map(([sub, has, may]) => `${sub}: ${has} vs ${may}`).join('\n');
      return pairs.every(([, has, may]) => has === may);
    }, 'every copy to equal what its person may read');
  } catch (error) {
    throw new Error(`${String(error)}\n${last}`, { cause: error });
  }
};

/** The frames a client received from `from` on that name any of the words. */
const leaks = (client: WatchedClient, words: string[], from = 0): string[] =>
  client.frames.slice(from).filter((frame) => words.some((word) => frame.includes(word)));

const quiet = async (people: WatchedClient[]): Promise<void> => {
  const counts = people.map((client) => client.frames.length);
  await settle(3000);
  expect(people.map((client) => client.frames.length)).toEqual(counts);
};

beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  clients.forEach((client) => client.drop());
  await runtime?.stop();
});

test('three people hold exactly the rows they may read, no frame carries another’s, and quiet follows', async () => {
  await deploy('rows1', sales(OWN_OR_MANAGER));
  const ann = await watch('rows1', 'main', 'ann');
  const bob = await watch('rows1', 'main', 'bob');
  const max = await watch('rows1', 'main', 'max', ['manager']);
  const people: People = {
    ann: { client: ann, manager: false },
    bob: { client: bob, manager: false },
    max: { client: max, manager: true },
  };
  ann.store.setRow('deals', 'deal-ann', { title: 'Ann big deal' });
  ann.store.setRow('notes', 'note-ann', { text: 'hello all' });
  bob.store.setRow('deals', 'deal-bob', { title: 'Bob secret deal' });
  for (let index = 0; index < 20; index++) {
    (index % 2 === 0 ? ann : bob).store.setRow('deals', `bulk-${index % 2 === 0 ? 'ann' : 'bob'}-${index}`, {
      title: `bulk ${index}`,
    });
  }
  max.store.setRow('deals', 'deal-max', { title: 'Max deal' });
  await converged('rows1', people);
  const server = await snapshot('rows1');
  expect(server.deals?.['deal-bob']).toMatchObject({ owner: 'bob' });
  expect(Object.keys(max.store.getTable('deals')).length).toBe(23);
  expect(ann.store.getRow('notes', 'note-ann')).toEqual({ text: 'hello all' });
  expect(bob.store.getRow('notes', 'note-ann')).toEqual({ text: 'hello all' });
  expect(leaks(ann, ['deal-bob', 'Bob secret deal', 'bulk-bob', 'deal-max', 'Max deal'])).toEqual([]);
  expect(leaks(bob, ['deal-ann', 'Ann big deal', 'bulk-ann', 'deal-max', 'Max deal'])).toEqual([]);

  // Changes and deletions reach those who see the row, and nobody else.
  const annFrom = ann.frames.length;
  max.store.setCell('deals', 'deal-bob', 'title', 'Bob secret deal, signed');
  max.store.delRow('deals', 'bulk-bob-1');
  bob.store.delRow('deals', 'bulk-bob-3');
  await converged('rows1', people);
  expect(bob.store.getCell('deals', 'deal-bob', 'title')).toBe('Bob secret deal, signed');
  expect(leaks(ann, ['deal-bob', 'bulk-bob', 'signed'], annFrom)).toEqual([]);
  await quiet([ann, bob, max]);
});

test('writes to rows one may not read are refused by rule read, converge at the sender and leak nothing', async () => {
  await deploy('rows2', sales(OWN_OR_MANAGER));
  const ann = await watch('rows2', 'main', 'ann');
  const bob = await watch('rows2', 'main', 'bob');
  ann.store.setRow('deals', 'deal-ann', { title: 'Ann big deal' });
  ann.store.setRow('deals', 'deal-ann-2', { title: 'Ann second deal' });
  const people: People = { ann: { client: ann, manager: false }, bob: { client: bob, manager: false } };
  await converged('rows2', people);
  const bobFrom = bob.frames.length;
  // An update and a create reusing a hidden row's id look alike to a plain client: a row written under that id.
  bob.store.setCell('deals', 'deal-ann', 'title', 'Bob was here');
  bob.store.setRow('deals', 'deal-ann-2', { title: 'Bob takes this id' });
  await waitFor(() => bob.notices.length >= 2, 'Bob’s two notices');
  for (const notice of bob.notices) {
    expect(notice).toMatchObject({ table: 'deals', rule: 'read', reason: expect.any(String) });
  }
  expect(bob.notices.map((notice) => notice.row).sort()).toEqual(['deal-ann', 'deal-ann-2']);
  await converged('rows2', people);
  expect(bob.store.getTable('deals')).toEqual({});
  const server = await snapshot('rows2');
  expect(server.deals?.['deal-ann']).toEqual({ title: 'Ann big deal', owner: 'ann' });
  expect(server.deals?.['deal-ann-2']).toEqual({ title: 'Ann second deal', owner: 'ann' });
  // What Bob gets back is his own refused words at most: never Ann's content, nor her id as owner.
  expect(leaks(bob, ['Ann big deal', 'Ann second deal', '"ann"'], bobFrom)).toEqual([]);
  expect(ann.store.getCell('deals', 'deal-ann', 'title')).toBe('Ann big deal');

  // A deletion of a row one cannot read (a crafted frame: a plain client has no such row to delete).
  const before = bob.notices.length;
  bob.store.setRow('deals', 'deal-ann', { title: 'again' });
  bob.store.delRow('deals', 'deal-ann');
  await waitFor(() => bob.notices.length > before, 'the refusal of Bob’s write and deletion');
  await converged('rows2', people);
  expect((await snapshot('rows2')).deals?.['deal-ann']).toEqual({ title: 'Ann big deal', owner: 'ann' });
  await quiet([ann, bob]);
});

test('a device whose view shrank while offline is healed: its edits there are refused and no row is lost', async () => {
  await deploy('rows3', sales(OWN_OR_MANAGER));
  const bob = await watch('rows3', 'main', 'bob');
  const max = await watch('rows3', 'main', 'max', ['manager']);
  bob.store.setRow('deals', 'deal-bob', { title: 'Bob deal' });
  bob.store.setRow('deals', 'deal-bob-2', { title: 'Bob other deal' });
  await converged('rows3', { bob: { client: bob, manager: false }, max: { client: max, manager: true } });
  // Max goes offline, edits and deletes Bob's deals; meanwhile managers lose sight of others' rows.
  max.drop();
  await settle(200);
  max.store.setCell('deals', 'deal-bob', 'title', 'Max offline edit');
  max.store.delRow('deals', 'deal-bob-2');
  max.store.setRow('deals', 'deal-max', { title: 'Max offline deal' });
  await deploy('rows3', sales('row.owner == user.id'));
  const back = await watch('rows3', 'main', 'max', ['manager'], max.store);
  await waitFor(() => back.notices.length >= 2, 'the refusals of Max’s offline edits');
  expect(back.notices.every((notice) => notice.rule === 'read')).toBe(true);
  await converged('rows3', { bob: { client: bob, manager: false }, max: { client: back, manager: false } });
  expect(bob.store.getRow('deals', 'deal-bob')).toEqual({ title: 'Bob deal', owner: 'bob' });
  expect(bob.store.getRow('deals', 'deal-bob-2')).toEqual({ title: 'Bob other deal', owner: 'bob' });
  expect(back.store.getRow('deals', 'deal-max')).toEqual({ title: 'Max offline deal', owner: 'max' });

  // Sight comes back: the deploy closes Max's socket with 4005, and his copy (holding the hub's deletions of
  // Bob's rows) reconnects without deleting anything: the stored rows are stamped again and win everywhere.
  await deploy('rows3', sales(OWN_OR_MANAGER));
  expect(await back.closed).toBe(4005);
  const again = await watch('rows3', 'main', 'max', ['manager'], back.store);
  await converged('rows3', { bob: { client: bob, manager: false }, max: { client: again, manager: true } });
  const server = await snapshot('rows3');
  expect(Object.keys(server.deals ?? {}).sort()).toEqual(['deal-bob', 'deal-bob-2', 'deal-max']);
  expect(again.store.getRow('deals', 'deal-bob-2')).toEqual({ title: 'Bob other deal', owner: 'bob' });
  await quiet([bob, again]);
});

test('4005 closes exactly the sockets whose view changed, on a deploy and on a member change', async () => {
  const rule = "row.owner == user.id || ('lead' in user.roles && row.owner in instance.members)";
  await deploy('rows4', sales(rule, 'multi'));
  const created = await api<{ id: string }>(runtime, 'POST', '/api/apps/rows4/datastores/sales/instances', {
    body: { owner: 'lee' },
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  for (const userId of ['ann', 'cara']) {
    const added = await api(runtime, 'POST', `/api/apps/rows4/datastores/sales/instances/${id}/members`, {
      body: { userId },
    });
    expect(added.status).toBe(200);
  }
  const lee = await watch('rows4', id, 'lee', ['lead']);
  const ann = await watch('rows4', id, 'ann');
  const cara = await watch('rows4', id, 'cara');
  cara.store.setRow('deals', 'deal-cara', { title: 'Cara deal' });
  ann.store.setRow('deals', 'deal-ann', { title: 'Ann deal' });
  await waitFor(() => Object.keys(lee.store.getTable('deals')).length === 2, 'the lead to see both deals');
  const closes: Record<string, number> = {};
  for (const [person, client] of Object.entries({ lee, ann, cara })) {
    void client.closed.then((code) => (closes[person] = code));
  }
  // Cara leaves: the lead no longer sees her row (4005); Ann's view is unchanged; Cara herself is let go (4003).
  const removed = await api(
    runtime,
    'DELETE',
    `/api/apps/rows4/datastores/sales/instances/${id}/members/cara`,
  );
  expect(removed.status).toBe(200);
  await waitFor(() => closes.lee !== undefined && closes.cara !== undefined, 'the two closes');
  expect(closes).toEqual({ lee: 4005, cara: 4003 });
  const leeAgain = await watch('rows4', id, 'lee', ['lead']);
  await waitFor(() => leeAgain.store.hasRow('deals', 'deal-ann'), 'the lead’s fresh copy');
  await settle(300);
  expect(leeAgain.store.hasRow('deals', 'deal-cara')).toBe(false);

  // A deploy that changes who sees rows but not what Lee sees leaves him connected, and closes Ann's socket.
  await deploy('rows4', sales(`${rule} || user.id == 'ann'`, 'multi'));
  await waitFor(() => closes.ann !== undefined, 'Ann’s socket to close');
  expect(closes.ann).toBe(4005);
  await settle(300);
  let leeClosed: number | undefined;
  void leeAgain.closed.then((code) => (leeClosed = code));
  await settle(100);
  expect(leeClosed).toBeUndefined();
});

test('after a restart the object filters as before, deleted rows included', async () => {
  await deploy('rows5', sales(OWN_OR_MANAGER));
  const ann = await watch('rows5', 'main', 'ann');
  ann.store.setRow('deals', 'deal-ann', { title: 'Ann deal' });
  ann.store.setRow('deals', 'gone-ann', { title: 'Ann deal soon gone' });
  await waitForAsync(async () => (await snapshot('rows5')).deals?.['gone-ann'] !== undefined, 'the rows');
  ann.store.delRow('deals', 'gone-ann');
  await waitForAsync(async () => (await snapshot('rows5')).deals?.['gone-ann'] === undefined, 'the deletion');
  ann.drop();
  await runtime.restart();
  const bob = await watch('rows5', 'main', 'bob');
  bob.store.setRow('deals', 'deal-bob', { title: 'Bob deal' });
  const annFresh = await watch('rows5', 'main', 'ann');
  await waitFor(() => annFresh.store.hasRow('deals', 'deal-ann'), 'Ann’s fresh copy');
  await settle(500);
  // Ann's fresh copy holds the tombstone of her deleted row (its deciding cells were kept), Bob's never hears of it.
  expect(annFresh.frames.some((frame) => frame.includes('gone-ann'))).toBe(true);
  expect(leaks(bob, ['deal-ann', 'gone-ann', 'Ann deal'])).toEqual([]);
  expect(leaks(annFresh, ['deal-bob', 'Bob deal'])).toEqual([]);
  expect(annFresh.store.hasRow('deals', 'deal-bob')).toBe(false);
});

test('the data API handing a row to someone else closes exactly the sockets that saw it differently', async () => {
  await deploy('rows6', sales(OWN_OR_MANAGER));
  const ann = await watch('rows6', 'main', 'ann');
  const bob = await watch('rows6', 'main', 'bob');
  const cy = await watch('rows6', 'main', 'cy');
  const max = await watch('rows6', 'main', 'max', ['manager']);
  ann.store.setRow('deals', 'deal-ann', { title: 'Ann deal' });
  await waitFor(() => max.store.hasRow('deals', 'deal-ann'), 'the manager to see Ann’s deal');
  const closes: Record<string, number> = {};
  for (const [person, client] of Object.entries({ ann, bob, cy, max })) {
    void client.closed.then((code) => (closes[person] = code));
  }
  const rows = '/api/apps/rows6/datastores/sales/instances/main/tables/deals/rows';
  const put = await api(runtime, 'PUT', `${rows}/deal-ann`, { body: { title: 'Ann deal', owner: 'bob' } });
  expect(put.status).toBe(200);
  await waitFor(
    () => closes.ann !== undefined && closes.bob !== undefined,
    'Ann’s and Bob’s sockets to close',
  );
  expect(closes).toEqual({ ann: 4005, bob: 4005 });
  await settle(300);
  expect(closes).toEqual({ ann: 4005, bob: 4005 });
  expect(max.store.getRow('deals', 'deal-ann')).toEqual({ title: 'Ann deal', owner: 'bob' });
  const bobAgain = await watch('rows6', 'main', 'bob');
  await waitFor(() => bobAgain.store.hasRow('deals', 'deal-ann'), 'Bob’s fresh copy with the deal');
  expect(leaks(cy, ['deal-ann', 'Ann deal'])).toEqual([]);
});

test('a deleted row created again by someone else closes the sockets that saw it go and may not see it now', async () => {
  await deploy('rows7', sales(OWN_OR_MANAGER));
  const ann = await watch('rows7', 'main', 'ann');
  const bob = await watch('rows7', 'main', 'bob');
  const max = await watch('rows7', 'main', 'max', ['manager']);
  ann.store.setRow('deals', 'deal-1', { title: 'Ann deal' });
  await waitFor(() => max.store.hasRow('deals', 'deal-1'), 'the manager to see Ann’s deal');
  ann.store.delRow('deals', 'deal-1');
  await waitFor(() => !max.store.hasRow('deals', 'deal-1'), 'the manager to see it deleted');
  const closes: Record<string, number> = {};
  for (const [person, client] of Object.entries({ ann, bob, max })) {
    void client.closed.then((code) => (closes[person] = code));
  }
  // Bob never saw Ann's deal, so the id is free for him; the deal he adds under it is his.
  bob.store.setRow('deals', 'deal-1', { title: 'Bob deal' });
  await waitFor(
    () => max.store.getCell('deals', 'deal-1', 'title') === 'Bob deal',
    'the manager to see Bob’s',
  );
  await waitFor(() => closes.ann !== undefined, 'Ann’s socket to close');
  await settle(300);
  // Ann's copy holds the deletion of a row that is now Bob's: she starts afresh. Bob made it; the manager sees all.
  expect(closes).toEqual({ ann: 4005 });
  expect(bob.store.getRow('deals', 'deal-1')).toEqual({ title: 'Bob deal', owner: 'bob' });
  const annAgain = await watch('rows7', 'main', 'ann');
  // Ann may see none of the deals, so her empty copy equals her part at once: a note she may see tells when her
  // fresh copy is in sync.
  max.store.setRow('notes', 'note-1', { text: 'after Bob’s deal' });
  await waitFor(() => annAgain.store.hasRow('notes', 'note-1'), 'Ann’s fresh copy to be in sync');
  await converged('rows7', {
    ann: { client: annAgain, manager: false },
    bob: { client: bob, manager: false },
    max: { client: max, manager: true },
  });
  expect(leaks(ann, ['Bob deal'])).toEqual([]);
  expect(leaks(annAgain, ['Bob deal'])).toEqual([]);
  await quiet([annAgain, bob, max]);
});
