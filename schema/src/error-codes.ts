// The one registry of the short codes the runtime puts in its HTTP error bodies and sync refusals.

/** Every code an error body (`{"error", "code"}`) can carry, with a sentence saying when it is sent. */
export const ERROR_CODES = {
  bad_request: 'The body or a parameter is not what the call expects; `error` says what to send.',
  invalid_json: 'The body is not valid JSON.',
  invalid_config: 'The config has problems; `errors` lists each with its place.',
  invalid_app_id: 'The app id does not follow the naming pattern, so no app can be deployed under it.',
  invalid_row: 'The row does not fit its table; `errors` lists each problem.',
  invalid_snapshot: 'The snapshot does not fit the datastore; `errors` lists each problem.',
  too_large: 'The body is larger than the limit for this call.',
  too_deep: 'The body nests objects or lists deeper than the runtime accepts; `path` names the place.',
  admin_required: 'The call needs the admin token.',
  token_required: 'The call or instance needs a user token and none was sent.',
  invalid_token:
    'The token is malformed, expired, not yet valid, for another app or not signed with this key.',
  no_tenant: 'The instance is the organisation’s, and the token names no tenant.',
  connect_denied: 'The datastore’s connect rule denies this user.',
  not_a_member: 'The user is not a member of this multi instance.',
  create_denied: 'The datastore’s createInstance rule denies this user.',
  join_denied: 'The datastore’s join rule denies this user.',
  manage_denied: 'Only the instance’s owner or an admin (or a member leaving) may do this.',
  unknown_app: 'There is no app of that id.',
  unknown_datastore: 'The app has no datastore of that id.',
  unknown_instance: 'The datastore has no instance of that id.',
  unknown_version: 'The app has no deployed version of that number.',
  unknown_table: 'The datastore has no table of that id.',
  unknown_row: 'The table has no row of that id.',
  unknown_member: 'The user is not a member of the instance.',
  unknown_route: 'No call of the API answers at that address.',
  not_multi: 'The call is for multi-instance datastores only.',
  version_conflict: 'The live version is not the one named in If-Match: someone else deployed meanwhile.',
  destructive_change: 'The deploy removes or retypes stored data; `diff` lists it; repeat with ?force=true.',
  instance_limit: 'The user already owns the most instances the datastore allows.',
  instance_full:
    'The instance is at its size ceiling (rows or storage): it takes no new rows until some are deleted.',
  owner_cannot_leave: 'The owner of an instance cannot be removed from it.',
  unknown_backup: 'The instance has no backup of that id.',
  backups_unavailable: 'The runtime has no backup bucket (a `BACKUPS` R2 binding), so it keeps no backups.',
  upgrade_required: 'A sync address answers WebSocket upgrades; without one it only says whether it would.',
  internal_error: 'The runtime failed to handle the request.',
  id_too_long: 'A table, row or cell id is longer than the runtime accepts (tables and cells 64, rows 512).',
  id_malformed:
    'A table, row or cell id holds half of a surrogate pair (a broken character), which storage cannot keep.',
} as const;

/** The short, stable code of an error, for programs (the `error` sentence is for people). */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error answer: a sentence for people and a code for programs. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
}

/** Builds an error body, so a code is never spelled out of the registry. */
export const errorBody = <Extra extends object = object>(
  code: ErrorCode,
  error: string,
  extra?: Extra,
): ErrorBody & Extra => ({ error, code, ...(extra as Extra) });
