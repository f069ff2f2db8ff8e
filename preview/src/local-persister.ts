// The local persister that keeps a client's store (offline edits included) across reloads.
import type { MergeableStore } from 'tinybase';
import type { AnyPersister } from 'tinybase/persisters';
import { createLocalPersister } from 'tinybase/persisters/persister-browser';
import { createIndexedDbPersister } from 'tinybase/persisters/persister-indexed-db';

/** Makes a persister for a store under a storage name that is unique per runtime, instance and user. */
export type PersisterFactory = (
  store: MergeableStore,
  storageName: string,
) => AnyPersister | Promise<AnyPersister>;

/** IndexedDB where there is one, else localStorage, else (Node) no persistence. */
export const defaultPersister = (): PersisterFactory | undefined => {
  if (typeof indexedDB !== 'undefined') {
    return (store, storageName) => createIndexedDbPersister(store, storageName);
  }
  if (typeof localStorage !== 'undefined') {
    return (store, storageName) => createLocalPersister(store, storageName);
  }
  return undefined;
};
