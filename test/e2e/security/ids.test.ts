// Id caps against a real wrangler dev: too long table, row and cell ids are refused on sync (`schema`) and by the
// data API (400 `id_too_long`), the id is never quoted back in full, and the longest allowed ones work; an id
// holding half of a surrogate pair (which storage would keep as another id) is refused alike (400 `id_malformed`).
import { MAX_NAME_ID_LENGTH, MAX_ROW_ID_LENGTH } from '@datastore-designer/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attackConfig, snapshotTables } from '../../support/attack.ts';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { api } from '../../support/runtime-api.ts';
import {
  connectClient,
  userToken,
  waitFor,
  waitForAsync,
  type SyncClient,
} from '../../support/sync-client.ts';

const APP = 'ids';
const rows = `/api/apps/${APP}/datastores/board/instances/main/tables`;
let runtime: Runtime;
const clients: SyncClient[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
  expect((await api(runtime, 'PUT', `/api/apps/${APP}/config`, { body: attackConfig })).status).toBe(200);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await runtime?.stop();
});

const connect = async () => {
  const client = await connectClient(runtime, `${APP}/board/main`, await userToken(runtime, { sub: 'ann' }));
  clients.push(client);
  return client;
};

describe('on sync', () => {
  const huge = 'r'.repeat(100_000);

  test('a row id over the limit is refused by the schema, quoted short, and the sender converges', async () => {
    const ann = await connect();
    const other = await connect();
    ann.store.setRow('notes', huge, { text: 'long id', author: 'ann' });
    ann.store.setRow('notes', 'r'.repeat(MAX_ROW_ID_LENGTH), { text: 'longest allowed', author: 'ann' });
    await waitFor(() => ann.notices.length > 0, 'the refusal');
    const [notice] = ann.notices;
    expect(notice).toMatchObject({ table: 'notes', operation: 'create', rule: 'schema' });
    expect(notice?.reason).toContain(`at most ${MAX_ROW_ID_LENGTH} characters`);
    expect(notice?.row.length).toBeLessThan(100);
    expect(JSON.stringify(notice).length).toBeLessThan(1000);
    await waitFor(() => !ann.store.hasRow('notes', huge), 'the refused row to leave the sender');
    await waitFor(
      () => other.store.hasRow('notes', 'r'.repeat(MAX_ROW_ID_LENGTH)),
      'the longest allowed id to reach the others',
    );
    const stored = await snapshotTables(runtime, APP, 'board', 'main');
    expect(Object.keys(stored.notes ?? {}).some((id) => id.length > MAX_ROW_ID_LENGTH)).toBe(false);
    expect(ann.notices).toHaveLength(1);
  });

  test('too long table and cell ids are refused by the schema, quoted short', async () => {
    const ann = await connect();
    ann.store.setRow('t'.repeat(5_000), 'a', { text: 'x', author: 'ann' });
    await waitFor(() => ann.notices.length > 0, 'the table refusal');
    expect(ann.notices[0]).toMatchObject({ rule: 'schema', operation: 'create', row: 'a' });
    expect(ann.notices[0]?.reason).toContain(`table ids may have at most ${MAX_NAME_ID_LENGTH} characters`);
    expect(ann.notices[0]?.table.length).toBeLessThan(100);

    ann.store.setRow('notes', 'c1', { text: 'x', author: 'ann' });
    await waitForAsync(
      async () => (await snapshotTables(runtime, APP, 'board', 'main')).notes?.c1 !== undefined,
      'the plain row to be stored',
    );
    ann.store.setCell('notes', 'c1', 'f'.repeat(5_000), 'x');
    await waitFor(() => ann.notices.length > 1, 'the cell refusal');
    expect(ann.notices[1]).toMatchObject({ rule: 'schema', operation: 'update', row: 'c1' });
    expect(ann.notices[1]?.reason).toContain(`cell ids may have at most ${MAX_NAME_ID_LENGTH} characters`);
    expect(ann.notices[1]?.cells.every((cell) => cell.length < 100)).toBe(true);
    await waitFor(() => !ann.store.hasCell('notes', 'c1', 'f'.repeat(5_000)), 'the cell to be undone');
  });
});

