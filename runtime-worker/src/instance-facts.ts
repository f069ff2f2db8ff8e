// What an instance object knows about itself (its facts, stored once and pushed on every deploy and member change),
// and the small reference to them that a connect or a data call carries instead of the facts themselves.
import type { DatastoreConfig, InstanceKind, RuleUser } from '@datastore-designer/schema';

/** The multi instance's registry record, as rules see it. */
export interface InstanceRegistry {
  owner: string;
  members: string[];
}

/** Which instance an object is: fixed for its whole life, so it is stored with the facts (alarms have no name). */
export interface InstanceAddress {
  app: string;
  datastore: string;
  kind: InstanceKind;
  instanceId: string;
}

/** Everything an instance object needs to enforce the live config; pushed on every deploy and member change. */
export interface InstanceFacts extends InstanceAddress {
  version: number;
  config: DatastoreConfig;
  registry?: InstanceRegistry;
}

/**
 * What a connect or a data call carries: the address and a stamp of the facts the control object holds (config
 * version and membership). An instance whose own facts have another stamp asks the control object for them.
 */
export interface FactsRef extends InstanceAddress {
  stamp: string;
}

// FNV-1a: a short fingerprint of the membership, so a stamp stays small however many members there are.
const fingerprint = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
};

/** The stamp of a config version and membership: equal stamps mean equal facts. */
export const factsStamp = (version: number, registry: InstanceRegistry | undefined): string =>
  `${version}:${registry ? fingerprint(JSON.stringify([registry.owner, registry.members])) : '-'}`;

/** The reference to a set of facts. */
export const refOf = (facts: InstanceFacts): FactsRef => ({
  app: facts.app,
  datastore: facts.datastore,
  kind: facts.kind,
  instanceId: facts.instanceId,
  stamp: factsStamp(facts.version, facts.registry),
});

/** What a socket carries in its attachment, so a hibernated object wakes knowing who is on each socket. */
export interface SocketFacts {
  clientId: string;
  user: RuleUser;
  /** Token expiry in milliseconds since the epoch; 0 for a socket without a token. */
  expiresAt: number;
  connectedAt: number;
  /** Set on a socket beyond the per-user limit: it is closed with 4008 right after its upgrade. */
  overLimit?: boolean;
}

/** The request header carrying an authorized connection from the worker to the instance object. */
export const CONNECT_HEADER = 'x-datastore-connect';

/** What the worker forwards with a WebSocket upgrade it has authorized: who, until when, and which facts. */
export interface ConnectFacts {
  ref: FactsRef;
  user: RuleUser;
  expiresAt: number;
}
