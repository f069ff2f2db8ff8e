// The canvas graph: a relation leaves and enters by the sides facing each other, goes around stacked cards, marks many-to-one.
import { describe, expect, it } from 'vitest';
import type { DatastoreConfig } from '@datastore-designer/schema';
import {
  MANY_MARKER,
  ONE_MARKER,
  relationEdges,
  relationSides,
  roundedPath,
  routeRelation,
  type Box,
  type Point,
} from '../src/canvas/graph.ts';

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

/** Whether a polyline of right angles passes through the inside of a card. */
const behind = (points: Point[], card: Box): boolean =>
  points.some((a, i) => {
    const b = points[i + 1];
    if (!b) return false;
    const h = card.height ?? 200;
    if (a.y === b.y)
      return (
        a.y > card.y &&
        a.y < card.y + h &&
        Math.min(a.x, b.x) < card.x + card.width &&
        Math.max(a.x, b.x) > card.x
      );
    return (
      a.x > card.x &&
      a.x < card.x + card.width &&
      Math.min(a.y, b.y) < card.y + h &&
      Math.max(a.y, b.y) > card.y
    );
  });

describe('routeRelation', () => {
  const todos: Box = { x: 0, y: 0, width: 250, height: 200 };
  const tags: Box = { x: 620, y: 0, width: 250, height: 80 };
  it('runs straight out of the field, once up or down, and straight into the header when nothing is in the way', () => {
    const points = routeRelation({ x: 250, y: 150, side: 'right' }, { x: 620, y: 20, side: 'left' }, [
      todos,
      tags,
    ]);
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({ x: 250, y: 150 });
    expect(points[1]).toEqual({ x: 268, y: 150 });
    expect(points.at(-2)).toEqual({ x: 602, y: 20 });
    expect(points.at(-1)).toEqual({ x: 620, y: 20 });
  });
  it('goes around a card standing between the two, never behind it', () => {
    const between: Box = { x: 320, y: 30, width: 230, height: 100 };
    const cards = [todos, tags, between];
    const points = routeRelation({ x: 250, y: 150, side: 'right' }, { x: 620, y: 20, side: 'left' }, cards);
    for (const card of cards) expect(behind(points, card)).toBe(false);
    expect(points.at(-1)).toEqual({ x: 620, y: 20 });
  });
  it('goes around the outside when both ends are on one side of stacked cards', () => {
    const below: Box = { x: 30, y: 400, width: 250, height: 120 };
    const points = routeRelation({ x: 250, y: 150, side: 'right' }, { x: 280, y: 420, side: 'right' }, [
      todos,
      below,
    ]);
    expect(behind(points, todos)).toBe(false);
    expect(behind(points, below)).toBe(false);
    // Its run down stays right of both cards.
    expect(Math.min(...points.slice(2, -2).map((p) => p.x))).toBeGreaterThanOrEqual(280);
  });
  it('rounds the corners of the route in its SVG path', () => {
    expect(
      roundedPath([
        { x: 0, y: 0 },
        { x: 20, y: 0 },
        { x: 20, y: 20 },
      ]),
    ).toBe('M 0,0 L 14,0 Q 20,0 20,6 L 20,20');
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
    expect(edges.every((e) => e.type === 'relation' && e.data?.cards.length === 2)).toBe(true);
  });
  it('is right at once wherever the cards are, and marks the selected field', () => {
    const edges = relationEdges(ds, { todos: box(0), lists: box(600) }, { table: 'todos', field: 'list' });
    expect(edges[0]).toMatchObject({ sourceHandle: 'list', targetHandle: 'in', selected: true });
  });
});
