// The starting points offered in the designer: five ready configs with sensible rules, and a blank one.
import type { AppConfig } from './config-types.ts';

/** The ids of the templates. */
export type TemplateId = 'todo' | 'chat' | 'gameMatch' | 'personalNotes' | 'tenantCrm';

/** A ready config to start a project from. */
export interface Template {
  id: TemplateId;
  title: string;
  description: string;
  config: AppConfig;
}

const todo: AppConfig = {
  format: 1,
  datastores: {
    board: {
      title: 'Team to-do board',
      instances: 'single',
      sync: 'twoWay',
      tables: {
        lists: {
          fields: {
            name: { type: 'string', required: true, maxLength: 100 },
            owner: { type: 'string', required: true },
          },
          rules: {
            create: 'newRow.owner == user.id',
            update: 'row.owner == user.id',
            delete: "row.owner == user.id || 'admin' in user.roles",
          },
        },
        todos: {
          fields: {
            text: { type: 'string', required: true, maxLength: 500 },
            done: { type: 'boolean', default: false },
            list: { type: 'string', references: 'lists' },
            author: { type: 'string', required: true, auto: 'creator' },
          },
          rules: {
            create: "user.id != ''",
            update: "row.author == user.id || changed.all(f, f == 'done')",
            delete: "row.author == user.id || 'admin' in user.roles",
          },
        },
      },
    },
  },
  tests: [
    {
      name: 'Anyone signed in ticks a to-do; only its author deletes it',
      datastore: 'board',
      steps: [
        { as: 'ada', set: ['todos', 't1', { text: 'Buy milk' }] },
        { as: 'bob', set: ['todos', 't1', { done: true }] },
        { as: 'ada', sees: ['todos', 't1', { text: 'Buy milk', done: true }] },
        { as: 'bob', delete: ['todos', 't1'], expect: { refused: 'delete' } },
        { as: 'ada', delete: ['todos', 't1'] },
        { as: 'bob', sees: ['todos', 't1', null] },
      ],
    },
    {
      name: 'Nobody adds a to-do in someone else’s name, or changes its author',
      datastore: 'board',
      people: { root: { roles: ['admin'] } },
      steps: [
        // The server writes who created a to-do, whatever the sender puts there.
        { as: 'bob', set: ['todos', 't1', { text: 'Forged', author: 'ada' }] },
        {
          as: 'ada',
          set: ['todos', 't1', { text: 'Mine now', author: 'ada' }],
          expect: { refused: 'update' },
        },
        { as: 'ada', sees: ['todos', 't1', { text: 'Forged', author: 'bob' }] },
        { as: 'root', delete: ['todos', 't1'] },
      ],
    },
    {
      name: 'Someone without a token sees nothing',
      datastore: 'board',
      steps: [
        { as: '', connect: 'refused' },
        { as: '', set: ['lists', 'l1', { name: 'Mine', owner: '' }], expect: { refused: 'connect' } },
      ],
    },
  ],
};

const chat: AppConfig = {
  format: 1,
  datastores: {
    chat: {
      title: 'Team chat',
      instances: 'single',
      sync: 'twoWay',
      tables: {
        channels: {
          fields: {
            name: { type: 'string', required: true, maxLength: 80 },
            topic: { type: 'string', maxLength: 300 },
          },
          rules: {
            create: "'admin' in user.roles",
            update: "'admin' in user.roles",
            delete: "'admin' in user.roles",
          },
        },
        messages: {
          fields: {
            channel: { type: 'string', required: true, references: 'channels' },
            text: { type: 'string', required: true, maxLength: 2000 },
            author: { type: 'string', required: true, auto: 'creator' },
            sentAt: { type: 'number', required: true },
          },
          rules: {
            create: "user.id != ''",
            update: "row.author == user.id && changed.all(f, f == 'text')",
            delete: "row.author == user.id || 'moderator' in user.roles",
          },
        },
      },
    },
  },
  tests: [
    {
      name: 'Only admins manage channels',
      datastore: 'chat',
      people: { ada: { roles: ['admin'] } },
      steps: [
        { as: 'bob', set: ['channels', 'general', { name: 'General' }], expect: { refused: 'create' } },
        { as: 'ada', set: ['channels', 'general', { name: 'General' }] },
        { as: 'bob', set: ['channels', 'general', { topic: 'Anything' }], expect: { refused: 'update' } },
        { as: 'bob', sees: ['channels', 'general', { name: 'General' }] },
      ],
    },
    {
      name: 'People edit only the text of their own messages; moderators delete',
      datastore: 'chat',
      people: { mo: { roles: ['moderator'] } },
      steps: [
        {
          as: 'bob',
          set: ['messages', 'm1', { channel: 'general', text: 'Hello', sentAt: 1 }],
        },
        { as: 'sam', sees: ['messages', 'm1', { author: 'bob' }] },
        { as: 'bob', set: ['messages', 'm1', { text: 'Hello all' }] },
        { as: 'bob', set: ['messages', 'm1', { sentAt: 2 }], expect: { refused: 'update' } },
        { as: 'sam', set: ['messages', 'm1', { text: 'Hijacked' }], expect: { refused: 'update' } },
        { as: 'sam', delete: ['messages', 'm1'], expect: { refused: 'delete' } },
        { as: 'mo', delete: ['messages', 'm1'] },
        { as: 'sam', sees: ['messages', 'm1', null] },
      ],
    },
  ],
};

