// Attack and load scenarios against a real runtime, sized by their callers: short in `npm test`, long in the soak.
import { connect, type Connection, type ConnectOptions } from '@datastore-designer/preview';
import type { AppConfig } from '@datastore-designer/schema';
import { getHlcFunctions } from 'tinybase';
import { WebSocket } from 'ws';
import type { Runtime } from './runtime.ts';
import { api } from './runtime-api.ts';
import { connectClient, openSocket, userToken, waitForAsync, type SyncClient } from './sync-client.ts';

/** A small seeded random generator (mulberry32), so a failing run can be replayed from its seed. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
};

/** The datastore the attack scenarios use: rows tied to their author, a server-only table, a limit on text. */
export const attackConfig: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true, maxLength: 200 },
            author: { type: 'string', required: true },
            votes: { type: 'number', default: 0, min: 0 },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: 'row.author == user.id && newRow.author == user.id',
            delete: 'row.author == user.id',
          },
        },
        secrets: { serverOnly: true, fields: { value: { type: 'string' } } },
      },
    },
    rooms: {
      instances: 'multi',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: { text: { type: 'string' }, author: { type: 'string' } },
          rules: { create: 'newRow.author == user.id', update: 'row.author == user.id', delete: 'false' },
        },
      },
    },
  },
};

type Tables = Record<string, Record<string, Record<string, unknown>>>;

/** The instance's tables as the admin snapshot gives them, without server-only tables. */
export const snapshotTables = async (runtime: Runtime, app: string, datastore: string, instance: string) => {
  const answer = await api<[Tables, unknown]>(
    runtime,
    'GET',
    `/api/apps/${app}/datastores/${datastore}/instances/${encodeURIComponent(instance)}/snapshot`,
  );
  if (answer.status !== 200) throw new Error(`snapshot answered ${answer.status}`);
  const { secrets: _secrets, ...synced } = answer.body[0];
  return synced;
};

/** Waits until every client holds exactly the instance's snapshot (and they all agree). */
export const waitForConvergence = async (
  runtime: Runtime,
  app: string,
  datastore: string,
  instance: string,
  clients: SyncClient[],
  timeoutMs = 30_000,
): Promise<Tables> => {
  let snapshot: Tables = {};
  await waitForAsync(
    async () => {
      snapshot = await snapshotTables(runtime, app, datastore, instance);
      const wanted = JSON.stringify(sortTables(snapshot));
      return clients.every(
        (client) => JSON.stringify(sortTables(client.store.getTables() as Tables)) === wanted,
      );
    },
    `clients of ${datastore}/${instance} to equal its snapshot`,
    timeoutMs,
  );
  return snapshot;
};

const sortTables = (tables: Tables): unknown =>
  Object.fromEntries(
    Object.entries(tables)
      .filter(([, rows]) => Object.keys(rows).length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([table, rows]) => [
        table,
        Object.fromEntries(
          Object.entries(rows)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([row, cells]) => [
              row,
              Object.fromEntries(Object.entries(cells).sort(([a], [b]) => (a < b ? -1 : 1))),
            ]),
        ),
      ]),
  );

const frame = (requestId: string | null, type: number, body: unknown): string =>
  `S\n${JSON.stringify([requestId, type, body], (_key, value: unknown) => (value === undefined ? '\uFFFC' : value))}`;

