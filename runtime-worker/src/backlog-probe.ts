// Back-pressure: how far an instance has fallen behind a busy socket. Every so often the hub asks a socket that
// keeps writing for its content hashes (a question any TinyBase client answers at once); the answer queues behind
// that socket's earlier messages, so while it is still awaited, the time since it was asked bounds from below how
// long the socket's messages now wait. Past `MAX_BACKLOG_MS` the socket is closed (4008) and what it still has
// queued is dropped unread, so a deploy, a data call or another socket's write waits for no flood.

/** How long a busy socket's messages may wait behind each other before the socket is closed as over a limit. */
export const MAX_BACKLOG_MS = 800;

/** A socket is asked again after this many of its messages, at most once per `PROBE_EVERY_MS`. */
const PROBE_AFTER_MESSAGES = 20;
const PROBE_EVERY_MS = 1000;

interface SocketProbe {
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
      probe = { messages: 0, askedAt: now, awaiting: false };
      this.#sockets.set(socket, probe);
    }
    probe.messages++;
    if (probe.awaiting) {
      if (now - probe.askedAt <= this.#maxMs) return 'ok';
      this.#dropping.add(socket);
      return 'behind';
    }
    if (probe.messages < PROBE_AFTER_MESSAGES || now - probe.askedAt < PROBE_EVERY_MS) return 'ok';
    probe.messages = 0;
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
