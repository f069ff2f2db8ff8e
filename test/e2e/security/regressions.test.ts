// Three defects an outside attack found, each against a real wrangler dev: an accepted rule that broke the app,
// long subjects refused on sync, and deep JSON answered 500.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_JSON_DEPTH, type AppConfig } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import { connectClient, userToken, waitFor, type SyncClient } from '../../support/sync-client.ts';

const config = (update: string): AppConfig => ({
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: { text: { type: 'string' }, author: { type: 'string', required: true } },
          rules: { create: 'newRow.author == user.id', update, delete: 'row.author == user.id' },
        },
      },
    },
    own: {
      instances: 'perUser',
      sync: 'twoWay',
      tables: { items: { fields: { text: { type: 'string' } }, rules: { create: 'true', update: 'true' } } },
    },
  },
});

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

let runtime: Runtime;
const clients: SyncClient[] = [];
const connect = async (path: string, sub: string) => {
  const client = await connectClient(runtime, path, await userToken(runtime, { sub }));
  clients.push(client);
  return client;
};

beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

describe('a rule the deploy accepts never breaks the app', () => {
  const rule = "row.author == user.id && !('author' in changed)";

  test(`update: "${rule}" deploys, and sync, listing and row writes keep working`, async () => {
    expect((await api(runtime, 'PUT', '/api/apps/rules/config', { body: config(rule) })).status).toBe(200);
    const alice = await connect('rules/board/main', 'alice');
    const bob = await connect('rules/board/main', 'bob');
    alice.store.setRow('notes', 'n1', { text: 'hi', author: 'alice' });
    await waitFor(() => bob.store.getCell('notes', 'n1', 'text') === 'hi', 'bob to see the note');

    alice.store.setCell('notes', 'n1', 'text', 'edited');
    await waitFor(() => bob.store.getCell('notes', 'n1', 'text') === 'edited', 'the allowed update');

    alice.store.setCell('notes', 'n1', 'author', 'bob');
    await waitFor(() => alice.notices.length > 0, 'the refusal of a change of author');
    expect(alice.notices[0]).toMatchObject({ rule: 'update', reason: "!('author' in changed) is false" });
    await waitFor(() => alice.store.getCell('notes', 'n1', 'author') === 'alice', 'the author to come back');

    const listed = await api(runtime, 'GET', '/api/apps/rules/datastores/board/instances', {
      token: await userToken(runtime, { sub: 'alice' }),
    });
    expect(listed.status).toBe(200);
    expect((await api(runtime, 'GET', '/api/apps/rules/datastores/board/instances')).status).toBe(200);
    const put = await api(
      runtime,
      'PUT',
      '/api/apps/rules/datastores/board/instances/main/tables/notes/rows/n2',
      {
        body: { text: 'from the server', author: 'bob' },
      },
    );
    expect(put.status).toBe(200);
    await waitFor(() => alice.store.getCell('notes', 'n2', 'text') === 'from the server', 'the server row');
  });

  test('a rule of every awkward shape that deploys also serves sync', async () => {
    const shapes = [
      "(row.author == user.id) == true && !(changed.exists(f, f == 'author'))",
      "'a && (b' != row.author && (row.author == user.id ? !('author' in changed) : false)",
    ];
    for (const [index, shape] of shapes.entries()) {
      const app = `shapes-${index}`;
      expect((await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: config(shape) })).status).toBe(
        200,
      );
      const alice = await connect(`${app}/board/main`, 'alice');
      alice.store.setRow('notes', 'n1', { text: 'hi', author: 'alice' });
      alice.store.setCell('notes', 'n1', 'author', 'mallory');
      await waitFor(() => alice.notices.length > 0, `the refusal under ${shape}`);
      expect(alice.notices[0]?.reason.length).toBeGreaterThan(0);
      await waitFor(
        () => alice.store.getCell('notes', 'n1', 'author') === 'alice',
        'the author to come back',
      );
    }
  });
});

