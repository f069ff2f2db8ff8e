// A WebSocket stand-in that takes rejection notices out of the stream before TinyBase's synchronizer sees them.
import { parseRejectionNotice, type Rejection } from './rejection-notice.ts';

/**
 * A socket event listener. Each socket class types its events its own way (the browser's, `ws`'s), so the
 * listener is compared both ways (a method's parameters are), which lets every such class fit.
 */
type SocketListener = { listener(event: unknown): void }['listener'];

/** The part of a WebSocket (browser or `ws` in Node) this library and TinyBase's ws synchronizer use. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount?: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: SocketListener): void;
  removeEventListener(type: string, listener: SocketListener): void;
}

/** A WebSocket constructor, as `globalThis.WebSocket` or the `ws` package's default export. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

type Listener = (event: unknown) => void;

const decoder = new TextDecoder();

const frameText = (data: unknown): string =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
      ? decoder.decode(data as ArrayBuffer)
      : String(data);

/**
 * Wraps a socket so notices go to `onRejection` and every other frame reaches TinyBase unchanged: the 10.0.1
 * client closes the socket (1007) on a frame it finds invalid, so notices must never reach it.
 */
export class NoticeFilteringSocket {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readonly #socket: WebSocketLike;
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(socket: WebSocketLike, onRejection: (rejection: Rejection) => void, onFrame?: () => void) {
    this.#socket = socket;
    socket.addEventListener('message', ((event: { data: unknown }) => {
      const frame = frameText(event.data);
      onFrame?.();
      const rejection = parseRejectionNotice(frame);
      if (rejection) onRejection(rejection);
      else this.#dispatch('message', { data: frame });
    }) as (event: never) => void);
    for (const type of ['open', 'close', 'error']) {
      socket.addEventListener(type, ((event: unknown) => this.#dispatch(type, event)) as (
        event: never,
      ) => void);
    }
  }

  get readyState(): number {
    return this.#socket.readyState;
  }

  get bufferedAmount(): number {
    return this.#socket.bufferedAmount ?? 0;
  }

  send(data: string): void {
    this.#socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  #dispatch(type: string, event: unknown): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
  }
}
