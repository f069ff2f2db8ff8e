// The claims of a user token and the body that asks the runtime to mint one, declared once for every side.

/** The claims of a user token the runtime reads: `sub` is the user id, `roles` and `tenant` feed the rules. */
export interface TokenClaims {
  sub: string;
  roles?: string[];
  tenant?: string;
  /** Seconds since the epoch after which the token is refused. */
  exp?: number;
  /** Seconds since the epoch before which the token is refused. */
  nbf?: number;
  /** The app (or apps) the token is for; absent means any app of the runtime. */
  aud?: string | string[];
}

/** The user a minted token names: the body of `POST /api/dev/token` and, with `ttlSeconds`, of an app's tokens. */
export interface TokenRequest {
  sub: string;
  roles?: string[];
  tenant?: string;
  /** Only for an app's tokens: seconds until the token expires. */
  ttlSeconds?: number;
}

/** Reads `{sub, roles?, tenant?}` from a request body; answers a plain-words problem when it does not fit. */
export const readTokenRequest = (body: unknown): Omit<TokenRequest, 'ttlSeconds'> | string => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return 'Send a JSON object like {"sub": "alice"}.';
  }
  const { sub, roles, tenant } = body as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') return '"sub" (the user id) must be a non-empty string.';
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
    return '"roles" must be a list of strings.';
  }
  if (tenant !== undefined && typeof tenant !== 'string') return '"tenant" must be a string.';
  return {
    sub,
    ...(roles !== undefined ? { roles: roles as string[] } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
  };
};
