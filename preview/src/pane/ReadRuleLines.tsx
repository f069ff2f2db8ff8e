// Under a person's name: one line per table with a read rule, what they see of it against what the server holds,
// and a word when the runtime reloaded their copy because what they may see changed.
import { describeRule, type AppConfig, type RuleInstance } from '@datastore-designer/schema';
import { useEffect, useState } from 'react';
import type { Connection } from '../connect.ts';
import { serverRowCounts, type PreviewRuntime } from './preview-api.ts';
import { tableViews, viewLine } from './read-views.ts';
import type { SimulatedUser } from './simulated-users.ts';

/** What the lines need: the person, their client, and where the server's counts come from. */
export interface ReadRuleLinesProps {
  user: SimulatedUser;
  config: AppConfig;
  datastore: string;
  connection: Connection | undefined;
  /** The instance as the server data API names it, with its owner and members; undefined before one is open. */
  instance: RuleInstance | undefined;
  runtime: PreviewRuntime;
  app: string;
  /** When the runtime last closed this person's socket because what they may see changed. */
  viewChangedAt: number | undefined;
  online: boolean;
}

/** Counts of the person's own copy, kept up to date with their store. */
const useSeenCounts = (connection: Connection | undefined): Record<string, number> => {
  const [counts, setCounts] = useState<Record<string, number>>({});
  useEffect(() => {
    const store = connection?.untypedStore;
    if (!store) return;
    const count = () =>
      setCounts(Object.fromEntries(store.getTableIds().map((table) => [table, store.getRowCount(table)])));
    count();
    const listener = store.addTablesListener(count);
    return () => void store.delListener(listener);
  }, [connection]);
  return counts;
};

/** One line per table with a read rule, and the reload notice. */
export const ReadRuleLines = (props: ReadRuleLinesProps) => {
  const { user, config, datastore, connection, instance, runtime, app, viewChangedAt, online } = props;
  const seen = useSeenCounts(connection);
  const [stored, setStored] = useState<Record<string, number>>();
  const views = instance ? tableViews(config, datastore, user, instance) : [];
  const seenKey = JSON.stringify(seen);
  const instanceId = instance?.id;
  const wanted = views.length > 0;

  useEffect(() => {
    if (!wanted || instanceId === undefined) return;
    let cancelled = false;
    // Someone else's write elsewhere changes the server's counts too: ask again now and then while shown.
    const ask = () =>
      void serverRowCounts(runtime, app, datastore, instanceId).then(
        (rows) => cancelled || setStored(rows),
        () => undefined,
      );
    ask();
    const timer = setInterval(ask, 2000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [wanted, runtime, app, datastore, instanceId, seenKey, viewChangedAt]);

  if (views.length === 0 && viewChangedAt === undefined) return null;
  return (
    <div className="dd-read-views" data-testid="read-views">
      {viewChangedAt !== undefined ? (
        <p className="dd-note" data-testid="view-changed">
          {online
            ? `What ${user.name} may see changed; reloaded.`
            : `What ${user.name} may see changed; reloading…`}
        </p>
      ) : null}
      {views.map((view) => (
        <p key={view.table} className="dd-muted" data-table={view.table} data-visibility={view.visibility}>
          {viewLine(
            user.name,
            view,
            seen[view.table] ?? 0,
            stored?.[view.table] ?? (stored ? 0 : undefined),
            describeRule,
          )}
        </p>
      ))}
    </div>
  );
};
