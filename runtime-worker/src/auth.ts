// Who is calling: the admin bearer token, user JWTs (HS256 with AUTH_SECRET, or RS256 from a JWKS), dev tokens.
import { userFromClaims, type RuleUser, type TokenRequest } from '@datastore-designer/schema';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** A verified user: the rule user and when the token expires (0 when it never does). */
export interface VerifiedUser {
  user: RuleUser;
  expiresAt: number;
}

/** The outcome of checking a token: a user, or why not in plain words. */
export type TokenCheck = { ok: true; verified: VerifiedUser } | { ok: false; error: string };

const encoder = new TextEncoder();
const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** Compares two secrets in time that does not depend on where they differ. */
export const sameSecret = (given: string, expected: string): boolean => {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.max(a.length, b.length); index++)
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0 && expected.length > 0;
};

/** The bearer token of an Authorization header, if any. */
export const bearerToken = (header: string | null | undefined): string | undefined => {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
};

/** True when the request carries the admin token. */
export const isAdminToken = (token: string | undefined, env: Env): boolean =>
  token !== undefined && env.ADMIN_TOKEN !== undefined && sameSecret(token, env.ADMIN_TOKEN);

const audienceFits = (aud: JWTPayload['aud'], app: string | undefined): boolean => {
  if (aud === undefined) return true;
  if (app === undefined) return false;
  return typeof aud === 'string' ? aud === app : aud.includes(app);
};

/**
 * Verifies a user token for an app: HS256 with AUTH_SECRET (or RS256 from AUTH_JWKS_URL when set), `exp`
 * and `nbf` honoured, a non-empty `sub` required, and `aud`, when present, naming the app.
 */
export const verifyUserToken = async (
  token: string,
  env: Env,
  app: string | undefined,
): Promise<TokenCheck> => {
  let payload: JWTPayload;
  try {
    const { alg } = decodeProtectedHeader(token);
    if (alg === 'HS256') {
      if (!env.AUTH_SECRET)
        return { ok: false, error: 'This runtime has no AUTH_SECRET, so it accepts no tokens.' };
      ({ payload } = await jwtVerify(token, encoder.encode(env.AUTH_SECRET), { algorithms: ['HS256'] }));
    } else if (alg === 'RS256' && env.AUTH_JWKS_URL) {
      let jwks = jwksCache.get(env.AUTH_JWKS_URL);
      if (!jwks) {
        jwks = createRemoteJWKSet(new URL(env.AUTH_JWKS_URL));
        jwksCache.set(env.AUTH_JWKS_URL, jwks);
      }
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        ...(env.AUTH_ISSUER ? { issuer: env.AUTH_ISSUER } : {}),
        ...(env.AUTH_AUDIENCE ? { audience: env.AUTH_AUDIENCE } : {}),
      }));
      if (env.AUTH_AUDIENCE) payload = { ...payload, aud: undefined };
    } else {
      return { ok: false, error: `Tokens signed with "${String(alg)}" are not accepted.` };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') return { ok: false, error: 'The token has expired.' };
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
      return { ok: false, error: 'The token is not valid yet.' };
    return {
      ok: false,
      error: 'The token is not valid: it is malformed or not signed with this runtime’s key.',
    };
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    return { ok: false, error: 'The token has no user id (sub).' };
  }
  if (!audienceFits(payload.aud, app)) return { ok: false, error: 'The token was issued for another app.' };
  return {
    ok: true,
    verified: {
      user: userFromClaims(payload as Record<string, unknown>),
      expiresAt: (payload.exp ?? 0) * 1000,
    },
  };
};

/** Signs an HS256 user token with AUTH_SECRET; with `app`, it is valid for that app only (`aud`). */
export const signUserToken = async (
  env: Env,
  claims: Omit<TokenRequest, 'ttlSeconds'>,
  options: { app?: string; ttlSeconds: number },
): Promise<string> => {
  const payload: Record<string, unknown> = { sub: claims.sub };
  if (claims.roles !== undefined) payload.roles = claims.roles;
  if (claims.tenant !== undefined) payload.tenant = claims.tenant;
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds);
  if (options.app !== undefined) jwt = jwt.setAudience(options.app);
  return jwt.sign(encoder.encode(env.AUTH_SECRET ?? ''));
};
