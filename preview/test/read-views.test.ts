// What a simulated person sees of tables with a read rule, and the line the preview writes about it.
import { describe, expect, it } from 'vitest';
import { describeRule, type AppConfig } from '@datastore-designer/schema';
import { instanceSeenBy, rowsSeen, tableViews, viewLine, whoMaySee } from '../src/pane/read-views.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    office: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: { fields: { text: { type: 'string' } } },
        salaries: {
          fields: { amount: { type: 'number' } },
          rules: { read: "'shift manager' in user.roles" },
        },
        vault: { fields: { code: { type: 'string' } }, rules: { read: 'false' } },
      },
    },
  },
};
const main = { id: 'main', owner: '', members: [] };

describe('read views in the preview', () => {
  it('lists only tables with a read rule, decided for the person', () => {
    const bob = { sub: 'bob', roles: [], tenant: '' };
    const mia = { sub: 'mia', roles: ['shift manager'], tenant: '' };
    expect(tableViews(config, 'office', bob, main).map((v) => [v.table, v.visibility])).toEqual([
      ['salaries', 'none'],
      ['vault', 'none'],
    ]);
    expect(tableViews(config, 'office', mia, main).map((v) => [v.table, v.visibility])).toEqual([
      ['salaries', 'all'],
      ['vault', 'none'],
    ]);
  });

  it('says what the person sees in words', () => {
    const [salaries, vault] = tableViews(config, 'office', { sub: 'bob', roles: [], tenant: '' }, main);
    expect(viewLine('Bob', salaries!, 0, 7, describeRule)).toBe(
      'Bob cannot see the table salaries: only people with role shift manager.',
    );
    expect(viewLine('Bob', vault!, 0, 1, describeRule)).toBe(
      'Bob cannot see the table vault: only the server.',
    );
    expect(viewLine('Bob', { ...salaries!, visibility: 'all' }, 3, 7, describeRule)).toBe(
      'Bob sees 3 of 7 rows of salaries.',
    );
    expect(whoMaySee("user.tenant == 'acme'", describeRule)).toMatch(/^only when /);
    const deals = { table: 'deals', rule: 'row.owner == user.id', visibility: 'perRow' as const };
    expect(viewLine('Bob', deals, 1, 3, describeRule)).toBe(
      'Bob sees 1 of 3 rows of deals: only rows Bob created.',
    );
    expect(
      viewLine('Bob', { ...deals, rule: "row.owner == user.id || 'lead' in user.roles" }, 2, 3, describeRule),
    ).toBe('Bob sees 2 of 3 rows of deals: only rows Bob created (people with role lead see all).');
    expect(rowsSeen('Bob', "row.owner == user.id && user.tenant == 'x'", describeRule)).toMatch(
      /^only rows where /,
    );
  });

  it('knows the instance each kind opens', () => {
    const ann = { sub: 'ann', tenant: 'acme' };
    expect(instanceSeenBy('perUser', ann, undefined)).toEqual({ id: 'ann', owner: 'ann', members: ['ann'] });
    expect(instanceSeenBy('perTenant', { sub: 'ann', tenant: '' }, undefined)).toBeUndefined();
    expect(instanceSeenBy('multi', ann, { id: 'g1', owner: 'bo' })).toEqual({
      id: 'g1',
      owner: 'bo',
      members: ['bo', 'ann'],
    });
  });
});
