// The facts a rule is judged on: who the user is, which instance, and the row before and after the change.
import type { InstanceKind, Row } from './config-types.ts';

/** The signed-in user as rules see it (`user` in CEL). */
export interface RuleUser {
  id: string;
  roles: string[];
  tenant: string;
}

/** The instance as rules see it (`instance` in CEL). */
export interface RuleInstance {
  id: string;
  owner: string;
  members: string[];
}

/** Everything a rule may read; which parts a rule can use depends on its kind. */
export interface RuleContext {
  user: RuleUser;
  instance?: RuleInstance;
  row?: Row;
  newRow?: Row;
  changed?: string[];
  /** Milliseconds since the epoch. */
  now: number;
}

/** Turns verified token claims into the rule user (`user` in CEL; `roles` `[]` unless a list of strings). */
export const userFromClaims = (claims: Record<string, unknown>): RuleUser => {
  const { sub, roles, tenant } = claims;
  return {
    id: typeof sub === 'string' ? sub : '',
    roles: Array.isArray(roles) && roles.every((role) => typeof role === 'string') ? [...roles] : [],
    tenant: typeof tenant === 'string' ? tenant : '',
  };
};

/** The `instance` variable for each instance kind; `registry` is the multi instance's record. */
export const instanceFacts = (
  kind: InstanceKind,
  instanceId: string,
  registry?: { owner: string; members: string[] },
): RuleInstance => {
  switch (kind) {
    case 'single':
      return { id: 'main', owner: '', members: [] };
    case 'perUser':
      return { id: instanceId, owner: instanceId, members: [instanceId] };
    case 'perTenant':
      return { id: instanceId, owner: '', members: [] };
    case 'multi':
      return { id: instanceId, owner: registry?.owner ?? '', members: [...(registry?.members ?? [])] };
  }
};
