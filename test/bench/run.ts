// `npm run bench`: measures the enforced runtime against bare TinyBase in the same wrangler dev, as ratios.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SignJWT } from 'jose';
import { createMergeableStore, type MergeableStore } from 'tinybase';
import { createWsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import { WebSocket } from 'ws';
import { launchChromium } from '../browser/support/designer-browser.ts';
import { compileRule, runTests, type AppConfig, type Scenario, templates } from '@datastore-designer/schema';
import { startRuntime, type Runtime } from '../support/runtime.ts';
import { profileWrite } from './profile-write.ts';
import { measureReadRules, readRuleDatastores } from './read-rules.ts';
import { scenariosInBrowserRow } from './scenarios-in-browser.ts';

const APP = 'bench';
const CLIENT_COUNTS = [2, 20, 100];
const SIZES = (process.env.BENCH_SIZES ?? '100,10000,50000').split(',').map(Number);
// Samples are taken in blocks of ROUNDS writes, ours and bare alternating block by block, BLOCKS blocks each.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 5);
// A burst the runtime takes in within its back-pressure bound (messages may wait 800 ms behind each other before
// the socket is closed with 4008): larger ones measure that close, not a rate.
const BURST = Number(process.env.BENCH_BURST ?? 500);
const SIZE_BURST = Number(process.env.BENCH_SIZE_BURST ?? 200);
// At most this many of a burst's writes are on their way (sent by A, not yet at B) at once: the rate is then the
// instance's sustained one, and a loaded machine slows a burst down instead of tripping back-pressure's close.
const WINDOW = Number(process.env.BENCH_WINDOW ?? 50);
const MULTI_INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1000);
// From this many rows bare TinyBase re-reads its whole store on every save (a quarter of a second at 50,000 rows),
// so its side takes fewer samples per block there: its p99 then rests on fewer samples, which the table says.
const LARGE_ROWS = Number(process.env.BENCH_LARGE_ROWS ?? 20_000);
const LARGE_BARE_ROUNDS = Number(process.env.BENCH_LARGE_BARE_ROUNDS ?? 40);
// How long one connection, one admin call or one seeding may take before the measure it belongs to is given up.
const CONNECT_MS = 30_000;
const CALL_MS = 300_000;

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        cells: {
          fields: { v: { type: 'number', required: true }, by: { type: 'string', required: true } },
          rules: { create: 'newRow.by == user.id', update: 'row.by == user.id', delete: 'row.by == user.id' },
        },
      },
    },
    ...Object.fromEntries(
      SIZES.map((size) => [
        `size${size}`,
        {
          instances: 'single' as const,
          sync: 'twoWay' as const,
          tables: {
            cells: {
              fields: {
                v: { type: 'number' as const, required: true },
                by: { type: 'string' as const, required: true },
              },
              rules: {
                create: 'newRow.by == user.id',
                update: 'row.by == user.id',
                delete: 'row.by == user.id',
              },
            },
          },
        },
      ]),
    ),
    ...readRuleDatastores(),
    games: {
      instances: 'multi',
      sync: 'twoWay',
      tables: {
        moves: { fields: { x: { type: 'number' } }, rules: { create: 'user.id in instance.members' } },
      },
    },
  },
};

interface Client {
  store: MergeableStore;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const tokenFor = (runtime: Runtime, sub: string) =>
  new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(runtime.authSecret));

