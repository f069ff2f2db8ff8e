// The point-and-click rule builder's choices, and their translation to CEL and back.
import type { InstanceKind, RuleKind } from '@datastore-designer/schema';

/** The common cases the builder offers. */
export type PresetId =
  | 'unset'
  | 'anyone'
  | 'signedIn'
  | 'rowUser'
  | 'creator'
  | 'role'
  | 'members'
  | 'owner'
  | 'hasTenant'
  | 'rowTenant'
  | 'nobody'
  | 'creatorOrRole'
  | 'custom';

/** A choice in the builder: a preset plus the field or role it needs. */
export interface RuleChoice {
  preset: PresetId;
  field?: string;
  role?: string;
}

/** One option of the builder's list, in words. */
export interface PresetOption {
  id: PresetId;
  label: string;
  needs?: 'field' | 'role';
  /** Shown but not offered until the table has what it needs (a "Created by" field; the panel offers one). */
  unavailable?: boolean;
}

const NEEDS_CREATOR = ' (needs a “Created by” field)';

/**
 * Who can see rows: the table whole for some people, or row by row by who created it, which needs a "Created by"
 * field (the only kind of field that says who a row belongs to and never changes).
 */
const readPresets = (creatorFields: readonly string[]): PresetOption[] => {
  const unavailable = creatorFields.length === 0;
  const suffix = unavailable ? NEEDS_CREATOR : '';
  return [
    { id: 'unset', label: 'Everyone who can open it' },
    { id: 'creator', label: `Only the person who created the row${suffix}`, unavailable },
    { id: 'role', label: 'People with the role…', needs: 'role' },
    {
      id: 'creatorOrRole',
      label: `The creator, or people with the role…${suffix}`,
      needs: 'role',
      unavailable,
    },
    { id: 'nobody', label: 'Nobody — only the server' },
    { id: 'custom', label: 'Custom rule (advanced)' },
  ];
};

const isRowRule = (kind: RuleKind): boolean => kind === 'create' || kind === 'update' || kind === 'delete';

/** The options that make sense for a rule kind (row rules can look at the row, instance rules cannot). */
export const presetsFor = (
  kind: RuleKind,
  instances: InstanceKind,
  /** The table's "Created by" fields (`auto: "creator"`), offered as "the person who created the row". */
  creatorFields: readonly string[] = [],
): PresetOption[] => {
  if (kind === 'read') return readPresets(creatorFields);
  const row = isRowRule(kind);
  const options: PresetOption[] = [
    {
      id: 'unset',
      label: row
        ? 'Not set — nobody can (choose who)'
        : kind === 'join'
          ? 'Default — nobody'
          : 'Default — signed-in users',
    },
    { id: 'anyone', label: 'Anyone, even without signing in' },
    { id: 'signedIn', label: 'Signed-in users' },
  ];
  // The creator is known only once the row exists: on create, the server fills the field with whoever adds it.
  if ((kind === 'update' || kind === 'delete') && creatorFields.length > 0)
    options.push({ id: 'creator', label: 'The person who created the row' });
  if (row) options.push({ id: 'rowUser', label: "The user named in the row's field…", needs: 'field' });
  options.push({ id: 'role', label: 'Users with the role…', needs: 'role' });
  if (kind !== 'createInstance' && (instances === 'multi' || instances === 'perUser')) {
    options.push(
      { id: 'members', label: 'Members of this instance' },
      { id: 'owner', label: 'The owner of this instance' },
    );
  }
  if (row)
    options.push({
      id: 'rowTenant',
      label: "Users whose organisation is in the row's field…",
      needs: 'field',
    });
  else options.push({ id: 'hasTenant', label: 'Users who belong to an organisation' });
  options.push({ id: 'nobody', label: 'Nobody — only the server' });
  options.push({ id: 'custom', label: 'Custom rule (advanced)' });
  return options;
};

const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Writes the CEL for a builder choice; undefined means "no rule" (the default applies). */
export const choiceToCel = (choice: RuleChoice, kind: RuleKind): string | undefined => {
  const field = choice.field ?? '';
  switch (choice.preset) {
    case 'unset':
    case 'custom':
      return undefined;
    case 'anyone':
      return 'true';
    case 'signedIn':
      return "user.id != ''";
    case 'rowUser':
      if (kind === 'create') return `newRow.${field} == user.id`;
      // On update the row must stay the user's too, or they could hand it to someone else.
      if (kind === 'update') return `row.${field} == user.id && newRow.${field} == user.id`;
      return `row.${field} == user.id`;
    case 'creator':
      return `row.${field} == user.id`;
    case 'creatorOrRole':
      return `row.${field} == user.id || ${quote(choice.role ?? '')} in user.roles`;
    case 'rowTenant':
      if (kind === 'create') return `newRow.${field} == user.tenant`;
      if (kind === 'update') return `row.${field} == user.tenant && newRow.${field} == user.tenant`;
      return `row.${field} == user.tenant`;
    case 'role':
      return `${quote(choice.role ?? '')} in user.roles`;
    case 'members':
      return 'user.id in instance.members';
    case 'owner':
      return 'user.id == instance.owner';
    case 'hasTenant':
      return "user.tenant != ''";
    case 'nobody':
      return 'false';
  }
};

/** Recognises a CEL rule the builder wrote (spacing aside); anything else is "custom". */
export const celToChoice = (
  expression: string | undefined,
  creatorFields: readonly string[] = [],
): RuleChoice => {
  if (expression === undefined) return { preset: 'unset' };
  const e = expression.trim().replace(/\s+/g, ' ').replace(/"/g, "'");
  if (e === 'true') return { preset: 'anyone' };
  if (e === 'false') return { preset: 'nobody' };
  if (e === "user.id != ''") return { preset: 'signedIn' };
  if (e === 'user.id in instance.members') return { preset: 'members' };
  if (e === 'user.id == instance.owner' || e === 'instance.owner == user.id') return { preset: 'owner' };
  if (e === "user.tenant != ''") return { preset: 'hasTenant' };
  const role = /^'((?:[^'\\]|\\.)*)' in user\.roles$/.exec(e);
  if (role) return { preset: 'role', role: (role[1] ?? '').replace(/\\(.)/g, '$1') };
  const creator = /^row\.([a-z][a-zA-Z0-9_]*) == user\.id$/.exec(e);
  if (creator?.[1] && creatorFields.includes(creator[1])) return { preset: 'creator', field: creator[1] };
  const creatorOrRole =
    /^row\.([a-z][a-zA-Z0-9_]*) == user\.id \|\| '((?:[^'\\]|\\.)*)' in user\.roles$/.exec(e);
  if (creatorOrRole?.[1] && creatorFields.includes(creatorOrRole[1]))
    return {
      preset: 'creatorOrRole',
      field: creatorOrRole[1],
      role: (creatorOrRole[2] ?? '').replace(/\\(.)/g, '$1'),
    };
  const rowUser =
    /^(?:new)?[rR]ow\.([a-z][a-zA-Z0-9_]*) == user\.(id|tenant)(?: && newRow\.\1 == user\.\2)?$/.exec(e);
  if (rowUser) return { preset: rowUser[2] === 'id' ? 'rowUser' : 'rowTenant', field: rowUser[1] };
  return { preset: 'custom' };
};
