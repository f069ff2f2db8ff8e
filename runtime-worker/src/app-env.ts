// What every route and middleware of the worker shares: the Hono environment and how to reach an app's objects.
import type { Context } from 'hono';
import type { ControlAnswer, Requester } from './control-object.ts';
import type { DataAnswer } from './instance-object.ts';
import type { VerifiedUser } from './auth.ts';

/** What middlewares leave for the handlers: who is calling, and the JSON body once read. */
export interface AppVariables {
  requester: Requester;
  verified?: VerifiedUser;
  body: unknown;
}

/** The Hono environment of the worker's app: its bindings and the variables above. */
export type AppEnv = { Bindings: Env; Variables: AppVariables };

/** A request context of the worker's app. */
export type AppContext = Context<AppEnv>;

/** The control object of an app. */
export const control = (env: Env, app: string) => env.CONTROL.get(env.CONTROL.idFromName(app));

/** Turns an object's answer (status and JSON body) into the response. */
export const answer = (c: AppContext, result: ControlAnswer | DataAnswer) =>
  c.json(result.body as object, result.status as 200);

/** A parameter of the path a sub-app is mounted at (`:app`, `:ds`, `:id`), which its own routes do not type. */
export const mountParam = (c: AppContext, name: 'app' | 'ds' | 'id'): string => c.req.param(name) ?? '';