/** Rejects with `what` timed out once `ms` have passed, so one stuck step cannot stall the whole run. */
const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, failed) => {
    timer = setTimeout(() => failed(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

const admin = async (runtime: Runtime, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(CALL_MS),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};

const connectClient = async (url: string): Promise<Client> => {
  const store = createMergeableStore();
  const socket = new WebSocket(url);
  const opened = new Promise<void>((opened, failed) => {
    socket.once('open', () => opened());
    socket.once('error', failed);
    socket.once('unexpected-response', (_request, response) =>
      failed(new Error(`refused: ${response.statusCode}`)),
    );
  });
  await within(opened, CONNECT_MS, 'opening a socket').catch((error: unknown) => {
    socket.terminate();
    throw error;
  });
  let stopping = false;
  // A client the runtime closes (back-pressure, a changed view) gets nothing more: say so, with its reason.
  socket.on('close', (code, reason) => {
    if (!stopping) unexpectedCloses.push(`${code} ${reason.toString()}`);
  });
  // Ten seconds for an answer, not TinyBase's default one: a first sync of 50,000 rows from a busy bare room takes
  // longer, and a client whose first pull timed out holds a part of the instance until its next sync.
  const synchronizer = await createWsSynchronizer(store, socket as never, 10);
  await within(synchronizer.startSync(), CALL_MS, 'the first sync');
  return {
    store,
    stop: async () => {
      stopping = true;
      await synchronizer.destroy();
    },
  };
};

/** Close codes and reasons of bench clients the runtime closed, in order. */
const unexpectedCloses: string[] = [];

/** Waits until `check` is true, listening to the store rather than polling it. */
const until = (store: MergeableStore, check: () => boolean, timeoutMs = 120_000): Promise<void> =>
  new Promise((done, failed) => {
    if (check()) return done();
    const timer = setTimeout(() => {
      store.delListener(listener);
      const closes = unexpectedCloses.length > 0 ? ` (clients closed: ${unexpectedCloses.join('; ')})` : '';
      failed(new Error(`timed out waiting for a change to arrive${closes}`));
    }, timeoutMs);
    const listener = store.addDidFinishTransactionListener(() => {
      if (!check()) return;
      clearTimeout(timer);
      store.delListener(listener);
      done();
    });
  });

interface Propagation {
  p50: number;
  p99: number;
  samples: number;
}

const summary = (samples: number[]): Propagation => {
  const sorted = [...samples].sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), samples: sorted.length };
};

let written = 0;

/** A sets its own row `rounds` times; B's arrival time of each value (all of one side's clients connected). */
const propagationBlock = async (clients: Client[], rounds: number): Promise<number[]> => {
  const a = clients[0]!;
  const b = clients[clients.length - 1]!;
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const value = ++written;
    const arrived = until(b.store, () => b.store.getCell('cells', 'a', 'v') === value);
    const start = performance.now();
    a.store.setCell('cells', 'a', 'v', value);
    await arrived;
    samples.push(performance.now() - start);
  }
  return samples;
};

/**
 * Ours and bare side by side: both sides' clients stay connected throughout, and blocks of writes alternate
 * between them (ours first in even blocks, bare first in odd ones), so machine noise falls on both alike.
 */
const measurePropagation = async (
  oursUrls: string[],
  bareUrls: string[],
  bareRounds = ROUNDS,
): Promise<{ ours: Propagation; bare: Propagation }> => {
  const ours: Client[] = [];
  const bare: Client[] = [];
  const samples = { ours: [] as number[], bare: [] as number[] };
  try {
    for (const url of oursUrls) ours.push(await connectClient(url));
    for (const url of bareUrls) bare.push(await connectClient(url));
    for (const side of [ours, bare]) {
      const value = ++written;
      side[0]!.store.setRow('cells', 'a', { v: value, by: 'a' });
      await until(
        side[side.length - 1]!.store,
        () => side[side.length - 1]!.store.getCell('cells', 'a', 'v') === value,
      );
    }
    for (let block = 0; block < BLOCKS; block++) {
      const order = block % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      for (const side of order) {
        const taken = side === 'ours' ? propagationBlock(ours, ROUNDS) : propagationBlock(bare, bareRounds);
        samples[side].push(...(await taken));
      }
    }
  } finally {
    await Promise.all([...ours, ...bare].map((client) => client.stop()));
  }
  return { ours: summary(samples.ours), bare: summary(samples.bare) };
};

let bursts = 0;

/**
 * A writes `count` new rows of `table` as fast as the instance takes them, with at most WINDOW on their way at
 * once; how many per second reach B.
 */
const measureThroughput = async (
  urlA: string,
  urlB: string,
  table: string,
  count: number,
  held: number,
): Promise<number> => {
  const a = await connectClient(urlA);
  const b = await connectClient(urlB);
  // Both hold the whole instance before the clock starts, so the burst measures writes, not a first sync.
  for (const client of [a, b])
    await until(client.store, () => client.store.getRowCount(table) >= held, CALL_MS);
  const burst = ++bursts;
  const before = b.store.getRowCount(table);
  const start = performance.now();
  const arrived = until(b.store, () => b.store.getRowCount(table) >= before + count, CALL_MS);
  const received = () => b.store.getRowCount(table) - before;
  for (let i = 0; i < count; i++) {
    if (i - received() >= WINDOW) await until(b.store, () => i - received() < WINDOW, CALL_MS);
    a.store.setRow(table, `b${burst}-${i}`, { v: i, by: 'a' });
  }
  await arrived;
  const perSecond = count / ((performance.now() - start) / 1000);
  await Promise.all([a.stop(), b.stop()]);
  return perSecond;
};

