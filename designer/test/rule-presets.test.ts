// The rule builder's presets write CEL that the schema's checker accepts, and read back as the same choice.
import { describe, expect, it } from 'vitest';
import { checkRule, type RuleKind, type TableConfig } from '@datastore-designer/schema';
import { celToChoice, choiceToCel, presetsFor } from '../src/model/rule-presets.ts';

const table: TableConfig = {
  fields: { author: { type: 'string', required: true }, org: { type: 'string' }, votes: { type: 'number' } },
};
const kinds: RuleKind[] = ['create', 'update', 'delete', 'connect', 'createInstance', 'join'];

describe('rule presets', () => {
  for (const kind of kinds) {
    for (const option of presetsFor(kind, 'multi')) {
      if (option.id === 'unset' || option.id === 'custom') continue;
      it(`${kind}: "${option.label}" type-checks and reads back`, () => {
        const choice = {
          preset: option.id,
          field: option.needs === 'field' ? 'author' : undefined,
          role: option.needs === 'role' ? "team's lead" : undefined,
        };
        const cel = choiceToCel(choice, kind);
        expect(cel).toBeTypeOf('string');
        const isRow = kind === 'create' || kind === 'update' || kind === 'delete';
        expect(checkRule(cel ?? '', kind, isRow ? table : undefined)).toEqual([]);
        const back = celToChoice(cel);
        expect(back.preset).toBe(option.id);
        if (choice.field) expect(back.field).toBe('author');
        if (choice.role) expect(back.role).toBe("team's lead");
      });
    }
  }

  it('offers row-only choices only for row rules and members only where instances have members', () => {
    expect(presetsFor('connect', 'single').map((o) => o.id)).not.toContain('rowUser');
    expect(presetsFor('create', 'single').map((o) => o.id)).toContain('rowUser');
    expect(presetsFor('create', 'single').map((o) => o.id)).not.toContain('members');
    expect(presetsFor('connect', 'multi').map((o) => o.id)).toContain('members');
    expect(presetsFor('createInstance', 'multi').map((o) => o.id)).not.toContain('members');
  });

  it('treats hand-written rules as custom and an absent rule as unset', () => {
    expect(celToChoice("row.author == user.id || 'admin' in user.roles").preset).toBe('custom');
    expect(celToChoice(undefined).preset).toBe('unset');
    expect(celToChoice('  user.id   !=  ""  ').preset).toBe('signedIn');
  });
});

describe('the person who created the row', () => {
  const withCreator: TableConfig = {
    fields: { owner: { type: 'string', auto: 'creator' }, title: { type: 'string' } },
  };
  it('is offered on change and delete rules of a table with a Created by field, never on add', () => {
    expect(presetsFor('delete', 'single', ['owner']).map((o) => o.id)).toContain('creator');
    expect(presetsFor('update', 'single', ['owner']).map((o) => o.id)).toContain('creator');
    expect(presetsFor('create', 'single', ['owner']).map((o) => o.id)).not.toContain('creator');
    expect(presetsFor('delete', 'single').map((o) => o.id)).not.toContain('creator');
  });
  it('writes row.<field> == user.id, which type-checks and reads back', () => {
    for (const kind of ['update', 'delete'] as const) {
      const cel = choiceToCel({ preset: 'creator', field: 'owner' }, kind) ?? '';
      expect(cel).toBe('row.owner == user.id');
      expect(checkRule(cel, kind, withCreator)).toEqual([]);
      expect(celToChoice(cel, ['owner'])).toEqual({ preset: 'creator', field: 'owner' });
      // Without the Created by field it is the row's user field, as before.
      expect(celToChoice(cel).preset).toBe('rowUser');
    }
  });
});

describe('who can see rows presets', () => {
  const deals: TableConfig = {
    fields: { title: { type: 'string' }, owner: { type: 'string', auto: 'creator' } },
  };

  it('offers whole-table and row-by-row choices; the row-by-row ones need a “Created by” field', () => {
    const options = presetsFor('read', 'single', ['owner']);
    expect(options.map((o) => o.id)).toEqual([
      'unset',
      'creator',
      'role',
      'creatorOrRole',
      'nobody',
      'custom',
    ]);
    expect(options.filter((o) => o.unavailable)).toEqual([]);
    const without = presetsFor('read', 'single', []);
    expect(without.filter((o) => o.unavailable).map((o) => o.id)).toEqual(['creator', 'creatorOrRole']);
    expect(without.find((o) => o.id === 'creator')?.label).toBe(
      'Only the person who created the row (needs a “Created by” field)',
    );
  });

  it('writes read rules the checker accepts and reads them back', () => {
    expect(choiceToCel({ preset: 'unset' }, 'read')).toBeUndefined();
    const choices = [
      { preset: 'role', role: 'team lead' },
      { preset: 'nobody' },
      { preset: 'creator', field: 'owner' },
      { preset: 'creatorOrRole', field: 'owner', role: "boss's boss" },
    ] as const;
    for (const choice of choices) {
      const cel = choiceToCel(choice, 'read') ?? '';
      expect(checkRule(cel, 'read', deals)).toEqual([]);
      expect(celToChoice(cel, ['owner'])).toEqual(choice);
    }
    expect(choiceToCel({ preset: 'role', role: 'team lead' }, 'read')).toBe("'team lead' in user.roles");
  });
});
