// What each step of one accepted write costs in the hub's code, at a small and a large instance, in Node: workerd's
// clock stands still during synchronous work, so the steps cannot be timed inside the object itself.
import { compileConfig, type AppConfig } from '@datastore-designer/schema';
import { createMergeableStore, getHlcFunctions, type MergeableChanges } from 'tinybase';
import { InstancePersister, type PersisterStorage } from '../../runtime-worker/src/instance-persister.ts';
import { judgeChanges, type GateClock } from '../../runtime-worker/src/sync-gate.ts';
import {
  formatFrame,
  isMergeableChanges,
  MessageType,
  parseFrame,
} from '../../runtime-worker/src/sync-protocol.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        cells: {
          fields: { v: { type: 'number', required: true }, by: { type: 'string', required: true } },
          rules: { create: 'newRow.by == user.id', update: 'row.by == user.id' },
        },
      },
    },
  },
};

/** The SQL a save issues, counted rather than run: Node has no Durable Object SQLite. */
const countingStorage = () => {
  const counter = { statements: 0 };
  const sql = {
    exec: () => {
      counter.statements++;
      return { toArray: () => [], raw: () => [][Symbol.iterator](), one: () => ({}) };
    },
    databaseSize: 0,
  };
  return {
    counter,
    storage: { sql, transactionSync: (run: () => void) => run() } as unknown as PersisterStorage,
  };
};

/**
 * Microseconds per step of an accepted one-cell update, the median over `runs` writes into a `size`-row store: on a
 * busy machine a mean is mostly the pauses of whatever else runs.
 */
export const profileWrite = (size: number, runs = 500): Record<string, number> => {
  const datastore = compileConfig(config).datastores.board!;
  const store = createMergeableStore('hub');
  const { counter, storage } = countingStorage();
  const persister = new InstancePersister(store, storage, 'p_');
  store.transaction(() => {
    for (let i = 0; i < size; i++) store.setRow('cells', `r${i}`, { v: i, by: 'a' });
  });
  const [next, seen, , decode] = getHlcFunctions('hub');
  const clock: GateClock = {
    next,
    seen,
    wellFormed: (hlc) => /^[-0-9A-Z_a-z]{16}$/.test(hlc),
    aheadBy: (hlc) => Math.max(0, decode(hlc)[0] - Date.now() - 300_000),
  };
  const client = getHlcFunctions('client')[0];
  let relay = '';
  // As in a hub with clients connected: the save gathers the saved stamps, and the relay frame is built from them.
  persister.relaying = () => true;
  persister.onSaved = (changes) => (relay = formatFrame(null, MessageType.ContentDiff, changes));
  const steps = {
    parse: [] as number[],
    judge: [] as number[],
    mergeAndSave: [] as number[],
    relayFrame: [] as number[],
  };
  const warmUp = 200;
  for (let run = -warmUp; run < runs; run++) {
    if (run === 0) {
      for (const samples of Object.values(steps)) samples.length = 0;
      counter.statements = 0;
    }
    const stamp = client();
    const text = `S\n${JSON.stringify([null, 3, [[{ cells: [{ [`r${(run + warmUp) % size}`]: [{ v: [-run, stamp] }, stamp] }, stamp] }, stamp], [{}, ''], 1]])}`;
    let t = performance.now();
    const frame = parseFrame(text);
    if (!frame || !isMergeableChanges(frame.body)) throw new Error('bad frame');
    const changes = frame.body as MergeableChanges;
    steps.parse.push(performance.now() - t);
    t = performance.now();
    const result = judgeChanges(
      store,
      changes,
      {
        datastore,
        user: { id: 'a', roles: [], tenant: '' },
        instance: { id: 'main', owner: '', members: [] },
        now: Date.now(),
        roomForRows: 1e9,
      },
      clock,
    );
    steps.judge.push(performance.now() - t);
    if (!result.accepted) throw new Error(`refused: ${JSON.stringify(result.rejections)}`);
    t = performance.now();
    const before = relay;
    persister.merge(result.accepted);
    const after = performance.now();
    if (relay === before) throw new Error('nothing relayed');
    steps.mergeAndSave.push(after - t);
    t = performance.now();
    formatFrame(null, MessageType.ContentDiff, result.accepted);
    steps.relayFrame.push(performance.now() - t);
  }
  // What TinyBase's own Durable Object persister does on every save, for comparison (a mean: it is long enough).
  const wholeRuns = Math.min(runs, 20);
  const t = performance.now();
  for (let run = 0; run < wholeRuns; run++) store.getMergeableContent();
  const wholeStoreRead = (performance.now() - t) / wholeRuns;
  const micro = (ms: number) => Math.round(ms * 1000);
  const median = (samples: number[]) => micro([...samples].sort((a, b) => a - b)[samples.length >> 1] ?? 0);
  return {
    parse: median(steps.parse),
    judge: median(steps.judge),
    mergeAndSave: median(steps.mergeAndSave),
    relayFrame: median(steps.relayFrame),
    sqlStatementsPerWrite: counter.statements / runs,
    wholeStoreReadPerSave: micro(wholeStoreRead),
  };
};