/**
 * Ours and bare alternating, `rounds` bursts each into instances of `held` rows; the median rate of each side. A
 * side whose burst fails is measured no further (its rate NaN, its reason in `failed`) while the other goes on.
 */
const alternateThroughput = async (
  ours: [string, string],
  bare: [string, string],
  table: string,
  count: number,
  held = 0,
  rounds = 2,
): Promise<{ ours: number; bare: number; failed: { ours?: string; bare?: string } }> => {
  const rates = { ours: [] as number[], bare: [] as number[] };
  const failed: { ours?: string; bare?: string } = {};
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
    for (const side of order) {
      if (failed[side] !== undefined) continue;
      const [a, b] = side === 'ours' ? ours : bare;
      try {
        rates[side].push(await measureThroughput(a, b, table, count, held));
      } catch (error) {
        failed[side] = error instanceof Error ? error.message : String(error);
        console.log(`${side} writes per second not measured: ${failed[side]}`);
      }
    }
  }
  if (failed.ours !== undefined && failed.bare !== undefined) throw new Error(failed.ours);
  const median = (values: number[]) =>
    [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
  return { ours: median(rates.ours), bare: median(rates.bare), failed };
};

/** A rate for the table, or why it was not measured. */
const rateCell = (rate: number, failed: string | undefined): string =>
  failed === undefined ? rate.toFixed(0) : `not measured: ${failed}`;

/** Creates MULTI_INSTANCES multi instances and syncs one client with each once. */
const measureInstances = async (runtime: Runtime): Promise<number> => {
  const token = await tokenFor(runtime, 'owner');
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < MULTI_INSTANCES) {
      next++;
      const { id } = await admin(runtime, 'POST', `/api/apps/${APP}/datastores/games/instances`, {
        owner: 'owner',
      });
      const client = await connectClient(`${runtime.wsUrl}/sync/${APP}/games/${String(id)}?token=${token}`);
      client.store.setRow('moves', 'm', { x: 1 });
      await client.stop();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return (performance.now() - start) / 1000;
};

/** Microseconds per evaluation of a compiled rule, and of the same check written as plain JavaScript. */
const measureRules = (): { rule: number; plain: number } => {
  const rule = compileRule(
    "row.by == user.id || 'admin' in user.roles",
    'update',
    config.datastores.board!.tables.cells,
  );
  const context = {
    user: { id: 'ada', roles: [], tenant: '' },
    row: { v: 1, by: 'ada' },
    newRow: {},
    changed: [],
    now: Date.now(),
  };
  const plain = (c: typeof context) => c.row.by === c.user.id || (c.user.roles as string[]).includes('admin');
  const time = (run: () => unknown) => {
    const count = 200_000;
    for (let i = 0; i < 10_000; i++) run();
    const start = performance.now();
    for (let i = 0; i < count; i++) run();
    return ((performance.now() - start) * 1000) / count;
  };
  return { rule: time(() => rule(context)), plain: time(() => plain(context)) };
};

/** 100 scenarios of 20 steps each on the to-do template: creates, ticks, refused edits, checks and deletes. */
const scenarioBenchConfig = (): AppConfig => {
  const base = structuredClone(templates.find((template) => template.id === 'todo')!.config);
  const scenarios: Scenario[] = Array.from({ length: 100 }, (_, n) => {
    const steps: Scenario['steps'] = [];
    for (let i = 0; steps.length < 20; i++) {
      const row = `t${n}-${i}`;
      steps.push(
        { as: 'ada', set: ['todos', row, { text: `To-do ${i}` }] },
        { as: 'bob', set: ['todos', row, { done: true }] },
        { as: 'bob', set: ['todos', row, { text: 'Mine now' }], expect: { refused: 'update' } },
        { as: 'sam', sees: ['todos', row, { text: `To-do ${i}`, done: true }] },
        { as: 'ada', delete: ['todos', row] },
      );
    }
    return { name: `scenario ${n}`, datastore: 'board', steps: steps.slice(0, 20) };
  });
  return { ...base, tests: scenarios };
};

