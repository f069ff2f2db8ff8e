// Only configs the canvas can draw replace the draft; the reason for the others is given in words.
import { describe, expect, it } from 'vitest';
import { blankConfig, templates } from '@datastore-designer/schema';
import { undrawableReason } from '../src/model/config-shape.ts';

describe('undrawableReason', () => {
  it('accepts every template and the blank config, even with problems the panel will list', () => {
    for (const template of templates) expect(undrawableReason(template.config)).toBeUndefined();
    expect(undrawableReason(blankConfig())).toBeUndefined();
    expect(
      undrawableReason({
        format: 2,
        datastores: { a: { instances: 'x', tables: { t: { fields: { f: { type: 'y' } } } } } },
      }),
    ).toBeUndefined();
  });

  it('names what is missing or of the wrong kind', () => {
    expect(undrawableReason([])).toMatch(/must be an object/);
    expect(undrawableReason({ format: 1 })).toMatch(/"datastores"/);
    expect(undrawableReason({ datastores: { a: { tables: 3 } } })).toMatch(/Datastore "a" needs "tables"/);
    expect(undrawableReason({ datastores: { a: { tables: { t: {} } } } })).toMatch(
      /Table "t" needs "fields"/,
    );
    expect(
      undrawableReason({ datastores: { a: { tables: { t: { fields: {}, rules: { create: 1 } } } } } }),
    ).toMatch(/"create" rule of table "t" must be text/);
    expect(
      undrawableReason({ datastores: {}, designer: { layout: { a: { t: { x: 'left', y: 0 } } } } }),
    ).toMatch(/designer\.layout/);
  });
});
