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
            author: { type: 'string', required: true },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: "user.id != '' && changed.all(f, f in ['text', 'done', 'list'])",
            delete: "row.author == user.id || 'admin' in user.roles",
          },
        },
      },
    },
  },
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
            author: { type: 'string', required: true },
            sentAt: { type: 'number', required: true },
          },
          rules: {
            create: 'newRow.author == user.id',
            update: "row.author == user.id && changed.all(f, f == 'text')",
            delete: "row.author == user.id || 'moderator' in user.roles",
          },
        },
      },
    },
  },
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
