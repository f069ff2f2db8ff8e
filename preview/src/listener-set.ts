// A set of listeners for one kind of event, so a connection's events are declared, not hand-rolled each time.

/** Listeners of one event, called in the order they were added; `add` returns the function that removes one. */
export class ListenerSet<Args extends unknown[]> {
  readonly #listeners = new Set<(...args: Args) => void>();

  /** Adds a listener and returns the function that removes it. */
  add(listener: (...args: Args) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls every listener with the event; one added or removed meanwhile does not change this round. */
  emit(...args: Args): void {
    for (const listener of [...this.#listeners]) listener(...args);
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
