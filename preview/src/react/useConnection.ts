// useConnection(): a connect() that lives as long as the component, for handing its store to TinyBase's Provider.
import { useEffect, useRef, useState } from 'react';
import type { NoTablesSchema, OptionalTablesSchema } from 'tinybase/with-schemas';
import { connect, type Connection, type ConnectOptions, type StatusDetail } from '../connect.ts';

/** What the component sees: the connection and its store once open, and the status in plain words. */
export interface ConnectionState<Schema extends OptionalTablesSchema = NoTablesSchema> {
  /** The connection, once `connect()` resolved; undefined before and after the component is gone. */
  connection: Connection<Schema> | undefined;
  /** The synced store, for `<Provider store={store}>` of `tinybase/ui-react` (or its `with-schemas` types). */
  store: Connection<Schema>['store'] | undefined;
  status: StatusDetail;
}

const STARTING: StatusDetail = { status: 'connecting', reason: 'Connecting to the runtime…' };

/**
 * Opens a connection when the component mounts and destroys it when it unmounts (safe under StrictMode's double
 * mount). A new `url`, `app`, `datastore` or `instance` opens a new connection; a new fixed token is handed to
 * `setToken`; the other options, token callbacks included, are read when the connection opens.
 */
export const useConnection = <Schema extends OptionalTablesSchema = NoTablesSchema>(
  options: ConnectOptions,
): ConnectionState<Schema> => {
  const [state, setState] = useState<ConnectionState<Schema>>({
    connection: undefined,
    store: undefined,
    status: STARTING,
  });
  const latest = useRef(options);
  latest.current = options;
  const { url, app, datastore, instance, token } = options;
  const fixedToken = typeof token === 'function' ? undefined : token;
  const connectionRef = useRef<Connection<Schema> | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    let created: Connection<Schema> | undefined;
    let stopListening = () => {};
    const current = latest.current;
    // The callback is read from the latest render, so an inline arrow does not reconnect on every render.
    const tokenOption =
      typeof current.token === 'function'
        ? () => {
            const source = latest.current.token;
            return typeof source === 'function' ? source() : source;
          }
        : current.token;
    void connect<Schema>({ ...current, token: tokenOption }).then(
      (connection) => {
        if (cancelled) {
          void connection.destroy();
          return;
        }
        created = connection;
        connectionRef.current = connection;
        stopListening = connection.addStatusListener((status) =>
          setState((previous) => ({ ...previous, status })),
        );
        setState({ connection, store: connection.store, status: connection.status });
        // A fixed token replaced while connect() was still starting.
        const now = latest.current.token;
        if (typeof now !== 'function' && now !== current.token) connection.setToken(now);
      },
      (error: unknown) => {
        if (!cancelled) {
          setState({
            connection: undefined,
            store: undefined,
            status: { status: 'refused', reason: `Could not connect: ${String(error)}` },
          });
        }
      },
    );
    return () => {
      cancelled = true;
      stopListening();
      connectionRef.current = undefined;
      if (created) void created.destroy();
      setState({ connection: undefined, store: undefined, status: STARTING });
    };
  }, [url, app, datastore, instance]);

  // A new fixed token for the same instance: the same connection signs in again.
  const firstToken = useRef(fixedToken);
  useEffect(() => {
    if (firstToken.current === fixedToken) return;
    firstToken.current = fixedToken;
    connectionRef.current?.setToken(fixedToken);
  }, [fixedToken]);

  return state;
};