/** Builds hostile frames of many kinds, reproducibly from a seed. */
export const hostileFrames = (seed: number, attacker: string) => {
  const random = seededRandom(seed);
  const [nextHlc] = getHlcFunctions(`attacker-${seed}`);
  const [futureHlc] = getHlcFunctions(
    `future-${seed}`,
    () => Date.now() + 3_600_000 * (1 + random.int(1000)),
  );
  const [pastHlc] = getHlcFunctions(`past-${seed}`, () => 1000);
  const id = (): string =>
    random.pick([
      'n1',
      'x',
      '',
      '__proto__',
      'constructor',
      '../main',
      'a/b',
      '🙂',
      'é'.repeat(1 + random.int(50)),
    ]);
  const hugeId = (): string => 'h'.repeat(10_000 + random.int(100_000));
  const cellValue = (): unknown =>
    random.pick([
      'text',
      '',
      0,
      -1,
      1e308,
      true,
      null,
      undefined,
      { nested: true },
      [1, 2],
      'x'.repeat(300),
      Number.MAX_SAFE_INTEGER,
    ]);
  const stamp = (): string =>
    random.pick([nextHlc(), nextHlc(), futureHlc(), pastHlc(), '', 'zz', '🙂'.repeat(8)]);
  const diff = (tableId: string, rowId: string, cells: Record<string, unknown>, hlc = stamp()): unknown => [
    [
      {
        [tableId]: [
          { [rowId]: [Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, [v, hlc]])), ''] },
          '',
        ],
      },
      '',
    ],
    [{}, ''],
    1,
  ];
  const validish = (): string =>
    frame(
      null,
      3,
      diff(
        random.pick(['notes', 'notes', 'secrets', 'nope', '__proto__']),
        id(),
        random.pick([
          { text: cellValue(), author: random.pick([attacker, 'alice', 'bob', '']) },
          { author: 'alice' },
          { text: cellValue() },
          { votes: cellValue() },
          { [random.pick(['unknown', '__proto__', 'constructor'])]: cellValue() },
        ]),
      ),
    );
  const kinds: Array<() => string | Buffer> = [
    validish,
    validish,
    () => validish().slice(0, 2 + random.int(60)),
    () => {
      const text = validish();
      const at = random.int(text.length);
      return text.slice(0, at) + String.fromCharCode(random.int(0x7f)) + text.slice(at + 1);
    },
    () =>
      frame(null, random.int(12) - 2, random.pick([null, 'x', 1, [], {}, [[{}]], [[{}, ''], [{}, ''], 1]])),
    () => frame(random.pick([null, 'r1', '', 'x'.repeat(1000)]) as string | null, random.int(8), cellValue()),
    () => `S\n${JSON.stringify(random.pick([[], [1], 'x', 42, null, {}, [null, 3]]))}`,
    () => random.pick(['', '\n', 'S', 'S\n', 'S\n[', '\n\n\n', '{}', 'S\n[null,3,']),
    () => Buffer.from(Array.from({ length: 1 + random.int(200) }, () => random.int(256))),
    () => frame(null, 3, diff('notes', hugeId(), { text: 'x', author: attacker })),
    () => frame(null, 3, diff(hugeId().slice(0, 20_000), 'r', { text: 'x', author: attacker })),
    () =>
      frame(
        null,
        3,
        diff('notes', `far-${random.int(1e9)}`, { text: 'future', author: attacker }, futureHlc()),
      ),
    () => frame(null, 3, [[{}, ''], [{ v: ['x', nextHlc()] }, ''], 1]),
    () => `S\n${'['.repeat(1000 + random.int(20_000))}`,
    () => frame(null, 3, [[{ notes: [{ n1: [{ text: [1, nextHlc()] }] }] }], [{}], 1]),
    () => frame(null, 2, [random.int(2 ** 31), random.int(2 ** 31)]),
    () => frame(null, random.pick([4, 5, 6, 7]), random.pick([[{ notes: 1 }], [{}, {}], 'x', [[{}], [{}]]])),
    () =>
      `${random.pick(['alice', 'bob', 'S', ''])}\n${JSON.stringify([null, 3, diff('notes', id(), { text: 'relay?', author: attacker })])}`,
  ];
  /** Answers a hub's pull (types 4–7) with something wrong: garbage, forged rows, far stamps, other ids. */
  const answerPull = (requestId: string): string =>
    random.pick([
      () => frame(requestId, 0, cellValue()),
      () => frame(requestId, 0, diff('notes', id(), { text: 'pulled', author: 'alice' })),
      () =>
        frame(
          requestId,
          0,
          diff('notes', `pf-${random.int(1e6)}`, { text: 'far', author: attacker }, futureHlc()),
        ),
      () => frame(`${requestId}x`, 0, [[{}, ''], [{}, ''], 1]),
      () => frame(requestId, 0, [[{ notes: [{ [hugeId()]: [{}, ''] }, ''] }, ''], [{}, ''], 1]),
      () => frame(requestId, 0, [{ notes: [{ r: [{ text: ['x', nextHlc()] }, ''] }, ''] }, '']),
      () => frame(requestId, 4, [{}, '']),
    ])();
  return { next: () => random.pick(kinds)(), answerPull };
};

/** What a frame attack saw: how many frames went out, and how the hub closed the attackers' sockets. */
export interface FrameAttackReport {
  sent: number;
  pullsAnswered: number;
  closeCodes: Record<number, number>;
}

/**
 * Sends `frames` hostile frames from `sockets` attacking sockets on `app/board/main` while two good clients keep
 * writing; an attacker closed by the hub (1007, 1009, 4008) is replaced by a new one.
 */
