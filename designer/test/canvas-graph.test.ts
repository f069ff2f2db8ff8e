// The canvas graph: a relation leaves and enters by the sides facing each other, goes around stacked cards, marks many-to-one.
import { describe, expect, it } from 'vitest';
import type { DatastoreConfig } from '@datastore-designer/schema';
import { MANY_MARKER, ONE_MARKER, relationEdges, relationSides } from '../src/canvas/graph.ts';

const box = (x: number, y = 0) => ({ x, y, width: 250 });

describe('relationSides', () => {
  it('faces the target when the cards stand side by side', () => {
    expect(relationSides(box(0), box(400))).toEqual({ from: 'right', to: 'left' });
    expect(relationSides(box(400), box(0))).toEqual({ from: 'left', to: 'right' });
  });
  it('keeps both ends on one side when one card stands above the other, so the line never runs behind a card', () => {
    expect(relationSides(box(0, 0), box(30, 400))).toEqual({ from: 'right', to: 'right' });
    expect(relationSides(box(30, 0), box(0, 400))).toEqual({ from: 'left', to: 'left' });
  });
});

describe('relationEdges', () => {
  const ds: DatastoreConfig = {
    instances: 'single',
    sync: 'twoWay',
    tables: {
      todos: {
        fields: {
          list: { type: 'string', references: 'lists' },
          parent: { type: 'string', references: 'todos' },
          gone: { type: 'string', references: 'missing' },
        },
      },
      lists: { fields: { name: { type: 'string' } } },
    },
  };
  it('draws one edge per link to an existing table, from the field on the near side into the header', () => {
    const edges = relationEdges(ds, { todos: box(400), lists: box(0) });
    expect(edges.map((e) => [e.id, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ['todos.list', 'list@left', 'lists', 'in@right'],
      ['todos.parent', 'parent', 'todos', 'in@right'],
    ]);
    expect(edges.every((e) => e.markerStart === MANY_MARKER && e.markerEnd === ONE_MARKER)).toBe(true);
  });
  it('is right at once wherever the cards are, and marks the selected field', () => {
    const edges = relationEdges(ds, { todos: box(0), lists: box(600) }, { table: 'todos', field: 'list' });
    expect(edges[0]).toMatchObject({ sourceHandle: 'list', targetHandle: 'in', selected: true });
  });
});
