// The worker entry: the HTTP API and sync routes, and the Durable Object classes wrangler binds.
import { createHttpApp } from './http-app.ts';

export { AppDirectory } from './app-directory.ts';
export { ControlObject } from './control-object.ts';
export { InstanceObject } from './instance-object.ts';

const app = createHttpApp();

/** The worker's fetch handler (a default export, because the Workers runtime requires one). */
export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
