// The instances of each deployed datastore: ids, owners, members, size, connections, backups, and deleting one.
import { Fragment, useCallback, useEffect, useState } from 'react';
import type { AppConfig } from '@datastore-designer/schema';
import {
  deleteInstance,
  fetchInstances,
  fetchStats,
  type InstanceInfo,
  type InstanceStats,
  type RuntimeConnection,
} from '../model/runtime-client.ts';
import { byteSize } from './byte-size.ts';
import { InstanceBackups } from './InstanceBackups.tsx';
import './instances.css';

const KIND_WORDS = {
  single: 'one shared',
  perUser: 'one per person',
  perTenant: 'one per organisation',
  multi: 'made on demand',
} as const;

/** An instance's rows, every table counted. */
const totalRows = (stats: InstanceStats): number => Object.values(stats.rows).reduce((a, b) => a + b, 0);

/** Instances of the live config's datastores. */
export const InstancesView = ({
  connection,
  app,
  config,
}: {
  connection: RuntimeConnection;
  app: string;
  config: AppConfig;
}) => {
  const ids = Object.keys(config.datastores);
  const [ds, setDs] = useState(ids[0] ?? '');
  const [instances, setInstances] = useState<InstanceInfo[]>();
  const [stats, setStats] = useState<Record<string, InstanceStats>>({});
  const [error, setError] = useState<string>();
  const [opened, setOpened] = useState<string>();

  const load = useCallback(async () => {
    try {
      const list = await fetchInstances(connection, app, ds);
      setError(undefined);
      setInstances(list);
      // A shared datastore has one instance, `main`: its backups are what the person came for.
      if (config.datastores[ds]?.instances === 'single' && list.length === 1)
        setOpened((o) => o ?? list[0]?.id);
      const entries = await Promise.all(
        list.slice(0, 50).map(async (i) => [i.id, await fetchStats(connection, app, ds, i.id)] as const),
      );
      setStats(Object.fromEntries(entries));
    } catch (e) {
      setInstances([]);
      setError((e as Error).message);
    }
  }, [connection, app, ds, config]);

  /** Reads one instance's stats again and returns its rows, every table counted. */
  const readRows = useCallback(
    async (id: string): Promise<number | undefined> => {
      try {
        const s = await fetchStats(connection, app, ds, id);
        setStats((all) => ({ ...all, [id]: s }));
        return totalRows(s);
      } catch (e) {
        setError((e as Error).message);
        return undefined;
      }
    },
    [connection, app, ds],
  );

  useEffect(() => {
    if (ds) void load();
  }, [ds, load]);

  return (
    <section className="card instances-card">
      <h2>Instances</h2>
      <div className="button-row">
        <select
          aria-label="Datastore of the instances"
          value={ds}
          onChange={(event) => setDs(event.target.value)}
        >
          {ids.map((id) => (
            <option key={id} value={id}>
              {config.datastores[id]?.title ?? id} ({KIND_WORDS[config.datastores[id]?.instances ?? 'single']}
              )
            </option>
          ))}
        </select>
        <button type="button" className="ghost" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && <p className="bad">{error}</p>}
      {instances && instances.length === 0 && !error && (
        <p className="muted">No instances yet. They appear when people first use the datastore.</p>
      )}
      {instances && instances.length > 0 && (
        <div className="instances-scroll">
          <table className="instances" data-testid="instances">
            <thead>
              <tr>
                <th>Instance</th>
                <th>Owner</th>
                <th>Members</th>
                <th>Rows</th>
                <th title="What the instance takes on the runtime's disk, indexes and history included">
                  Space used
                </th>
                <th>Connected now</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {instances.map((i) => {
                const s = stats[i.id];
                const rows = s ? totalRows(s) : undefined;
                return (
                  <Fragment key={i.id}>
                    <tr data-instance={i.id}>
                      <td className="instance-id" title={i.id}>
                        <code>{i.id}</code>
                      </td>
                      <td>{i.owner || '—'}</td>
                      <td>{i.members.length ? i.members.join(', ') : '—'}</td>
                      <td>{rows ?? '…'}</td>
                      <td>{s ? byteSize(s.bytes) : '…'}</td>
                      <td>{s ? s.connections : '…'}</td>
                      <td>
                        <div className="instance-actions">
                          <button
                            type="button"
                            className="ghost"
                            aria-expanded={opened === i.id}
                            onClick={() => setOpened(opened === i.id ? undefined : i.id)}
                          >
                            Backups
                          </button>
                          <button
                            type="button"
                            className="ghost danger"
                            onClick={async () => {
                              if (
                                !confirm(`Delete instance "${i.id}" and all its data? This cannot be undone.`)
                              )
                                return;
                              try {
                                await deleteInstance(connection, app, ds, i.id);
                                await load();
                              } catch (e) {
                                setError((e as Error).message);
                              }
                            }}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    </tr>
                    {opened === i.id && (
                      <tr className="instance-backups-row">
                        <td colSpan={7}>
                          <InstanceBackups
                            connection={connection}
                            app={app}
                            ds={ds}
                            instance={i.id}
                            readRows={() => readRows(i.id)}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};
