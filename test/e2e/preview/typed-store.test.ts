// The store connect() returns is typed from a config literal in TypeScript (checked by the test workspace's typecheck).
import { connect, type TablesSchemaOf } from '@datastore-designer/preview';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRuntime, type Runtime } from '../../support/runtime.ts';
import { deploy, eventually, mintToken } from './preview-fixture.ts';

const config = {
  format: 1,
  datastores: {
    shop: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        products: {
          fields: {
            name: { type: 'string', required: true },
            price: { type: 'number' },
            sold: { type: 'boolean' },
            featured: { type: 'boolean', default: false },
          },
          rules: { create: 'true', update: 'true' },
        },
        audit: { serverOnly: true, fields: { note: { type: 'string' } } },
      },
    },
  },
} as const;

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

test('a typed store accepts the config’s cells and syncs them', async () => {
  await deploy(runtime, 'typed-shop', config);
  const connection = await connect<TablesSchemaOf<typeof config, 'shop'>>({
    url: runtime.url,
    app: 'typed-shop',
    datastore: 'shop',
    instance: 'main',
    token: await mintToken(runtime, 'typed-shop', 'kim'),
    WebSocket: WebSocket as never,
    persister: false,
  });
  try {
    await connection.whenStatus('online');
    connection.store.setRow('products', 'p1', { name: 'Tea', price: 3, sold: false });
    const price: number | undefined = connection.store.getCell('products', 'p1', 'price');
    expect(price).toBe(3);
    // A defaulted field is filled by the server on create, so its type has no `undefined`.
    await eventually(() => expect(connection.store.getCell('products', 'p1', 'featured')).toBe(false));
    const featured: boolean = connection.store.getCell('products', 'p1', 'featured');
    expect(featured).toBe(false);
    // Never called: these lines only have to fail the typecheck.
    const wrongUses = () => {
      // @ts-expect-error a number field does not take a string
      connection.store.setCell('products', 'p1', 'price', 'three');
      // @ts-expect-error serverOnly tables are not in the synced store
      connection.store.setRow('audit', 'a1', { note: 'x' });
      // @ts-expect-error unknown fields are not in the schema
      connection.store.setCell('products', 'p1', 'colour', 'red');
      // @ts-expect-error a required field must be in a whole row
      connection.store.setRow('products', 'p2', { price: 1 });
      // @ts-expect-error a field without default or required may be missing
      const sold: boolean = connection.store.getCell('products', 'p1', 'sold');
      return sold;
    };
    expect(typeof wrongUses).toBe('function');
    await eventually(() =>
      expect(connection.untypedStore.getRow('products', 'p1')).toMatchObject({ name: 'Tea' }),
    );
  } finally {
    await connection.destroy();
  }
});
