// Back-pressure: how far an instance has fallen behind a flooding socket. Once a second the hub asks a socket that
// sends at a quarter of the rate limit or more for its content hashes (a question any TinyBase client answers at once); the answer queues behind
// that socket's earlier messages, so while it is still awaited, the time since it was asked bounds from below how
// long the socket's messages now wait. Past `MAX_BACKLOG_MS` the socket is closed (4008) and what it still has
// queued is dropped unread, so a deploy, a data call or another socket's write waits for no flood.

/** How long a busy socket's messages may wait behind each other before the socket is closed as over a limit. */
export const MAX_BACKLOG_MS = 800;

/**
 * A socket is asked when it sends this many messages within one second (a quarter of the default rate limit),
 * at most once a second: clients writing at an ordinary pace are never asked, and never closed by this.
 */
const PROBE_AT_MESSAGES_PER_SECOND = 50;
const WINDOW_MS = 1000;

interface SocketProbe {
  windowStart: number;
  messages: number;
  askedAt: number;
  awaiting: boolean;
}

/** The backlog of each socket, by probes; the hub sends them and reports their answers. */
export class BacklogProbe {
  readonly #sockets = new WeakMap<WebSocket, SocketProbe>();
  readonly #dropping = new WeakSet<WebSocket>();
  readonly #maxMs: number;

  constructor(maxMs = MAX_BACKLOG_MS) {
    this.#maxMs = maxMs;
  }

  /** Whether a socket's messages are dropped unread: it was closed for falling too far behind. */
  dropping(socket: WebSocket): boolean {
    return this.#dropping.has(socket);
  }

  /**
   * Counts one incoming message: 'behind' when the socket's backlog is over the bound (it is then dropped from
   * here on), 'probe' when it is time to ask it (the caller sends the question and reports the answer), else 'ok'.
   */
  noteMessage(socket: WebSocket, now: number): 'ok' | 'probe' | 'behind' {
    let probe = this.#sockets.get(socket);
    if (!probe) {
      probe = { windowStart: now, messages: 0, askedAt: 0, awaiting: false };
      this.#sockets.set(socket, probe);
    }
    if (now - probe.windowStart >= WINDOW_MS) {
      probe.windowStart = now;
      probe.messages = 0;
    }
    probe.messages++;
    if (probe.awaiting) {
      if (now - probe.askedAt <= this.#maxMs) return 'ok';
      this.#dropping.add(socket);
      return 'behind';
    }
    if (probe.messages < PROBE_AT_MESSAGES_PER_SECOND || now - probe.askedAt < WINDOW_MS) return 'ok';
    probe.askedAt = now;
    probe.awaiting = true;
    return 'probe';
  }

  /** The socket answered (or could not): its queue is drained up to the question. */
  answered(socket: WebSocket): void {
    const probe = this.#sockets.get(socket);
    if (probe) probe.awaiting = false;
  }
}
