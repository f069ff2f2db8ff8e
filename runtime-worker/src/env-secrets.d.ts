// Settings that are secrets (`wrangler secret put`) or optional, so `wrangler types` cannot see them in wrangler.jsonc.

declare namespace Cloudflare {
  interface Env {
    /** The admin bearer token of §3. */
    ADMIN_TOKEN?: string;
    /** The HS256 key user tokens are signed with. */
    AUTH_SECRET?: string;
    /** Optional JWKS URL of an identity provider issuing RS256 user tokens. */
    AUTH_JWKS_URL?: string;
    /** The issuer those RS256 tokens must carry. */
    AUTH_ISSUER?: string;
    /** The audience those RS256 tokens must carry. */
    AUTH_AUDIENCE?: string;
  }
}
