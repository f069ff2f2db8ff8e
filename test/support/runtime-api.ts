// A small fetch wrapper for the runtime's HTTP API in end-to-end tests.
import type { Runtime } from './runtime.ts';

/** A response's status and parsed JSON body. */
export interface ApiAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
}

/** Calls the runtime's API as the admin, or with the given user token. */
export const api = async <Body = Record<string, unknown>>(
  runtime: Pick<Runtime, 'url' | 'adminToken'>,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<Body>> => {
  const token = options.token === undefined ? runtime.adminToken : options.token;
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON; keep the text.
  }
  return { status: response.status, body: body as Body };
};
