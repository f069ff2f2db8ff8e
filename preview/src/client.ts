// The client library an app uses to connect to a deployed datastore: `@datastore-designer/preview/client`.
// It pulls in no React and none of the config model's code (only its types).
export {
  connect,
  type Connection,
  type ConnectOptions,
  type ConnectionStatus,
  type FetchLike,
  type StatusDetail,
  type TokenSource,
} from './connect.ts';
export { defaultPersister, type PersisterFactory } from './local-persister.ts';
export type { Rejection, RejectedOperation } from './rejection-notice.ts';
export { parseRejectionNotice } from './rejection-notice.ts';
export { READ_ONLY_REASON } from './read-only-guard.ts';
export type { TraceEvent, TracedRow } from './wire-trace.ts';
export type { TablesSchemaOf } from './typed-store.ts';
export type { WebSocketConstructor, WebSocketLike } from './notice-filtering-socket.ts';
