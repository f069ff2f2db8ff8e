// Reads claims out of a JWT without verifying it: the client only needs to notice a change of user or an expiry.

/** The JSON payload of a JWT, or undefined when the token is not one that can be read. */
const readClaims = (token: string): Record<string, unknown> | undefined => {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The user a token is for: '' without a token (nobody signed in), the `sub` claim of a JWT, or undefined when
 * the token's `sub` cannot be read (then it names no other user, so it never switches users).
 */
export const tokenSubject = (token: string): string | undefined => {
  if (token === '') return '';
  const sub = readClaims(token)?.sub;
  return typeof sub === 'string' && sub !== '' ? sub : undefined;
};

/** The token's expiry (`exp`) in milliseconds since the epoch, or undefined when it has none or cannot be read. */
export const tokenExpiry = (token: string): number | undefined => {
  const exp = readClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
};
