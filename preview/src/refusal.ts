// Why the runtime refused a connection: read from the sync URL's non-upgrade answer or from a close code.
import { closeMeaning } from '@datastore-designer/schema/wire';

/** A refusal in plain words, with the runtime's short code and the HTTP status when there was one. */
export interface Refusal {
  reason: string;
  code?: string;
  httpStatus?: number;
}

/** The part of `fetch` this library uses, so any fetch (the browser's, Node's, a test's) can be passed. */
export type FetchLike = (
  url: string,
  init?: { headers?: Record<string, string>; mode?: 'cors' | 'no-cors' },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/**
 * What a failed upgrade was: a refusal (401, 403, 404: not retried), an answer the browser hides because the
 * runtime does not allow this page's origin (CORS), or something passing (no answer, or another status).
 */
export type UpgradeFailure =
  { kind: 'refused'; refusal: Refusal } | { kind: 'hidden'; reason: string } | { kind: 'passing' };

/** The refusal a close code means, for the codes after which reconnecting cannot help (4003, 4004). */
export const closeRefusal = (closeCode: number): Refusal | undefined => {
  const meaning = closeMeaning(closeCode);
  return meaning && !meaning.retry ? { reason: meaning.reason, code: meaning.code } : undefined;
};

const FALLBACK_REASONS: Record<number, string> = {
  401: 'The sign-in token is missing, expired or not valid for this app.',
  403: 'The rules do not let this user open this data.',
  404: 'There is no such app, datastore or instance.',
};

/** The origin of the page this runs in, or undefined outside a browser. */
const pageOrigin = (): string | undefined =>
  (globalThis as { location?: { origin?: string } }).location?.origin;

/** What to check when the browser hides the runtime's answer from this page. */
export const hiddenAnswerReason = (runtimeUrl: string): string => {
  const origin = pageOrigin() ?? 'this page’s origin';
  return (
    `The runtime at ${new URL(runtimeUrl).origin} answered, but it does not allow ${origin} to read its ` +
    `answers (CORS), so why it refused the connection cannot be told here. Add ${origin} to the runtime's ` +
    `ALLOWED_ORIGINS setting (for npm start: ALLOWED_ORIGINS=${origin} npm start).`
  );
};

/**
 * Asks the sync URL without `Upgrade` why the upgrade failed. In a browser, a request that fails outright is
 * sent again in `no-cors` mode: when that one gets an (unreadable) answer, the runtime is up and CORS hides its
 * answer; when it fails too, the network is down.
 */
export const readUpgradeFailure = async (fetchFn: FetchLike, httpUrl: string): Promise<UpgradeFailure> => {
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchFn(httpUrl, { headers: { accept: 'application/json' } });
  } catch {
    if (pageOrigin() === undefined) return { kind: 'passing' };
    try {
      await fetchFn(httpUrl, { mode: 'no-cors' });
    } catch {
      return { kind: 'passing' };
    }
    return { kind: 'hidden', reason: hiddenAnswerReason(httpUrl) };
  }
  const fallback = FALLBACK_REASONS[response.status];
  if (!fallback) return { kind: 'passing' };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const answer =
    typeof body === 'object' && body !== null ? (body as { error?: unknown; code?: unknown }) : {};
  return {
    kind: 'refused',
    refusal: {
      reason: typeof answer.error === 'string' && answer.error ? answer.error : fallback,
      ...(typeof answer.code === 'string' ? { code: answer.code } : {}),
      httpStatus: response.status,
    },
  };
};