describe('half of a surrogate pair in an id', () => {
  const broken = 'note-\uD83D';

  test('on sync the row is refused by the schema, the sender converges, and an emoji id is kept', async () => {
    const ann = await connect();
    const other = await connect();
    ann.store.setRow('notes', broken, { text: 'broken id', author: 'ann' });
    ann.store.setRow('notes', 'note-\uD83D\uDE00', { text: 'emoji id', author: 'ann' });
    await waitFor(() => ann.notices.length > 0, 'the refusal');
    expect(ann.notices[0]).toMatchObject({
      table: 'notes',
      row: broken,
      operation: 'create',
      rule: 'schema',
    });
    expect(ann.notices[0]?.reason).toContain('half of a surrogate pair');
    await waitFor(() => !ann.store.hasRow('notes', broken), 'the refused row to leave the sender');
    await waitFor(() => other.store.hasRow('notes', 'note-\uD83D\uDE00'), 'the emoji id to reach the others');
    const stored = await snapshotTables(runtime, APP, 'board', 'main');
    expect(Object.keys(stored.notes ?? {}).filter((id) => id.startsWith('note-'))).toEqual([
      'note-\uD83D\uDE00',
    ]);
    expect(other.store.hasRow('notes', broken)).toBe(false);
  });

  test('the data API answers 400 id_malformed for a row body or snapshot holding one, and changes nothing', async () => {
    const snapshot = `/api/apps/${APP}/datastores/board/instances/main/snapshot`;
    const before = await snapshotTables(runtime, APP, 'board', 'main');
    for (const [path, body] of [
      [`${rows}/notes/rows/r1`, { text: 'x', author: 'a', ['bad\uDE00']: 'x' }],
      [snapshot, [{ notes: { [broken]: { text: 'x', author: 'a' } } }, {}]],
    ] as const) {
      const answer = await api<{ code: string; error: string }>(runtime, 'PUT', path, { body });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('id_malformed');
      expect(answer.body.error).toContain('half of a surrogate pair');
    }
    expect(await snapshotTables(runtime, APP, 'board', 'main')).toEqual(before);
  });
});

describe('through the data API', () => {
  const long = 'x'.repeat(2_000);
  const refused = async (method: string, path: string, body?: unknown) => {
    const answer = await api<{ code: string; error: string }>(runtime, method, path, { body });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('id_too_long');
    expect(answer.body.error.length).toBeLessThan(300);
    return answer.body.error;
  };

  test('a too long row id in the address is 400 id_too_long, for PUT and DELETE', async () => {
    expect(await refused('PUT', `${rows}/notes/rows/${long}`, { text: 'x', author: 'a' })).toContain(
      `at most ${MAX_ROW_ID_LENGTH} characters`,
    );
    await refused('DELETE', `${rows}/notes/rows/${long}`);
    const longest = 'y'.repeat(MAX_ROW_ID_LENGTH);
    expect(
      (await api(runtime, 'PUT', `${rows}/notes/rows/${longest}`, { body: { text: 'x', author: 'a' } }))
        .status,
    ).toBe(200);
  });

  test('a too long table id in the address, or cell id in the body, is 400 id_too_long', async () => {
    await refused('GET', `${rows}/${long}/rows`);
    await refused('PUT', `${rows}/${long}/rows/r1`, { text: 'x' });
    expect(await refused('PUT', `${rows}/notes/rows/r1`, { text: 'x', author: 'a', [long]: 'x' })).toContain(
      'cell id',
    );
  });

  test('a snapshot with a too long table, row or cell id is 400 id_too_long and changes nothing', async () => {
    const snapshot = `/api/apps/${APP}/datastores/board/instances/main/snapshot`;
    const before = await snapshotTables(runtime, APP, 'board', 'main');
    await refused('PUT', snapshot, [{ notes: { [long]: { text: 'x', author: 'a' } } }, {}]);
    await refused('PUT', snapshot, [{ [long]: {} }, {}]);
    await refused('PUT', snapshot, [{ notes: { r1: { text: 'x', author: 'a', [long]: 1 } } }, {}]);
    expect(await snapshotTables(runtime, APP, 'board', 'main')).toEqual(before);
  });
});