/** Milliseconds to run 100 scenarios of 20 steps in process (median of 15 runs, after warming up). */
const measureScenarios = (): number => {
  const benchConfig = scenarioBenchConfig();
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    const run = runTests(benchConfig);
    const elapsed = performance.now() - start;
    if (run.failed !== 0) throw new Error('the benchmark scenarios must pass');
    if (i >= 5) times.push(elapsed);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
};

/** Resident memory of the wrangler dev this bench started (its process group: node and both workerd). */
const runtimeMegabytes = (runtime: Runtime): number => {
  if (runtime.processGroup === undefined) return NaN;
  try {
    const lines = execSync(`ps -o rss= -g ${runtime.processGroup}`, { encoding: 'utf8' }).trim().split('\n');
    return lines.reduce((sum, line) => sum + Number(line.trim() || 0), 0) / 1024;
  } catch {
    return NaN;
  }
};

interface DesignerTimes {
  firstLoadMs: number;
  hundredTablesShownMs: number;
  selectMs: number;
}

/** The built designer in headless Chromium: first load, a 100-table import laid out, and a click on a table. */
const measureDesigner = async (): Promise<DesignerTimes | undefined> => {
  if (!existsSync(new URL('../../designer/dist/index.html', import.meta.url))) return undefined;
  const runtime = await startRuntime({ assetsDir: 'designer/dist' });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(runtime.url);
    await page.getByRole('heading', { name: 'Start a new project' }).waitFor();
    const firstLoadMs = await page.evaluate(
      () => performance.getEntriesByType('navigation')[0]?.duration ?? NaN,
    );
    const tables: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      const parent =
        i > 0 ? { parent: { type: 'string', references: `table${Math.floor((i - 1) / 3)}` } } : {};
      tables[`table${i}`] = { fields: { name: { type: 'string' }, count: { type: 'number' }, ...parent } };
    }
    const big = { format: 1, datastores: { big: { instances: 'single', sync: 'twoWay', tables } } };
    const started = performance.now();
    await page.getByTestId('import-input').setInputFiles({
      name: 'hundred.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(big)),
    });
    await page.waitForFunction(
      () => document.querySelectorAll('.react-flow__node').length === 100,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const hundredTablesShownMs = performance.now() - started;
    // Measured inside the page, from the click to the side panel showing the table, once the canvas has settled;
    // the median of selecting five tables in turn, since one selection alone varied from 70 to 190 ms between runs.
    // (A string, so the TypeScript runner's helpers do not leak into the page.)
    await page.waitForTimeout(1000);
    const selectMs = Number(
      await page.evaluate(`(async () => {
        const times = [];
        for (const id of ['table50', 'table10', 'table90', 'table30', 'table70']) {
          const header = document.querySelector('.react-flow__node[data-id="' + id + '"] .table-node-header');
          const started = performance.now();
          header.click();
          await new Promise((shown) => {
            const check = () => {
              const panel = document.querySelector('[data-panel="table"]');
              if (panel && panel.textContent.includes(id)) shown();
              else requestAnimationFrame(check);
            };
            check();
          });
          times.push(performance.now() - started);
          await new Promise((settled) => setTimeout(settled, 200));
        }
        return times.sort((x, y) => x - y)[2];
      })()`),
    );
    return { firstLoadMs, hundredTablesShownMs, selectMs };
  } finally {
    await browser.close();
    await runtime.stop();
  }
};

const rowsOf = (count: number) => {
  const rows: Record<string, { v: number; by: string }> = {};
  for (let i = 0; i < count; i++) rows[`s${i}`] = { v: i, by: 'seed' };
  return rows;
};

/**
 * Instance sizes: each size is an instance of ours (filled by a snapshot PUT) and a bare room (filled inside its
 * object), measured side by side as above; then heap bytes per row, and the time a restarted runtime takes to
 * load the largest instance.
 */
