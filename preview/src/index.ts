// The client library apps use to connect to a deployed datastore, and the multi-user preview pane.
export {
  connect,
  type Connection,
  type ConnectOptions,
  type ConnectionStatus,
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
export { PreviewPane, type PreviewPaneProps } from './pane/PreviewPane.tsx';
export { previewAppId, type PreviewRuntime } from './pane/preview-api.ts';
export { ruleInWords } from './pane/UserPanel.tsx';