describe('every subject the contract allows syncs', () => {
  for (const [name, sub] of [
    ['2,000 characters', 'u'.repeat(2000)],
    ['unicode', 'ünïcødé-用户-🙂'],
    ['unicode near the tag limit', '🙂'.repeat(126)],
    ['slashes and spaces', 'org/team a/user?x=1&y'],
  ] as const) {
    test(`a sub of ${name} opens its own instance and syncs`, async () => {
      if (name === '2,000 characters') {
        expect((await api(runtime, 'PUT', '/api/apps/subs/config', { body: config('true') })).status).toBe(
          200,
        );
      }
      const first = await connect('subs/own/me', sub);
      const second = await connect('subs/own/me', sub);
      first.store.setRow('items', 'i1', { text: name });
      await waitFor(
        () => second.store.getCell('items', 'i1', 'text') === name,
        'the same user on another socket',
      );
      const snapshot = await api<[Record<string, unknown>, unknown]>(
        runtime,
        'GET',
        `/api/apps/subs/datastores/own/instances/${encodeURIComponent(sub)}/snapshot`,
      );
      expect(snapshot.status).toBe(200);
      expect(snapshot.body[0]).toEqual({ items: { i1: { text: name } } });
    });
  }

  test('two long subs that share their first 256 characters stay two users', async () => {
    const prefix = 'p'.repeat(300);
    const one = await connect('subs/own/me', `${prefix}-one`);
    const two = await connect('subs/own/me', `${prefix}-two`);
    one.store.setRow('items', 'mine', { text: 'one' });
    await waitFor(() => one.store.hasRow('items', 'mine'), 'the write');
    const snapshot = await api<[Record<string, unknown>, unknown]>(
      runtime,
      'GET',
      `/api/apps/subs/datastores/own/instances/${encodeURIComponent(`${prefix}-two`)}/snapshot`,
    );
    expect(snapshot.body[0]).toEqual({});
    expect(two.store.hasRow('items', 'mine')).toBe(false);
  });
});

describe('deep JSON is a 400 with a pointer, never a 500', () => {
  const deep = nested(3000);

  test('3,000 levels (a 6 KB body) in the designer section, a table and the tests section', async () => {
    const base = config('true');
    const bodies: Array<[string, unknown, string]> = [
      ['designer', { ...base, designer: { layout: deep } }, '/designer/layout/'],
      [
        'fields',
        { ...base, datastores: { board: { ...base.datastores.board, tables: { t: { fields: deep } } } } },
        '/datastores/board/tables/t/fields/',
      ],
      ['tests', { ...base, tests: deep }, '/tests/'],
    ];
    for (const [where, body, pointer] of bodies) {
      expect(JSON.stringify(body).length).toBeLessThan(16_000);
      const answer = await api<{ errors: Array<{ path: string; code: string }> }>(
        runtime,
        'PUT',
        '/api/apps/deep/config',
        { body },
      );
      expect(answer.status, where).toBe(400);
      expect(answer.body.errors[0]?.code).toBe('too_deep');
      expect(answer.body.errors[0]?.path.startsWith(pointer), answer.body.errors[0]?.path).toBe(true);
    }
    // Nothing was deployed by the refusals, and a good config still deploys.
    expect((await api(runtime, 'GET', '/api/apps/deep/config')).status).toBe(404);
    expect((await api(runtime, 'PUT', '/api/apps/deep/config', { body: base })).status).toBe(200);
  });

  test('a snapshot cell and a row body nested 3,000 levels', async () => {
    const base = '/api/apps/deep/datastores/board/instances/main';
    const snapshot = await api<{ path: string }>(runtime, 'PUT', `${base}/snapshot`, {
      body: [{ notes: { n1: { text: deep, author: 'a' } } }, {}],
    });
    expect(snapshot.status).toBe(400);
    expect(snapshot.body.path.startsWith('/0/notes/n1/text/')).toBe(true);
    const row = await api<{ path: string }>(runtime, 'PUT', `${base}/tables/notes/rows/n1`, {
      body: { text: deep, author: 'a' },
    });
    expect(row.status).toBe(400);
    expect(row.body.path.startsWith('/text/')).toBe(true);
    const members = await api(runtime, 'POST', '/api/apps/deep/tokens', { body: { sub: 'a', roles: deep } });
    expect(members.status).toBe(400);
  });

  test(`${MAX_JSON_DEPTH} levels in the designer section are still accepted`, async () => {
    const answer = await api(runtime, 'PUT', '/api/apps/deep/config', {
      body: { ...config('true'), designer: { layout: nested(MAX_JSON_DEPTH - 2) } },
    });
    expect(answer.status).toBe(200);
  });
});