export const frameAttack = async (
  runtime: Runtime,
  app: string,
  options: { frames: number; sockets: number; seed: number; perSocketPerSecond?: number },
): Promise<{ report: FrameAttackReport; good: SyncClient[] }> => {
  const alice = await connectClient(runtime, `${app}/board/main`, await userToken(runtime, { sub: 'alice' }));
  const bob = await connectClient(runtime, `${app}/board/main`, await userToken(runtime, { sub: 'bob' }));
  const report: FrameAttackReport = { sent: 0, pullsAnswered: 0, closeCodes: {} };
  let writing = true;
  let written = 0;
  const goodWriter = (async () => {
    while (writing) {
      const writer = written % 2 === 0 ? alice : bob;
      const author = writer === alice ? 'alice' : 'bob';
      writer.store.setRow('notes', `${author}-${written % 50}`, { text: `v${written}`, author });
      written++;
      await new Promise((done) => setTimeout(done, 15));
    }
  })();
  const perSocket = Math.ceil(options.frames / options.sockets);
  const interval = 1000 / (options.perSocketPerSecond ?? 120);
  const attacker = async (index: number): Promise<void> => {
    const frames = hostileFrames(options.seed * 1000 + index, `mallory-${index}`);
    const token = await userToken(runtime, { sub: `mallory-${index}` });
    let sentHere = 0;
    while (sentHere < perSocket) {
      const socket = await openSocket(`${runtime.wsUrl}/sync/${app}/board/main?token=${token}`);
      const closed = new Promise<void>((done) =>
        socket.once('close', (code) => {
          report.closeCodes[code] = (report.closeCodes[code] ?? 0) + 1;
          done();
        }),
      );
      socket.on('message', (data) => {
        const text = data.toString();
        const match = /^[^\n]*\n\["([^"]+)",([4-7]),/.exec(text);
        if (match?.[1] && socket.readyState === WebSocket.OPEN) {
          socket.send(frames.answerPull(match[1]));
          report.pullsAnswered++;
        }
      });
      while (sentHere < perSocket && socket.readyState === WebSocket.OPEN) {
        socket.send(frames.next());
        sentHere++;
        report.sent++;
        await new Promise((done) => setTimeout(done, interval));
      }
      if (socket.readyState === WebSocket.OPEN) socket.close();
      await closed;
    }
  };
  await Promise.all(Array.from({ length: options.sockets }, (_, index) => attacker(index)));
  writing = false;
  await goodWriter;
  return { report, good: [alice, bob] };
};

// A kept-alive connection the runtime has just closed fails a fetch before it is sent ("other side closed");
// set-up calls are tried again once then, so a load run measures the runtime rather than that race.
const withRetry = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return call();
  }
};

/** What a load run measured: writes sent and accepted, and the instances and clients involved. */
export interface LoadReport {
  instances: number;
  clients: number;
  writes: number;
}

/**
 * `instances` multi instances with `clientsPerInstance` writers each, writing for `seconds`; then checks that
 * every accepted write is in its instance's snapshot, no row is in the wrong instance, and every client equals
 * its instance's snapshot.
 */
export const loadRun = async (
  runtime: Runtime,
  app: string,
  options: {
    instances: number;
    clientsPerInstance: number;
    seconds: number;
    writeEveryMs?: number;
    convergeWithinMs?: number;
  },
): Promise<LoadReport> => {
  const ids: string[] = [];
  for (let i = 0; i < options.instances; i++) {
    const created = await withRetry(() =>
      api<{ id: string }>(runtime, 'POST', `/api/apps/${app}/datastores/rooms/instances`, {
        body: { owner: 'owner' },
      }),
    );
    if (created.status !== 201) throw new Error(`create answered ${created.status}`);
    ids.push(created.body.id);
  }
  const clients: Array<{ instance: string; user: string; client: SyncClient }> = [];
  for (const [index, instance] of ids.entries()) {
    for (let c = 0; c < options.clientsPerInstance; c++) {
      const user = `u${index}-${c}`;
      const added = await withRetry(() =>
        api(runtime, 'POST', `/api/apps/${app}/datastores/rooms/instances/${instance}/members`, {
          body: { userId: user },
        }),
      );
      if (added.status !== 200 && added.status !== 201) throw new Error(`members answered ${added.status}`);
      const token = await userToken(runtime, { sub: user }, { expiresInSeconds: 3600 });
      clients.push({
        instance,
        user,
        client: await connectClient(runtime, `${app}/rooms/${instance}`, token),
      });
    }
  }
  const deadline = Date.now() + options.seconds * 1000;
  let writes = 0;
  await Promise.all(
    clients.map(async ({ instance, user, client }, index) => {
      for (let n = 0; Date.now() < deadline; n++) {
        client.store.setRow('notes', `${user}-${n}`, { text: `${instance}:${n}`, author: user });
        writes++;
        await new Promise((done) => setTimeout(done, (options.writeEveryMs ?? 100) + (index % 7)));
      }
    }),
  );
  for (const instance of ids) {
    const mine = clients.filter((entry) => entry.instance === instance);
    const snapshot = await waitForConvergence(
      runtime,
      app,
      'rooms',
      instance,
      mine.map((entry) => entry.client),
      options.convergeWithinMs ?? 60_000,
    );
    const rows = snapshot.notes ?? {};
    for (const { user, client } of mine) {
      // Every write the client made is in the snapshot (all are allowed), and nothing from another instance is.
      const own = Object.keys(client.store.getTable('notes')).filter((row) => row.startsWith(`${user}-`));
      for (const row of own) if (!rows[row]) throw new Error(`row ${row} of ${instance} was lost`);
    }
    for (const [row, cells] of Object.entries(rows)) {
      if (!String(cells.text).startsWith(`${instance}:`))
        throw new Error(`row ${row} is in the wrong instance`);
    }
  }
  await Promise.all(clients.map(({ client }) => client.close()));
  return { instances: ids.length, clients: clients.length, writes };
};

