// Access decisions: who may open, create, join and manage an instance, with the status and code of each refusal.
import { describe, expect, test } from 'vitest';
import {
  addressInstance,
  type AppConfig,
  compileConfig,
  instanceFacts,
  mayConnect,
  mayCreateInstance,
  mayJoin,
  mayManage,
  type RuleUser,
} from '../src/index.ts';

const fields = { text: { type: 'string' as const } };
const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      connect: "'staff' in user.roles",
      tables: { notes: { fields } },
    },
    open: { instances: 'single', sync: 'twoWay', connect: 'true', tables: { notes: { fields } } },
    games: {
      instances: 'multi',
      sync: 'twoWay',
      createInstance: "user.tenant == 'acme'",
      join: 'instance.owner != user.id && user.roles.size() < 3',
      tables: { moves: { fields } },
    },
    notes: { instances: 'perUser', sync: 'twoWay', tables: { notes: { fields } } },
    crm: { instances: 'perTenant', sync: 'twoWay', tables: { leads: { fields } } },
  },
};
const app = compileConfig(config);
const ds = (id: string) => {
  const found = app.datastores[id];
  if (!found) throw new Error(id);
  return found;
};
const alice: RuleUser = { id: 'alice', roles: ['staff'], tenant: 'acme' };
const bob: RuleUser = { id: 'bob', roles: [], tenant: '' };
const now = 1_700_000_000_000;
const game = instanceFacts('multi', 'g1', { owner: 'alice', members: ['alice'] });

describe('addressInstance', () => {
  test.each([
    ['single', 'main', alice, 'connect', { key: 'main' }],
    ['single', 'other', alice, 'connect', { status: 404, code: 'unknown_instance' }],
    ['single', 'other', undefined, 'data', { status: 404, code: 'unknown_instance' }],
    ['perUser', 'me', alice, 'connect', { key: 'alice' }],
    ['perUser', 'alice', alice, 'connect', { status: 404, code: 'unknown_instance' }],
    ['perUser', 'me', undefined, 'connect', { status: 401, code: 'token_required' }],
    ['perUser', 'alice', undefined, 'data', { key: 'alice' }],
    ['perTenant', 'tenant', alice, 'connect', { key: 'acme' }],
    ['perTenant', 'tenant', bob, 'connect', { status: 403, code: 'no_tenant' }],
    ['perTenant', 'tenant', undefined, 'connect', { status: 401, code: 'token_required' }],
    ['perTenant', 'acme', undefined, 'data', { key: 'acme' }],
    ['multi', 'g1', bob, 'connect', { key: 'g1' }],
    ['multi', '', bob, 'connect', { status: 404, code: 'unknown_instance' }],
  ] as const)('%s %j as %j for %s', (kind, param, user, purpose, expected) => {
    expect(addressInstance(kind, param, user, purpose)).toMatchObject(expected);
  });
});

describe('mayConnect', () => {
  test('the connect rule decides; a denied caller without a token is asked to sign in', () => {
    const main = instanceFacts('single', 'main');
    expect(mayConnect(ds('board'), alice, main, now)).toEqual({ allowed: true });
    expect(mayConnect(ds('board'), bob, main, now)).toMatchObject({ status: 403, code: 'connect_denied' });
    expect(mayConnect(ds('board'), undefined, main, now)).toMatchObject({
      status: 401,
      code: 'token_required',
    });
    expect(mayConnect(ds('open'), undefined, main, now)).toEqual({ allowed: true });
  });

  test('multi needs membership on top of the connect rule', () => {
    expect(mayConnect(ds('games'), alice, game, now)).toEqual({ allowed: true });
    expect(mayConnect(ds('games'), bob, game, now)).toMatchObject({
      status: 403,
      code: 'not_a_member',
      reason: 'You are not a member of this instance.',
    });
  });
});

describe('mayCreateInstance and mayJoin', () => {
  test('createInstance: the admin always, a user by the rule, nobody without a token', () => {
    expect(mayCreateInstance(ds('games'), { admin: true }, now)).toEqual({ allowed: true });
    expect(mayCreateInstance(ds('games'), { admin: false, user: alice }, now)).toEqual({ allowed: true });
    expect(mayCreateInstance(ds('games'), { admin: false, user: bob }, now)).toMatchObject({
      status: 403,
      code: 'create_denied',
    });
    expect(mayCreateInstance(ds('games'), { admin: false }, now)).toMatchObject({ status: 401 });
  });

  test('join: by the rule, which sees the instance; the admin has no user to join as', () => {
    expect(mayJoin(ds('games'), bob, game, now)).toEqual({ allowed: true });
    expect(mayJoin(ds('games'), alice, game, now)).toMatchObject({ status: 403, code: 'join_denied' });
    expect(mayJoin(ds('games'), { ...bob, roles: ['a', 'b', 'c'] }, game, now)).toMatchObject({
      code: 'join_denied',
    });
    expect(mayJoin(ds('games'), undefined, game, now)).toMatchObject({ status: 400, code: 'bad_request' });
  });
});

describe('mayManage', () => {
  const asUser = (user: RuleUser) => ({ admin: false, user });
  test('the owner and the admin delete and add members; others are refused', () => {
    for (const kind of ['deleteInstance', 'addMember'] as const) {
      expect(mayManage({ kind }, { admin: true }, 'alice')).toEqual({ allowed: true });
      expect(mayManage({ kind }, asUser(alice), 'alice')).toEqual({ allowed: true });
      expect(mayManage({ kind }, asUser(bob), 'alice')).toMatchObject({ status: 403, code: 'manage_denied' });
    }
  });

  test('an instance without an owner is the admin’s alone, even for a user whose id is empty', () => {
    expect(mayManage({ kind: 'deleteInstance' }, asUser({ ...bob, id: '' }), '')).toMatchObject({
      status: 403,
    });
    expect(mayManage({ kind: 'deleteInstance' }, { admin: false }, '')).toMatchObject({ status: 403 });
    expect(mayManage({ kind: 'deleteInstance' }, { admin: true }, '')).toEqual({ allowed: true });
  });

  test('a member may leave; nobody else but the owner or admin may remove them; the owner never goes', () => {
    expect(mayManage({ kind: 'removeMember', member: 'bob' }, asUser(bob), 'alice')).toEqual({
      allowed: true,
    });
    expect(mayManage({ kind: 'removeMember', member: 'bob' }, asUser(alice), 'alice')).toEqual({
      allowed: true,
    });
    expect(
      mayManage({ kind: 'removeMember', member: 'bob' }, asUser({ ...bob, id: 'carol' }), 'alice'),
    ).toMatchObject({
      status: 403,
      code: 'manage_denied',
    });
    expect(mayManage({ kind: 'removeMember', member: 'alice' }, { admin: true }, 'alice')).toMatchObject({
      status: 409,
      code: 'owner_cannot_leave',
    });
    expect(mayManage({ kind: 'removeMember', member: 'alice' }, asUser(alice), 'alice')).toMatchObject({
      status: 409,
    });
  });
});