const measureSizes = async (
  runtime: Runtime,
  tokens: string[],
  rows: string[][],
  verdict: (ok: boolean) => string,
): Promise<Record<string, unknown>> => {
  const result: Record<string, unknown> = {};
  const oursUrl = (size: number, token: string) =>
    `${runtime.wsUrl}/sync/${APP}/size${size}/main?token=${token}`;
  const bareUrl = (size: number) => `${runtime.wsUrl}/baseline/size-${size}`;
  const largest = Math.max(...SIZES);
  let heap: { ours: number; bare: number } | undefined;
  const measureSize = async (size: number): Promise<void> => {
    const before = runtimeMegabytes(runtime);
    await admin(runtime, 'PUT', `/api/apps/${APP}/datastores/size${size}/instances/main/snapshot`, [
      { cells: rowsOf(size) },
      {},
    ]);
    const afterOurs = runtimeMegabytes(runtime);
    const seeded = await fetch(`${runtime.url}/baseline-seed/size-${size}?rows=${size}`, {
      signal: AbortSignal.timeout(CALL_MS),
    });
    if (!seeded.ok) throw new Error(`seeding the bare room: ${seeded.status}`);
    const afterBare = runtimeMegabytes(runtime);
    if (size === largest) {
      heap = {
        ours: ((afterOurs - before) * 1024 * 1024) / size,
        bare: ((afterBare - afterOurs) * 1024 * 1024) / size,
      };
    }
    const { ours, bare } = await measurePropagation(
      [oursUrl(size, tokens[0]!), oursUrl(size, tokens[1]!)],
      [bareUrl(size), bareUrl(size)],
      size >= LARGE_ROWS ? LARGE_BARE_ROUNDS : ROUNDS,
    );
    const writes = await alternateThroughput(
      [oursUrl(size, tokens[0]!), oursUrl(size, tokens[1]!)],
      [bareUrl(size), bareUrl(size)],
      'cells',
      SIZE_BURST,
      size,
    );
    result[String(size)] = {
      ours: { ...ours, writesPerSecond: writes.ours, writesNotMeasured: writes.failed.ours },
      bare: { ...bare, writesPerSecond: writes.bare, writesNotMeasured: writes.failed.bare },
    };
    console.log(JSON.stringify(result[String(size)]));
    for (const [label, o, b] of [
      ['p50', ours.p50, bare.p50],
      ['p99', ours.p99, bare.p99],
    ] as const) {
      rows.push([
        `${size} rows: A→B ${label} (${ours.samples} / ${bare.samples} samples)`,
        `${o.toFixed(2)} ms`,
        `${b.toFixed(2)} ms`,
        `${(o / b).toFixed(2)}×`,
        '',
      ]);
    }
    rows.push([
      `${size} rows: accepted writes per second`,
      rateCell(writes.ours, writes.failed.ours),
      rateCell(writes.bare, writes.failed.bare),
      Number.isFinite(writes.ours / writes.bare) ? `${(writes.ours / writes.bare).toFixed(2)}×` : '',
      size === largest && Number.isFinite(writes.ours / writes.bare)
        ? `≥ 5× ${verdict(writes.ours / writes.bare >= 5)}`
        : '',
    ]);
  };
  for (const size of SIZES) {
    console.log(`instance of ${size} rows`);
    try {
      await measureSize(size);
    } catch (error) {
      // One size that cannot be measured (a timeout on a busy machine) must not lose the others' figures.
      const reason = error instanceof Error ? error.message : String(error);
      console.log(`instance of ${size} rows not measured: ${reason}`);
      result[String(size)] = { error: reason };
      rows.push([`${size} rows`, `not measured: ${reason}`, '', '', '']);
    }
  }
  const smallest = result[String(Math.min(...SIZES))] as { ours?: Propagation } | undefined;
  const big = result[String(largest)] as { ours?: Propagation } | undefined;
  if (smallest?.ours && big?.ours) {
    const ratio = big.ours.p50 / smallest.ours.p50;
    result.p50LargestOverSmallest = ratio;
    rows.push([
      `A→B p50, ${largest} rows over ${Math.min(...SIZES)} rows (ours)`,
      `${ratio.toFixed(2)}×`,
      '',
      '',
      `≤ 1.5× ${verdict(ratio <= 1.5)}`,
    ]);
  }
  if (heap) {
    result.heapBytesPerRow = heap;
    rows.push([
      `memory per row (${largest} rows, 2 cells)`,
      `${heap.ours.toFixed(0)} B`,
      `${heap.bare.toFixed(0)} B`,
      '',
      '',
    ]);
  }
  // A restart, then the first call that opens the largest instance: its object starts and loads every row.
  try {
    await runtime.restart();
    const started = performance.now();
    await admin(runtime, 'GET', `/api/apps/${APP}/datastores/size${largest}/instances/main/stats`);
    const loadMs = performance.now() - started;
    result.loadAfterRestartMs = { rows: largest, ms: loadMs };
    rows.push([`load a ${largest}-row instance after a restart`, `${loadMs.toFixed(0)} ms`, '', '', '']);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    result.loadAfterRestartMs = { rows: largest, error: reason };
    rows.push([`load a ${largest}-row instance after a restart`, `not measured: ${reason}`, '', '', '']);
  }
  return result;
};

