// A bench-only worker: the runtime exactly as deployed, plus TinyBase's own WsServerDurableObject as the baseline.
import { createMergeableStore, type MergeableStore } from 'tinybase';
import { createDurableObjectSqlStoragePersister } from 'tinybase/persisters/persister-durable-object-sql-storage';
import { WsServerDurableObject } from 'tinybase/synchronizers/synchronizer-ws-server-durable-object';
import runtime from '../../../runtime-worker/src/index.ts';

export { AppDirectory, ControlObject, InstanceObject } from '../../../runtime-worker/src/index.ts';

/** Bare TinyBase: relays every client's changes to every other client, keeps a durable server copy, no rules. */
export class BaselineObject extends WsServerDurableObject {
  #store: MergeableStore | undefined;

  override createPersister() {
    this.#store = createMergeableStore();
    return createDurableObjectSqlStoragePersister(this.#store, this.ctx.storage.sql, {
      mode: 'fragmented',
    });
  }

  /** Fills the room with `rows` rows before a measurement, as the runtime's snapshot PUT does for ours. */
  async seed(rows: number): Promise<number> {
    // The persister is made while the object starts; wait for it like the first client would.
    while (!this.#store) await new Promise((resolve) => setTimeout(resolve, 10));
    const store = this.#store;
    store.transaction(() => {
      for (let i = 0; i < rows; i++) store.setRow('cells', `s${i}`, { v: i, by: 'seed' });
    });
    return store.getRowCount('cells');
  }
}

interface BenchEnv extends Env {
  BASELINE: DurableObjectNamespace<BaselineObject>;
}

/** Routes `/baseline/<room>` to the baseline (`/baseline-seed/<room>?rows=N` fills it) and the rest to the runtime. */
export default {
  async fetch(request, env, context) {
    const { pathname, searchParams } = new URL(request.url);
    if (pathname.startsWith('/baseline-seed/')) {
      const room = `/baseline/${pathname.slice('/baseline-seed/'.length)}`;
      const count = await env.BASELINE.get(env.BASELINE.idFromName(room)).seed(
        Number(searchParams.get('rows')),
      );
      return Response.json({ rows: count });
    }
    if (pathname.startsWith('/baseline/'))
      return env.BASELINE.get(env.BASELINE.idFromName(pathname)).fetch(request);
    return runtime.fetch(request, env, context);
  },
} satisfies ExportedHandler<BenchEnv>;
