// What each simulated person may see of a datastore's tables under its read rules, and that in plain words.
import {
  compileConfig,
  type AppConfig,
  type CompiledApp,
  type CompiledDatastore,
  type InstanceKind,
  type RuleInstance,
  type Visibility,
} from '@datastore-designer/schema';

/** One table with a read rule, as one person sees it. */
export interface TableView {
  table: string;
  rule: string;
  visibility: Visibility;
}

const compiled = new WeakMap<AppConfig, CompiledApp | undefined>();

/** The config compiled once; undefined while it cannot be compiled (it has problems the designer shows). */
const compiledDatastore = (config: AppConfig, datastore: string): CompiledDatastore | undefined => {
  if (!compiled.has(config)) {
    try {
      compiled.set(config, compileConfig(config));
    } catch {
      compiled.set(config, undefined);
    }
  }
  return compiled.get(config)?.datastores[datastore];
};

/** The tables of `datastore` with a read rule (server-only ones aside), and what this person sees of each. */
export const tableViews = (
  config: AppConfig,
  datastore: string,
  user: { sub: string; roles: string[]; tenant: string },
  instance: RuleInstance,
): TableView[] => {
  const ds = compiledDatastore(config, datastore);
  if (!ds) return [];
  return Object.values(ds.tables).flatMap((table) => {
    const rule = table.config.rules?.read;
    if (rule === undefined || table.serverOnly) return [];
    const visibility = table.visibility({ id: user.sub, roles: user.roles, tenant: user.tenant }, instance);
    return [{ table: table.id, rule, visibility }];
  });
};

/** Who may see a table, in words short enough for one line ("only people with role manager"). */
export const whoMaySee = (rule: string, describe: (rule: string) => string): string => {
  const e = rule.trim().replace(/\s+/g, ' ').replace(/"/g, "'");
  if (e === 'false') return 'only the server';
  const role = /^'((?:[^'\\]|\\.)*)' in user\.roles$/.exec(e);
  if (role) return `only people with role ${(role[1] ?? '').replace(/\\(.)/g, '$1')}`;
  return `only when ${describe(rule).replace(/^./, (c) => c.toLowerCase())}`;
};

const unquote = (text: string): string => text.replace(/\\(.)/g, '$1');

/**
 * Which rows a person sees of a table decided row by row, in words ("only rows Bob created"): the builder's
 * row-by-row choices by name, any other rule in its own words.
 */
export const rowsSeen = (name: string, rule: string, describe: (rule: string) => string): string => {
  const e = rule.trim().replace(/\s+/g, ' ').replace(/"/g, "'");
  if (/^row\.[A-Za-z_][A-Za-z0-9_]* == user\.id$/.test(e)) return `only rows ${name} created`;
  const orRole = /^row\.[A-Za-z_][A-Za-z0-9_]* == user\.id \|\| '((?:[^'\\]|\\.)*)' in user\.roles$/.exec(e);
  if (orRole) return `only rows ${name} created (people with role ${unquote(orRole[1] ?? '')} see all)`;
  return `only rows where ${describe(rule)
    .replace(/^./, (c) => c.toLowerCase())
    .replace(/\.$/, '')}`;
};

/** The line under a person's name for one table: what they see of it against what the server holds. */
export const viewLine = (
  name: string,
  view: TableView,
  seen: number,
  stored: number | undefined,
  describe: (rule: string) => string,
): string => {
  if (view.visibility === 'none')
    return `${name} cannot see the table ${view.table}: ${whoMaySee(view.rule, describe)}.`;
  const of = stored === undefined ? '' : ` of ${stored}`;
  const rows = stored === 1 || (stored === undefined && seen === 1) ? 'row' : 'rows';
  const which = view.visibility === 'perRow' ? `: ${rowsSeen(name, view.rule, describe)}` : '';
  return `${name} sees ${seen}${of} ${rows} of ${view.table}${which}.`;
};

/**
 * The instance a person has open as the rules see it, or undefined before one is open: `main` for single, the
 * person's own for perUser, their organisation's for perTenant; for multi the open space, they among its members.
 */
export const instanceSeenBy = (
  kind: InstanceKind,
  user: { sub: string; tenant: string },
  space: { id: string; owner: string } | undefined,
): RuleInstance | undefined => {
  switch (kind) {
    case 'single':
      return { id: 'main', owner: '', members: [] };
    case 'perUser':
      return { id: user.sub, owner: user.sub, members: [user.sub] };
    case 'perTenant':
      return user.tenant ? { id: user.tenant, owner: '', members: [] } : undefined;
    case 'multi':
      return space
        ? { id: space.id, owner: space.owner, members: [...new Set([space.owner, user.sub])] }
        : undefined;
  }
};