// `BENCH_ONLY=readRules,sizes` measures just those parts (clients, readRules, sizes, throughput, instances, designer).
const ONLY = process.env.BENCH_ONLY?.split(',').map((part) => part.trim());

/**
 * Runs one part of the bench unless BENCH_ONLY leaves it out; a part that fails (a timeout on a busy machine)
 * gets a "not measured" row with its reason, and the parts after it still run.
 */
const section = async (name: string, rows: string[][], run: () => Promise<void>): Promise<void> => {
  if (ONLY && !ONLY.includes(name)) return;
  try {
    await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.log(`${name} not measured: ${reason}`);
    rows.push([name, `not measured: ${reason}`, '', '', '']);
  }
};

const main = async () => {
  // The machine's load before and after: a run on a busy machine says so in its report.
  const loadBefore = loadavg();
  const rules = measureRules();
  const scenariosMs = measureScenarios();
  const profile = Object.fromEntries(SIZES.map((size) => [String(size), profileWrite(size)]));
  console.log('one accepted write, step by step (µs):', JSON.stringify(profile, null, 2));
  const runtime = await startRuntime({ config: 'test/bench/worker/wrangler.jsonc' });
  const report: Record<string, unknown> = {};
  const rows: string[][] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  try {
    await admin(runtime, 'PUT', `/api/apps/${APP}/config`, config);
    const memoryIdle = runtimeMegabytes(runtime);
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => tokenFor(runtime, i === 0 ? 'a' : `u${i}`)),
    );
    /** A→B at `count` clients, ours and bare. */
    const measureClients = async (count: number): Promise<void> => {
      console.log(`propagation with ${count} clients`);
      const { ours, bare } = await measurePropagation(
        tokens.slice(0, count).map((token) => `${runtime.wsUrl}/sync/${APP}/board/main?token=${token}`),
        Array.from({ length: count }, () => `${runtime.wsUrl}/baseline/room-${count}`),
      );
      const p50 = ours.p50 / bare.p50;
      const p99 = ours.p99 / bare.p99;
      report[`propagation${count}`] = { ours, bare, p50, p99 };
      // Printed as it comes, so a run stopped early still shows what it measured.
      console.log(JSON.stringify(report[`propagation${count}`]));
      rows.push([
        `A→B, ${count} clients, p50`,
        `${ours.p50.toFixed(2)} ms`,
        `${bare.p50.toFixed(2)} ms`,
        `${p50.toFixed(2)}×`,
        `≤ 1.1× ${verdict(p50 <= 1.1)}`,
      ]);
      rows.push([
        `A→B, ${count} clients, p99 (${ours.samples} samples)`,
        `${ours.p99.toFixed(2)} ms`,
        `${bare.p99.toFixed(2)} ms`,
        `${p99.toFixed(2)}×`,
        `≤ 1.2× ${verdict(p99 <= 1.2)}`,
      ]);
    };
    await section('clients', rows, async () => {
      for (const count of CLIENT_COUNTS) await measureClients(count);
    });
    await section('readRules', rows, async () => {
      report.readRules = await measureReadRules(
        (datastore, count) =>
          tokens
            .slice(0, count)
            .map((token) => `${runtime.wsUrl}/sync/${APP}/${datastore}/main?token=${token}`),
        {
          propagation: measurePropagation,
          throughput: (withRule, without) => alternateThroughput(withRule, without, 'cells', BURST),
        },
        rows,
        verdict,
      );
    });
    await section('sizes', rows, async () => {
      report.sizes = await measureSizes(runtime, tokens, rows, verdict);
    });
    await section('throughput', rows, async () => {
      const config2 = structuredClone(config);
      config2.datastores.board!.tables.burst = {
        fields: { v: { type: 'number' }, by: { type: 'string' } },
        rules: { create: 'newRow.by == user.id' },
      };
      await admin(runtime, 'PUT', `/api/apps/${APP}/config`, config2);
      const { ours: oursRate, bare: bareRate } = await alternateThroughput(
        [
          `${runtime.wsUrl}/sync/${APP}/board/main?token=${tokens[0]}`,
          `${runtime.wsUrl}/sync/${APP}/board/main?token=${tokens[1]}`,
        ],
        [`${runtime.wsUrl}/baseline/burst`, `${runtime.wsUrl}/baseline/burst`],
        'burst',
        BURST,
      );
      report.throughput = { ours: oursRate, bare: bareRate, ratio: oursRate / bareRate };
      rows.push([
        'accepted writes per second',
        oursRate.toFixed(0),
        bareRate.toFixed(0),
        `${(oursRate / bareRate).toFixed(2)}×`,
        `≥ 0.8× ${verdict(oursRate / bareRate >= 0.8)}`,
      ]);
    });
    await section('instances', rows, async () => {
      const seconds = await measureInstances(runtime);
      report.instances = { count: MULTI_INSTANCES, seconds };
      rows.push([
        `${MULTI_INSTANCES} multi instances created and synced`,
        `${seconds.toFixed(1)} s`,
        '',
        '',
        `< 60 s ${verdict(seconds < 60)}`,
      ]);
    });
    const memoryAfter = runtimeMegabytes(runtime);
    report.memory = { idleMegabytes: memoryIdle, afterMegabytes: memoryAfter };
    rows.push([
      'memory of this wrangler dev (node + both workerd)',
      `${memoryAfter.toFixed(0)} MB`,
      `idle ${memoryIdle.toFixed(0)} MB`,
      '',
      '',
    ]);
  } finally {
    await runtime.stop();
  }
  report.rules = rules;
  report.scenarios = { scenarios: 100, stepsEach: 20, ms: scenariosMs };
  report.profile = profile;
  const designer = ONLY && !ONLY.includes('designer') ? undefined : await measureDesigner();
  if (designer) {
    report.designer = designer;
    rows.push([
      'designer first load (Chromium)',
      `${designer.firstLoadMs.toFixed(0)} ms`,
      '',
      '',
      `< 1500 ms ${verdict(designer.firstLoadMs < 1500)}`,
    ]);
    rows.push([
      '100-table import laid out and shown',
      `${designer.hundredTablesShownMs.toFixed(0)} ms`,
      '',
      '',
      '',
    ]);
    rows.push([
      'select a table among 100',
      `${designer.selectMs.toFixed(0)} ms`,
      '',
      '',
      `< 100 ms ${verdict(designer.selectMs < 100)}`,
    ]);
  } else if (!ONLY || ONLY.includes('designer')) {
    rows.push(['designer', 'not built: npm run build -w designer', '', '', '']);
  }
  rows.push([
    'rule evaluation',
    `${rules.rule.toFixed(2)} µs`,
    `plain JS ${rules.plain.toFixed(3)} µs`,
    `${(rules.rule / rules.plain).toFixed(0)}×`,
    `< 5 µs ${verdict(rules.rule < 5)}`,
  ]);
  rows.push([
    '100 scenarios of 20 steps, in process',
    `${scenariosMs.toFixed(1)} ms`,
    '',
    '',
    `< 100 ms ${verdict(scenariosMs < 100)}`,
  ]);
  rows.push(await scenariosInBrowserRow(scenarioBenchConfig()));
  report.load = { before: loadBefore, after: loadavg() };
  const load = (averages: number[]) => averages.map((average) => average.toFixed(2)).join(' / ');
  rows.push([
    'machine load (1 / 5 / 15 min)',
    `after ${load(loadavg())}`,
    `before ${load(loadBefore)}`,
    '',
    '',
  ]);
  const header = ['measure', 'enforced runtime', 'bare TinyBase', 'ratio', 'target'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(`\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../../test-results/bench.json', import.meta.url), JSON.stringify(report, null, 2));
  await sleep(100);
};

await main();
