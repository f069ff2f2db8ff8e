// Who may open, create, join and manage an instance: pure decisions the runtime (and anything else) calls.
import type { InstanceKind } from './config-types.ts';
import type { CompiledDatastore } from './compile-config.ts';
import type { ErrorCode } from './error-codes.ts';
import { type RuleInstance, type RuleUser, userFromClaims } from './rule-context.ts';

/** Who is asking: the admin, or a verified user, or nobody (a socket or call without a token). */
export interface Caller {
  admin: boolean;
  user?: RuleUser;
}

/** A refusal: the HTTP status, the error code and the reason in plain words. */
export interface AccessRefusal {
  allowed: false;
  status: 400 | 401 | 403 | 404 | 409;
  code: ErrorCode;
  reason: string;
}

/** A decision: allowed, or refused with why. */
export type AccessDecision = { allowed: true } | AccessRefusal;

const ALLOWED: AccessDecision = { allowed: true };

const refused = (status: AccessRefusal['status'], code: ErrorCode, reason: string): AccessRefusal => ({
  allowed: false,
  status,
  code,
  reason,
});

/** The user rules see for a caller without a token. */
const ruleUserOf = (user: RuleUser | undefined): RuleUser => user ?? userFromClaims({});

/** Which instance a sync address or data route names, or why it names none. */
export type InstanceAddress = { key: string } | AccessRefusal;

/**
 * Finds the instance key an address names: `main` for single, the token's user for perUser (`me`), its tenant
 * for perTenant (`tenant`), the id itself for multi. Data routes (`data`) name perUser and perTenant instances by
 * their key directly, since the admin has no user or tenant of their own.
 */
export const addressInstance = (
  kind: InstanceKind,
  param: string,
  user: RuleUser | undefined,
  purpose: 'connect' | 'data',
): InstanceAddress => {
  let key = param;
  if (kind === 'single') {
    if (param !== 'main')
      return refused(404, 'unknown_instance', 'This datastore has one instance, named "main".');
  } else if (purpose === 'connect' && kind === 'perUser') {
    if (param !== 'me')
      return refused(404, 'unknown_instance', 'Each user has one instance here: connect to "me".');
    if (!user) return refused(401, 'token_required', 'Sign in: each user has their own instance here.');
    key = user.id;
  } else if (purpose === 'connect' && kind === 'perTenant') {
    if (param !== 'tenant') {
      return refused(
        404,
        'unknown_instance',
        'Each organisation has one instance here: connect to "tenant".',
      );
    }
    if (!user) return refused(401, 'token_required', 'Sign in: each organisation has its own instance here.');
    if (user.tenant === '') return refused(403, 'no_tenant', 'Your token names no tenant (organisation).');
    key = user.tenant;
  }
  if (key === '') return refused(404, 'unknown_instance', 'There is no such instance.');
  return { key };
};

/**
 * May this user open (and so read) the instance: the `connect` rule, and for multi, membership. A caller without
 * a token who is denied is asked to sign in (401); a known user is refused (403).
 */
export const mayConnect = (
  datastore: CompiledDatastore,
  user: RuleUser | undefined,
  instance: RuleInstance,
  now: number,
): AccessDecision => {
  const ruleUser = ruleUserOf(user);
  const verdict = datastore.connect({ user: ruleUser, instance, now });
  const member = datastore.config.instances !== 'multi' || instance.members.includes(ruleUser.id);
  if (verdict.allowed && member) return ALLOWED;
  if (!user) return refused(401, 'token_required', 'Sign in to open this instance.');
  if (!verdict.allowed)
    return refused(403, 'connect_denied', `The connect rule denies you: ${verdict.reason}`);
  return refused(403, 'not_a_member', 'You are not a member of this instance.');
};

/** May this caller create a multi instance: the admin always (naming an owner), a user when `createInstance` allows. */
export const mayCreateInstance = (
  datastore: CompiledDatastore,
  caller: Caller,
  now: number,
): AccessDecision => {
  if (caller.admin) return ALLOWED;
  if (!caller.user) return refused(401, 'token_required', 'Sign in to create an instance.');
  const verdict = datastore.createInstance({ user: caller.user, now });
  if (verdict.allowed) return ALLOWED;
  return refused(403, 'create_denied', `The createInstance rule denies you: ${verdict.reason}`);
};

/** May this user add themselves to a multi instance ("anyone with the link"): the `join` rule. */
export const mayJoin = (
  datastore: CompiledDatastore,
  user: RuleUser | undefined,
  instance: RuleInstance,
  now: number,
): AccessDecision => {
  if (!user)
    return refused(400, 'bad_request', 'Joining needs a user token: the admin adds members instead.');
  const verdict = datastore.join({ user, instance, now });
  if (verdict.allowed) return ALLOWED;
  return refused(403, 'join_denied', `The join rule denies you: ${verdict.reason}`);
};

/** What can be done to an instance through the API besides opening it. */
export type ManageAction =
  { kind: 'deleteInstance' } | { kind: 'addMember' } | { kind: 'removeMember'; member: string };

/**
 * May this caller manage the instance: the admin always; its owner deletes it and adds or removes members; a
 * member may remove themselves (leave). Instances without an owner (single, perTenant) are the admin's alone, and
 * the owner can never be removed.
 */
export const mayManage = (action: ManageAction, caller: Caller, owner: string): AccessDecision => {
  const callerId = caller.user?.id;
  const isOwner = owner !== '' && callerId === owner;
  if (action.kind === 'removeMember') {
    if (!caller.admin && !isOwner && callerId !== action.member) {
      return refused(
        403,
        'manage_denied',
        'Only the owner, an admin, or the member themselves may remove a member.',
      );
    }
    if (action.member === owner) return refused(409, 'owner_cannot_leave', 'The owner cannot be removed.');
    return ALLOWED;
  }
  if (caller.admin || isOwner) return ALLOWED;
  return refused(
    403,
    'manage_denied',
    action.kind === 'deleteInstance'
      ? 'Only the owner or an admin may delete this instance.'
      : 'Only the owner or an admin may add members.',
  );
};
