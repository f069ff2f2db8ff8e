// The worker entry: the HTTP API and sync routes, and the Durable Object classes wrangler binds.
import { Hono } from 'hono';
import { DurableObject } from 'cloudflare:workers';

export class ControlObject extends DurableObject<Env> {}
export class InstanceObject extends DurableObject<Env> {}

const app = new Hono<{ Bindings: Env }>();
app.get('/api/health', (c) => c.json({ ok: true }));

export default app;
