// Raw sockets to the runtime inside workerd for the worker's own tests: deploy, sign in, open, send frames.
import { SELF } from 'cloudflare:test';
import { getHlcFunctions } from 'tinybase';

/** The admin headers of the test runtime. */
export const admin = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

/** Deploys a config for an app. */
export const deploy = async (app: string, config: unknown): Promise<void> => {
  const response = await SELF.fetch(`http://runtime.test/api/apps/${app}/config`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(config),
  });
  if (response.status !== 200)
    throw new Error(`deploy answered ${response.status}: ${await response.text()}`);
};

/** A socket with every frame it received, and its close code once closed. */
export interface RawSocket {
  socket: WebSocket;
  frames: string[];
  closed: Promise<number>;
}

/** Opens a sync socket as a dev-token user. */
export const openSocket = async (path: string, sub: string): Promise<RawSocket> => {
  const { token } = await (
    await SELF.fetch('http://runtime.test/api/dev/token', { method: 'POST', body: JSON.stringify({ sub }) })
  ).json<{ token: string }>();
  const response = await SELF.fetch(`http://runtime.test/sync/${path}?token=${token}`, {
    headers: { upgrade: 'websocket' },
  });
  const socket = response.webSocket;
  if (response.status !== 101 || !socket) throw new Error(`upgrade answered ${response.status}`);
  socket.accept();
  const frames: string[] = [];
  socket.addEventListener('message', (event) => frames.push(String(event.data)));
  const closed = new Promise<number>((resolve) =>
    socket.addEventListener('close', (event) => resolve(event.code)),
  );
  return { socket, frames, closed };
};

/** A ContentDiff frame setting one row's cells, stamped by a client clock (optionally running ahead). */
export const rowFrame = (
  table: string,
  row: string,
  cells: Record<string, unknown>,
  clock = getHlcFunctions('client')[0],
): string => {
  const stamp = clock();
  const stamped = Object.fromEntries(Object.entries(cells).map(([id, value]) => [id, [value, stamp]]));
  return `S\n${JSON.stringify([`t-${stamp}`, 3, [[{ [table]: [{ [row]: [stamped, stamp] }, stamp] }, stamp], [{}, ''], 1]])}`;
};

/** Waits until a check holds (polling every few milliseconds), failing after `timeoutMs`. */
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 5000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** The rejection notices among a socket's frames. */
export const noticesIn = (frames: string[]): Record<string, unknown>[] =>
  frames
    .filter((frame) => frame.includes('"rejected"'))
    .map(
      (frame) =>
        JSON.parse(frame.slice(frame.indexOf('\n') + 1)) as [string, number, [{ rejected: [unknown] }]],
    )
    .map((message) => message[2][0].rejected[0] as Record<string, unknown>);
