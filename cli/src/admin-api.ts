// Calls to a runtime's admin HTTP API for deploy and pull, answering the status and the parsed JSON body.

/** Where the runtime is and the admin token to use. */
export interface RuntimeTarget {
  url: string;
  adminToken: string;
}

/** A runtime's answer: its status and JSON body. */
export interface AdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Calls the admin API; a runtime that cannot be reached is an error saying so. */
export const adminCall = async (
  target: RuntimeTarget,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<AdminAnswer> => {
  let response: Response;
  try {
    response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.adminToken}`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`The runtime at ${target.url} cannot be reached${cause ? ` (${cause})` : ''}.`, {
      cause: error,
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: text };
  }
  return { status: response.status, body: (body ?? {}) as Record<string, unknown> };
};

/** Words for the statuses every admin call may get. */
export const refusalWords = (answer: AdminAnswer): string =>
  answer.status === 401 || answer.status === 403
    ? 'the runtime refused the admin token'
    : typeof answer.body.error === 'string'
      ? answer.body.error
      : `the runtime answered ${answer.status}`;