/**
 * Clients keep creating rows while the config is redeployed to forbid creates and rolled back again, `rounds`
 * times: from the moment a forbidding deploy has answered until the next rollback is sent, no create is stored.
 */
export const deploysUnderLoad = async (
  runtime: Runtime,
  app: string,
  options: { clients: number; rounds: number; writeEveryMs?: number; convergeWithinMs?: number },
): Promise<{ creates: number; forbiddenWindows: number }> => {
  const forbid: AppConfig = JSON.parse(JSON.stringify(attackConfig)) as AppConfig;
  forbid.datastores.board!.tables.notes!.rules!.create = 'false';
  const clients: SyncClient[] = [];
  for (let i = 0; i < options.clients; i++) {
    clients.push(
      await connectClient(runtime, `${app}/board/main`, await userToken(runtime, { sub: `w${i}` })),
    );
  }
  let running = true;
  let creates = 0;
  const sent = clients.map(() => 0);
  const writers = clients.map(async (client, index) => {
    for (let n = 0; running; n++) {
      client.store.setRow('notes', `w${index}-${n}`, { text: 'x', author: `w${index}` });
      sent[index] = n + 1;
      creates++;
      await new Promise((done) => setTimeout(done, options.writeEveryMs ?? 40));
    }
  });
  const sentAfter = (row: string, counts: number[]): boolean => {
    const [, index, n] = /^w(\d+)-(\d+)$/.exec(row) ?? [];
    return Number(n) >= (counts[Number(index)] ?? Infinity);
  };
  const snapshotRows = async () =>
    Object.keys((await snapshotTables(runtime, app, 'board', 'main')).notes ?? {});
  for (let round = 0; round < options.rounds; round++) {
    const forbidden = await api(runtime, 'PUT', `/api/apps/${app}/config`, { body: forbid });
    if (forbidden.status !== 200) throw new Error(`the forbidding deploy answered ${forbidden.status}`);
    // Every create sent from now on must be refused, and nothing may be stored after this moment.
    const answeredAt = [...sent];
    const before = new Set(await snapshotRows());
    await new Promise((done) => setTimeout(done, 300));
    const during = await snapshotRows();
    const sneaked = during.filter((row) => !before.has(row) || sentAfter(row, answeredAt));
    if (sneaked.length > 0)
      throw new Error(`creates accepted after the deploy answered: ${sneaked.join(', ')}`);
    const versions = await api<{ versions: Array<{ version: number }> }>(
      runtime,
      'GET',
      `/api/apps/${app}/config/versions`,
    );
    const allowing = versions.body.versions.find((entry) => entry.version === 1)?.version ?? 1;
    const rolled = await api(runtime, 'POST', `/api/apps/${app}/config/rollback`, {
      body: { version: allowing },
    });
    if (rolled.status !== 200) throw new Error(`rollback answered ${rolled.status}`);
    // Creates flow again once the rollback is live.
    const count = during.length;
    await waitForAsync(
      async () => (await snapshotRows()).length > count,
      'creates after the rollback',
      10_000,
    );
  }
  running = false;
  await Promise.all(writers);
  await waitForConvergence(runtime, app, 'board', 'main', clients, options.convergeWithinMs ?? 30_000);
  await Promise.all(clients.map((client) => client.close()));
  return { creates, forbiddenWindows: options.rounds };
};

/**
 * Opens a `connect()` client of the attack board's `main` instance as `sub` and waits until it is online; it is
 * added to `open`, which the caller destroys once done.
 */
export const connectBoard = async (
  runtime: Runtime,
  app: string,
  sub: string,
  open: Connection[],
): Promise<Connection> => {
  const connection = await connect({
    url: runtime.url,
    app,
    datastore: 'board',
    instance: 'main',
    token: () => userToken(runtime, { sub }),
    WebSocket: WebSocket as unknown as ConnectOptions['WebSocket'],
    persister: false,
    config: attackConfig,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  open.push(connection);
  await connection.whenStatus('online');
  return connection;
};
