// A bench-only worker: the runtime exactly as deployed, plus TinyBase's own WsServerDurableObject as the baseline.
import { createMergeableStore } from 'tinybase';
import { createDurableObjectSqlStoragePersister } from 'tinybase/persisters/persister-durable-object-sql-storage';
import { WsServerDurableObject } from 'tinybase/synchronizers/synchronizer-ws-server-durable-object';
import runtime from '../../../runtime-worker/src/index.ts';

export { ControlObject, InstanceObject } from '../../../runtime-worker/src/index.ts';

/** Bare TinyBase: relays every client's changes to every other client, keeps a durable server copy, no rules. */
export class BaselineObject extends WsServerDurableObject {
  override createPersister() {
    return createDurableObjectSqlStoragePersister(createMergeableStore(), this.ctx.storage.sql, {
      mode: 'fragmented',
    });
  }
}

interface BenchEnv extends Env {
  BASELINE: DurableObjectNamespace<BaselineObject>;
}

/** Routes `/baseline/<room>` to the baseline and everything else to the runtime. */
export default {
  fetch(request, env, context) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/baseline/'))
      return env.BASELINE.get(env.BASELINE.idFromName(pathname)).fetch(request);
    return runtime.fetch(request, env, context);
  },
} satisfies ExportedHandler<BenchEnv>;
