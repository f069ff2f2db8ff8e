// The React binding of the client library: `@datastore-designer/preview/react`.
export { useConnection, type ConnectionState } from './react/useConnection.ts';
