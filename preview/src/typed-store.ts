// TypeScript-only typing of a synced store from a config literal; no run-time TablesSchema, which would drop
// cells the runtime may hold.
import type { AppConfig } from '@datastore-designer/schema';

type CellTypeOf<Field> = Field extends { type: 'string' }
  ? { type: 'string' }
  : Field extends { type: 'number' }
    ? { type: 'number' }
    : Field extends { type: 'boolean' }
      ? { type: 'boolean' }
      : never;

/**
 * A field's TinyBase cell schema: its type, its `default` (the server fills it on create, so the cell is never
 * `undefined` in a synced row) and `required` (a row must have it, so `setRow` asks for it).
 */
type CellSchemaOf<Field> = CellTypeOf<Field> &
  (Field extends { default: infer Default extends string | number | boolean } ? { default: Default } : {}) &
  (Field extends { required: true } ? { required: true } : {});

type TablesOf<
  Config extends AppConfig,
  Datastore extends keyof Config['datastores'],
> = Config['datastores'][Datastore]['tables'];

/**
 * The TinyBase `TablesSchema` type of one datastore of a config written `as const`, for
 * `connect<TablesSchemaOf<typeof config, 'board'>>(…)`; serverOnly tables are left out because they never sync.
 */
export type TablesSchemaOf<Config extends AppConfig, Datastore extends keyof Config['datastores']> = {
  -readonly [
    Table in keyof TablesOf<Config, Datastore> as TablesOf<Config, Datastore>[Table] extends {
      serverOnly: true;
    }
      ? never
      : Table
  ]: {
    -readonly [Field in keyof TablesOf<Config, Datastore>[Table]['fields']]: CellSchemaOf<
      TablesOf<Config, Datastore>[Table]['fields'][Field]
    >;
  };
};