const gameMatch: AppConfig = {
  format: 1,
  datastores: {
    match: {
      title: 'Game match',
      instances: 'multi',
      sync: 'twoWay',
      connect: "user.id != ''",
      createInstance: "user.id != ''",
      join: "user.id != ''",
      maxInstancesPerUser: 5,
      deleteIdleAfterDays: 7,
      tables: {
        players: {
          fields: {
            userId: { type: 'string', required: true },
            name: { type: 'string', required: true, maxLength: 40 },
            score: { type: 'number', default: 0, min: 0 },
          },
          rules: {
            create: 'newRow.userId == user.id && newRow.score == 0',
            update: "row.userId == user.id && changed.all(f, f == 'name')",
            delete: 'row.userId == user.id || user.id == instance.owner',
          },
        },
        moves: {
          fields: {
            player: { type: 'string', required: true, references: 'players' },
            x: { type: 'number', required: true, min: 0, max: 7 },
            y: { type: 'number', required: true, min: 0, max: 7 },
            by: { type: 'string', required: true },
          },
          rules: {
            create: 'newRow.by == user.id',
          },
        },
        secrets: {
          serverOnly: true,
          fields: {
            answer: { type: 'string', required: true },
          },
        },
      },
    },
  },
  tests: [
    {
      name: 'Players join a match by its link and play only as themselves',
      datastore: 'match',
      steps: [
        { as: 'ada', createInstance: 'game' },
        { as: 'ada', set: ['players', 'ada', { userId: 'ada', name: 'Ada' }], instance: 'game' },
        { as: 'bob', connect: 'refused', instance: 'game' },
        { as: 'bob', join: 'game' },
        { as: 'bob', sees: ['players', 'ada', { name: 'Ada', score: 0 }], instance: 'game' },
        {
          as: 'bob',
          set: ['players', 'bob', { userId: 'bob', name: 'Bob', score: 99 }],
          instance: 'game',
          expect: { refused: 'create' },
        },
        { as: 'bob', set: ['moves', 'mv1', { player: 'bob', x: 1, y: 2, by: 'bob' }], instance: 'game' },
        {
          as: 'bob',
          set: ['moves', 'mv2', { player: 'bob', x: 9, y: 2, by: 'bob' }],
          instance: 'game',
          expect: { refused: 'schema' },
        },
        { as: 'bob', delete: ['moves', 'mv1'], instance: 'game', expect: { refused: 'delete' } },
      ],
    },
    {
      name: 'The host removes players; scores and secrets are not for players to write',
      datastore: 'match',
      steps: [
        { as: 'ada', createInstance: 'game' },
        { as: 'ada', invite: 'bob', instance: 'game' },
        { as: 'bob', invite: 'eve', instance: 'game', expect: { refused: 'members' } },
        { as: 'bob', set: ['players', 'bob', { userId: 'bob', name: 'Bob' }], instance: 'game' },
        {
          as: 'bob',
          set: ['players', 'bob', { score: 10 }],
          instance: 'game',
          expect: { refused: 'update' },
        },
        {
          as: 'bob',
          set: ['secrets', 's1', { answer: '42' }],
          instance: 'game',
          expect: { refused: 'unknownTable' },
        },
        { server: true, set: ['secrets', 's1', { answer: '42' }], instance: 'game' },
        { as: 'bob', sees: ['secrets', 's1', null], instance: 'game' },
        { as: 'ada', delete: ['players', 'bob'], instance: 'game' },
      ],
    },
    {
      name: 'Someone without a token cannot start a match',
      datastore: 'match',
      steps: [{ as: '', createInstance: 'game', expect: { refused: 'createInstance' } }],
    },
  ],
};

const personalNotes: AppConfig = {
  format: 1,
  datastores: {
    notes: {
      title: 'Personal notes',
      instances: 'perUser',
      sync: 'twoWay',
      connect: 'user.id == instance.owner',
      tables: {
        notes: {
          fields: {
            title: { type: 'string', required: true, maxLength: 200 },
            body: { type: 'string', maxLength: 10000 },
            pinned: { type: 'boolean', default: false },
            updatedAt: { type: 'number', auto: 'updatedAt' },
          },
          rules: {
            create: 'user.id == instance.owner',
            update: 'user.id == instance.owner',
            delete: 'user.id == instance.owner',
          },
        },
      },
    },
  },
  tests: [
    {
      name: 'Each person’s notes are their own',
      datastore: 'notes',
      steps: [
        { as: 'ada', set: ['notes', 'n1', { title: 'Shopping', body: 'Milk' }] },
        { as: 'ada', sees: ['notes', 'n1', { title: 'Shopping', pinned: false, updatedAt: 0 }] },
        { as: 'bob', sees: ['notes', 'n1', null] },
        { as: 'bob', set: ['notes', 'n1', { title: 'Bob’s own' }] },
        { as: 'ada', sees: ['notes', 'n1', { title: 'Shopping' }] },
        { as: 'ada', set: ['notes', 'n1', { pinned: true }] },
        { as: 'ada', delete: ['notes', 'n1'] },
      ],
    },
    {
      name: 'A note needs a title, and nobody without a token has a notebook',
      datastore: 'notes',
      steps: [
        { as: 'ada', set: ['notes', 'n1', { body: 'No title' }], expect: { refused: 'schema' } },
        { as: '', connect: 'refused' },
      ],
    },
  ],
};

