// A test page that exposes the client library (the `/client` entry) to browser tests, with the browser's own
// WebSocket and IndexedDB.
import * as previewClient from '../src/client.ts';

(window as unknown as { previewClient: typeof previewClient }).previewClient = previewClient;
