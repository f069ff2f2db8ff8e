// Why the runtime refused a connection: read from the sync URL's non-upgrade answer or from a close code.
import { closeMeaning } from '@datastore-designer/schema';

/** A refusal in plain words, with the runtime's short code and the HTTP status when there was one. */
export interface Refusal {
  reason: string;
  /** An error code of the runtime's answer, or the code of the close (`access_withdrawn`, `instance_deleted`). */
  code?: string;
  httpStatus?: number;
}

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

/**
 * Asks the sync URL without `Upgrade` why the upgrade failed: 401, 403 and 404 are refusals (no retry); any other
 * answer, or no answer at all, means the failure was passing and undefined is returned so the caller retries.
 */
export const readRefusal = async (fetchFn: typeof fetch, httpUrl: string): Promise<Refusal | undefined> => {
  let response: Response;
  try {
    response = await fetchFn(httpUrl, { headers: { accept: 'application/json' } });
  } catch {
    return undefined;
  }
  const fallback = FALLBACK_REASONS[response.status];
  if (!fallback) return undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const answer =
    typeof body === 'object' && body !== null ? (body as { error?: unknown; code?: unknown }) : {};
  return {
    reason: typeof answer.error === 'string' && answer.error ? answer.error : fallback,
    ...(typeof answer.code === 'string' ? { code: answer.code } : {}),
    httpStatus: response.status,
  };
};
