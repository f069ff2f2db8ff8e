// The project store's history: every model change is one undo step, typing in one box coalesces, selection follows.
import { describe, expect, it } from 'vitest';
import { templates, type AppConfig } from '@datastore-designer/schema';
import { createDesignerStore } from '../src/model/designer-store.ts';
import { addTable, deleteTable } from '../src/model/config-edits.ts';

const todo = (): AppConfig => structuredClone(templates.find((t) => t.id === 'todo')?.config) as AppConfig;
const tables = (config: AppConfig): string[] => Object.keys(config.datastores.board?.tables ?? {});

describe('designer store', () => {
  it('undoes and redoes each change, and a new change clears redo', () => {
    const store = createDesignerStore('p', todo(), 'todo');
    const { change } = store.getState();
    change((draft) => void addTable(draft, 'board'));
    change((draft) => void addTable(draft, 'board'));
    expect(tables(store.getState().config)).toEqual(['lists', 'todos', 'newTable', 'newTable2']);
    store.getState().undo();
    expect(tables(store.getState().config)).toEqual(['lists', 'todos', 'newTable']);
    store.getState().undo();
    store.getState().redo();
    expect(tables(store.getState().config)).toEqual(['lists', 'todos', 'newTable']);
    change((draft) => deleteTable(draft, 'board', 'lists'));
    expect(store.getState().future).toEqual([]);
    store.getState().redo();
    expect(tables(store.getState().config)).toEqual(['todos', 'newTable']);
  });

  it('merges quick edits of one box into one step, but not edits of different boxes', () => {
    const store = createDesignerStore('p', todo(), 'todo');
    const setTitle = (title: string, box: string) =>
      store.getState().change(
        (draft) => {
          if (draft.datastores.board) draft.datastores.board.title = title;
        },
        { coalesce: box },
      );
    setTitle('T', 'title');
    setTitle('Te', 'title');
    setTitle('Tea', 'title');
    expect(store.getState().past).toHaveLength(1);
    setTitle('Team', 'other');
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().config.datastores.board?.title).toBe(todo().datastores.board?.title);
  });

  it('keeps placement out of the history and drops a selection whose table is gone', () => {
    const store = createDesignerStore('p', todo(), 'todo');
    store.getState().change((draft) => void addTable(draft, 'board'), { history: false });
    expect(store.getState().past).toEqual([]);
    store.getState().change((draft) => void addTable(draft, 'board'));
    store.getState().select({ kind: 'field', table: 'newTable2', field: 'name' });
    store.getState().undo();
    expect(store.getState().selection).toEqual({ kind: 'datastore' });
  });
});
