// Whose data the store holds: the same user keeps it, the first user learned keeps what was written meanwhile,
// and only a token for another user drops the previous user's data (store and saved copy).
import type { MergeableStore } from 'tinybase';
import type { AnyPersister } from 'tinybase/persisters';
import type { PersisterFactory } from './local-persister.ts';

/** What adopting a user did: nothing (same user), started their data (first one learned), or switched users. */
export type Adoption = 'same' | 'first' | 'switched';

/** What a session needs: the store, how to persist it per user, and a way to write past a read-only guard. */
export interface UserSessionOptions {
  store: MergeableStore;
  persister: PersisterFactory | undefined;
  /** The storage name of one user's saved copy (unique per runtime, instance and user). */
  storageName: (userId: string) => string;
  /** Runs the library's own writes (loading, clearing) past the read-only guard. */
  allow: <T>(action: () => T) => T;
}

const EMPTY_MERGEABLE_CONTENT = [
  [{}, '', 0],
  [{}, '', 0],
] as unknown as Parameters<MergeableStore['setMergeableContent']>[0];

/** Binds a store to one user at a time, with that user's saved copy loaded and autosaved. */
export class UserSession {
  readonly #options: UserSessionOptions;
  #userId: string | undefined;
  #persister: AnyPersister | undefined;
  /** Adoptions run one after another, so a quick second token never races the first one's loading. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: UserSessionOptions) {
    this.#options = options;
  }

  /** The user whose data the store holds; undefined until a token said who it is. */
  get userId(): string | undefined {
    return this.#userId;
  }

  /**
   * Makes the store hold `userId`'s data. The first user learned gets their saved copy with whatever the app
   * wrote before (nothing is dropped); another user than the current one gets a clean store and their own copy.
   */
  adopt(userId: string): Promise<Adoption> {
    const adoption = this.#queue.then(() => this.#adopt(userId));
    this.#queue = adoption.catch(() => undefined);
    return adoption;
  }

  /** Saves and stops the persister for good. */
  async close(): Promise<void> {
    await this.#queue;
    const persister = this.#persister;
    this.#persister = undefined;
    if (persister) {
      await persister.save();
      await persister.destroy();
    }
  }

  async #adopt(userId: string): Promise<Adoption> {
    if (userId === this.#userId) return 'same';
    const { store, allow } = this.#options;
    const first = this.#userId === undefined;
    this.#userId = userId;
    const previous = this.#persister;
    this.#persister = undefined;
    if (previous) {
      await previous.save();
      await previous.destroy();
    }
    // Writes made before anyone was known belong to this device's user: keep them over the saved copy.
    const unsaved = first ? store.getMergeableContent() : undefined;
    // Clearing by replacing the content leaves no tombstones to sync: the new user's store starts clean.
    if (!first) allow(() => store.setMergeableContent(EMPTY_MERGEABLE_CONTENT));
    await this.#startPersister(userId, unsaved);
    return first ? 'first' : 'switched';
  }

  async #startPersister(
    userId: string,
    unsaved: ReturnType<MergeableStore['getMergeableContent']> | undefined,
  ): Promise<void> {
    const { store, persister: factory, storageName, allow } = this.#options;
    if (!factory) return;
    const persister = await factory(store, storageName(userId));
    this.#persister = persister;
    await allow(() => persister.load());
    if (unsaved) allow(() => store.applyMergeableChanges(unsaved));
    await persister.startAutoSave();
  }
}
