// The simulated people of the preview: who they are, and the presets a designer starts from.
import type { AppConfig, InstanceKind } from '@datastore-designer/schema';

/** One simulated person: a display name and the identity their token carries. */
export interface SimulatedUser {
  /** Stable key for React and for this user's connection. */
  key: string;
  name: string;
  sub: string;
  roles: string[];
  tenant: string;
}

/** The ready-made kinds of person a designer can add. */
export type PresetId = 'owner' | 'member' | 'stranger' | 'admin';

/** Each preset: what it is called and who it is. */
export const PRESETS: Record<PresetId, { label: string; user: Omit<SimulatedUser, 'key'> }> = {
  owner: { label: 'Owner', user: { name: 'Alice', sub: 'alice', roles: [], tenant: 'acme' } },
  member: { label: 'Member', user: { name: 'Bob', sub: 'bob', roles: [], tenant: 'acme' } },
  stranger: { label: 'Stranger', user: { name: 'Sam', sub: 'sam', roles: [], tenant: 'globex' } },
  admin: { label: 'Admin', user: { name: 'Ada', sub: 'ada', roles: ['admin'], tenant: 'acme' } },
};

/** The fewest people the preview shows side by side: sync needs someone to sync with. */
export const MIN_USERS = 2;
/** The most people the preview shows side by side. */
export const MAX_USERS = 6;

let keyCounter = 0;

/** A new person from a preset, with a name and id not already taken by `existing`. */
export const userFromPreset = (preset: PresetId, existing: SimulatedUser[]): SimulatedUser => {
  const base = PRESETS[preset].user;
  let name = base.name;
  let sub = base.sub;
  for (let n = 2; existing.some((user) => user.sub === sub || user.name === name); n++) {
    name = `${base.name} ${n}`;
    sub = `${base.sub}${n}`;
  }
  return { ...base, roles: [...base.roles], name, sub, key: `user-${++keyCounter}` };
};

/**
 * The people the preview opens with: an owner and a member, and an admin when some rule of the app looks at roles
 * (so what only an admin may do can be tried at once).
 */
export const initialUsers = (config?: AppConfig): SimulatedUser[] => {
  const owner = userFromPreset('owner', []);
  const people = [owner, userFromPreset('member', [owner])];
  if (config && JSON.stringify(config.datastores).includes('user.roles'))
    people.push(userFromPreset('admin', people));
  return people;
};

/** The instance a user opens for each kind (a multi instance is chosen in the pane instead). */
export const instanceFor = (kind: InstanceKind): string =>
  kind === 'perUser' ? 'me' : kind === 'perTenant' ? 'tenant' : 'main';

/** What an instance kind means, in plain words, for the top of the preview. */
export const INSTANCE_KIND_WORDS: Record<InstanceKind, string> = {
  single: 'Everyone shares one set of data.',
  perUser: 'Each person has their own private data: nobody else sees it.',
  perTenant: 'Each organisation has its own data: people see the data of their organisation only.',
  multi: 'People create separate spaces (like a game or a document) and invite others into them.',
};