const tenantCrm: AppConfig = {
  format: 1,
  datastores: {
    crm: {
      title: 'Customer records',
      instances: 'perTenant',
      sync: 'twoWay',
      connect: "user.tenant != ''",
      tables: {
        companies: {
          fields: {
            name: { type: 'string', required: true, maxLength: 200 },
            website: { type: 'string', maxLength: 500 },
            accountManager: { type: 'string', required: true },
          },
          rules: {
            create: "'sales' in user.roles || 'admin' in user.roles",
            update: "row.accountManager == user.id || 'admin' in user.roles",
            delete: "'admin' in user.roles",
          },
        },
        deals: {
          fields: {
            company: { type: 'string', required: true, references: 'companies' },
            title: { type: 'string', required: true, maxLength: 200 },
            amount: { type: 'number', default: 0, min: 0 },
            stage: { type: 'string', default: 'lead', maxLength: 40 },
          },
          rules: {
            create: "'sales' in user.roles || 'admin' in user.roles",
            update: "'sales' in user.roles || 'admin' in user.roles",
            delete: "'admin' in user.roles",
          },
        },
      },
    },
    catalog: {
      title: 'Price list (published by the server)',
      instances: 'single',
      sync: 'serverToClient',
      tables: {
        products: {
          fields: {
            name: { type: 'string', required: true },
            price: { type: 'number', required: true, min: 0 },
          },
        },
      },
    },
  },
  tests: [
    {
      name: 'Sales people of one company never see another company’s records',
      datastore: 'crm',
      people: {
        sue: { roles: ['sales'], tenant: 'acme' },
        tim: { tenant: 'acme' },
        gus: { roles: ['sales'], tenant: 'globex' },
      },
      steps: [
        { as: 'sue', set: ['companies', 'c1', { name: 'Initech', accountManager: 'sue' }] },
        { as: 'tim', sees: ['companies', 'c1', { name: 'Initech' }] },
        { as: 'gus', sees: ['companies', 'c1', null] },
        {
          as: 'tim',
          set: ['companies', 'c2', { name: 'Hooli', accountManager: 'tim' }],
          expect: { refused: 'create' },
        },
        {
          as: 'tim',
          set: ['companies', 'c1', { website: 'initech.example' }],
          expect: { refused: 'update' },
        },
        { as: 'sue', set: ['deals', 'd1', { company: 'c1', title: 'Printers' }] },
        { as: 'tim', sees: ['deals', 'd1', { stage: 'lead', amount: 0 }] },
        { as: 'sue', delete: ['deals', 'd1'], expect: { refused: 'delete' } },
      ],
    },
    {
      name: 'Without an organisation there is no way in',
      datastore: 'crm',
      steps: [{ as: 'ada', connect: 'refused' }],
    },
    {
      name: 'Only the server writes the price list',
      datastore: 'catalog',
      people: { sue: { roles: ['admin'], tenant: 'acme' } },
      steps: [
        { server: true, set: ['products', 'p1', { name: 'Printer', price: 100 }] },
        { as: 'sue', sees: ['products', 'p1', { price: 100 }] },
        { as: 'sue', set: ['products', 'p1', { price: 1 }], expect: { refused: 'readOnly' } },
      ],
    },
  ],
};

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

/** The five templates of the designer's start screen, frozen: copy a template's config before editing it. */
export const templates: readonly Template[] = deepFreeze([
  {
    id: 'todo',
    title: 'To-do board',
    description: 'One shared board of lists and to-dos for a whole team.',
    config: todo,
  },
  {
    id: 'chat',
    title: 'Chat',
    description: 'Channels and messages; people edit only their own messages.',
    config: chat,
  },
  {
    id: 'gameMatch',
    title: 'Game match',
    description: 'A fresh game for every match: players join with a link, the data is deleted when idle.',
    config: gameMatch,
  },
  {
    id: 'personalNotes',
    title: 'Personal notes',
    description: 'Every signed-in person gets a private notebook of their own.',
    config: personalNotes,
  },
  {
    id: 'tenantCrm',
    title: 'Customer records (per company)',
    description:
      'Each organisation has its own customers and deals, plus a price list only the server writes.',
    config: tenantCrm,
  },
]);

/** A new, empty config with one datastore to start drawing tables in. */
export const blankConfig = (): AppConfig => ({
  format: 1,
  datastores: { main: { instances: 'single', sync: 'twoWay', tables: {} } },
});
