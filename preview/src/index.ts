// The client library apps use to connect to a deployed datastore, and the multi-user preview pane.
export * from './client.ts';
export * from './pane.ts';
