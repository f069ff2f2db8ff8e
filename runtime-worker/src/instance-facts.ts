// What the control object tells an instance object about itself: its app, datastore, kind, config and members.
import type { DatastoreConfig, InstanceKind, RuleUser } from '@datastore-designer/schema';

/** The multi instance's registry record, as rules see it. */
export interface InstanceRegistry {
  owner: string;
  members: string[];
}

/** Everything an instance object needs to enforce the live config; pushed on every deploy and member change. */
export interface InstanceFacts {
  app: string;
  datastore: string;
  kind: InstanceKind;
  instanceId: string;
  version: number;
  config: DatastoreConfig;
  registry?: InstanceRegistry;
}

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

/** The request header carrying the connection's facts from the worker to the instance object. */
export const CONNECT_HEADER = 'x-datastore-connect';

/** The facts the worker forwards with a WebSocket upgrade it has authorized. */
export interface ConnectFacts {
  facts: InstanceFacts;
  user: RuleUser;
  expiresAt: number;
}
