// Reads the user id out of a JWT without verifying it: the client only needs to notice a change of user.

/** The `sub` claim of a JWT, '' when there is no token or it cannot be read. */
export const tokenSubject = (token: string | undefined): string => {
  const payload = token?.split('.')[1];
  if (!payload) return '';
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    const sub = typeof claims === 'object' && claims !== null ? (claims as { sub?: unknown }).sub : undefined;
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
};
