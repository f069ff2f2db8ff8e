// The canvas graph as plain functions: which side a relation leaves and enters by, the route it takes around the
// cards, and the edges of a datastore.
import type { Edge } from '@xyflow/react';
import type { DatastoreConfig } from '@datastore-designer/schema';

/** Where a table's card is on the canvas and how big it is (a card not measured yet counts 200 high). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height?: number;
}

/** A point on the canvas. */
export interface Point {
  x: number;
  y: number;
}

/** A side of a card. */
export type Side = 'left' | 'right';

/** The handle id of a field on one side (the right one is the field id itself: that is where a drag starts). */
export const fieldHandle = (field: string, side: Side): string =>
  side === 'right' ? field : `${field}@left`;

/** The handle id of a table's header on one side. */
export const headerHandle = (side: Side): string => (side === 'left' ? 'in' : 'in@right');

// Cards closer than this side by side are treated as one above the other.
const GAP = 40;

/**
 * The sides a relation leaves its field's card and enters its target's card by: facing each other when the cards
 * stand side by side; when one stands above the other, both on the same side, so the line goes around, never
 * behind a card.
 */
export const relationSides = (source: Box, target: Box): { from: Side; to: Side } => {
  if (target.x >= source.x + source.width + GAP) return { from: 'right', to: 'left' };
  if (target.x + target.width + GAP <= source.x) return { from: 'left', to: 'right' };
  const side: Side = target.x + target.width / 2 >= source.x + source.width / 2 ? 'right' : 'left';
  return { from: side, to: side };
};

/** The id of the SVG marker drawn where a relation leaves its field (many rows) and where it enters (one row). */
export const MANY_MARKER = 'dd-relation-many';
/** See MANY_MARKER. */
export const ONE_MARKER = 'dd-relation-one';

/** What a relation edge carries besides its ends: the field it belongs to, and the cards its route goes around. */
export interface RelationData extends Record<string, unknown> {
  table: string;
  field: string;
  cards: readonly Box[];
}

// How far a relation runs straight out of a card before it turns, and how far it keeps from other cards.
const STUB = 18;
const CLEARANCE = 14;

const heightOf = (box: Box): number => box.height ?? 200;

/** Whether an axis-aligned segment passes through the inside of a card (running along its edge does not). */
const crosses = (a: Point, b: Point, box: Box): boolean => {
  const left = box.x;
  const right = box.x + box.width;
  const top = box.y;
  const bottom = box.y + heightOf(box);
  if (a.y === b.y) {
    const [from, to] = a.x < b.x ? [a.x, b.x] : [b.x, a.x];
    return a.y > top && a.y < bottom && from < right && to > left;
  }
  const [from, to] = a.y < b.y ? [a.y, b.y] : [b.y, a.y];
  return a.x > left && a.x < right && from < bottom && to > top;
};

const clear = (points: readonly Point[], cards: readonly Box[]): boolean =>
  points.every((point, i) => {
    const next = points[i + 1];
    return next === undefined || cards.every((card) => !crosses(point, next, card));
  });

const lengthOf = (points: readonly Point[]): number =>
  points.reduce((sum, point, i) => {
    const next = points[i + 1];
    return next ? sum + Math.abs(next.x - point.x) + Math.abs(next.y - point.y) : sum;
  }, 0);

/** The `count` values nearest to `around`, nearest first. */
const nearest = (values: Iterable<number>, around: number, count: number): number[] =>
  [...new Set(values)].sort((a, b) => Math.abs(a - around) - Math.abs(b - around)).slice(0, count);

/**
 * The corners of a relation's line from a field's side to a header's side: straight out of each card, then the
 * shortest route with right angles that passes through no card (one vertical run if one is clear, else around
 * above or below), so a line never hides behind a table.
 */
export const routeRelation = (
  from: Point & { side: Side },
  to: Point & { side: Side },
  cards: readonly Box[],
): Point[] => {
  const outFrom = from.side === 'right' ? 1 : -1;
  const outTo = to.side === 'right' ? 1 : -1;
  const start = { x: from.x + outFrom * STUB, y: from.y };
  const end = { x: to.x + outTo * STUB, y: to.y };
  const edges = cards.flatMap((card) => [card.x - CLEARANCE, card.x + card.width + CLEARANCE]);
  const leavesRight = (x: number) => (x - start.x) * outFrom >= 0;
  const entersRight = (x: number) => (x - end.x) * outTo >= 0;
  const route = (middle: Point[]): Point[] => [
    { x: from.x, y: from.y },
    start,
    ...middle,
    end,
    { x: to.x, y: to.y },
  ];

  // One vertical run between the two stubs.
  const runs = nearest([(start.x + end.x) / 2, start.x, end.x, ...edges], (start.x + end.x) / 2, 24)
    .filter((x) => leavesRight(x) && entersRight(x))
    .map((x) =>
      route([
        { x, y: start.y },
        { x, y: end.y },
      ]),
    )
    .filter((points) => clear(points, cards))
    .sort((a, b) => lengthOf(a) - lengthOf(b));
  if (runs[0]) return runs[0];

  // Around: out to a clear column, along a clear row above or below the cards in the way, then into the target.
  const rows = cards.flatMap((card) => [card.y - CLEARANCE, card.y + heightOf(card) + CLEARANCE]);
  const middleY = (start.y + end.y) / 2;
  const outs = nearest([start.x, ...edges.filter(leavesRight)], start.x, 6).filter(leavesRight);
  const ins = nearest([end.x, ...edges.filter(entersRight)], end.x, 6).filter(entersRight);
  let best: Point[] | undefined;
  for (const y of nearest([middleY, ...rows], middleY, 12))
    for (const x1 of outs)
      for (const x2 of ins) {
        const points = route([
          { x: x1, y: start.y },
          { x: x1, y },
          { x: x2, y },
          { x: x2, y: end.y },
        ]);
        if ((!best || lengthOf(points) < lengthOf(best)) && clear(points, cards)) best = points;
      }
  return (
    best ??
    route([
      { x: (start.x + end.x) / 2, y: start.y },
      { x: (start.x + end.x) / 2, y: end.y },
    ])
  );
};

/** An SVG path through the corners, each corner rounded a little (never more than half its shorter side). */
export const roundedPath = (points: readonly Point[], radius = 6): string => {
  const [first, ...rest] = points.filter(
    (point, i) => i === 0 || point.x !== points[i - 1]?.x || point.y !== points[i - 1]?.y,
  );
  if (!first) return '';
  let d = `M ${first.x},${first.y}`;
  rest.forEach((corner, i) => {
    const before = i === 0 ? first : (rest[i - 1] as Point);
    const after = rest[i + 1];
    if (!after) {
      d += ` L ${corner.x},${corner.y}`;
      return;
    }
    const r = Math.min(
      radius,
      (Math.abs(corner.x - before.x) + Math.abs(corner.y - before.y)) / 2,
      (Math.abs(after.x - corner.x) + Math.abs(after.y - corner.y)) / 2,
    );
    const inX = corner.x - Math.sign(corner.x - before.x) * r;
    const inY = corner.y - Math.sign(corner.y - before.y) * r;
    const outX = corner.x + Math.sign(after.x - corner.x) * r;
    const outY = corner.y + Math.sign(after.y - corner.y) * r;
    d += ` L ${inX},${inY} Q ${corner.x},${corner.y} ${outX},${outY}`;
  });
  return d;
};

/**
 * One edge per field that links to an existing table of the datastore, each leaving by the side nearest its target,
 * with a many-to-one mark; `selected` names the field picked on the canvas.
 */
export const relationEdges = (
  datastore: DatastoreConfig | undefined,
  boxes: Readonly<Record<string, Box>>,
  selected?: { table: string; field: string },
): Edge<RelationData>[] =>
  Object.entries(datastore?.tables ?? {}).flatMap(([table, config]) =>
    Object.entries(config.fields).flatMap(([field, spec]) => {
      const target = spec.references;
      if (target === undefined || !datastore?.tables[target]) return [];
      const from = boxes[table];
      const to = boxes[target];
      const cards = Object.values(boxes);
      const sides =
        from && to
          ? target === table
            ? { from: 'right' as const, to: 'right' as const }
            : relationSides(from, to)
          : { from: 'right' as const, to: 'left' as const };
      return [
        {
          id: `${table}.${field}`,
          source: table,
          sourceHandle: fieldHandle(field, sides.from),
          target,
          targetHandle: headerHandle(sides.to),
          type: 'relation',
          selected: selected?.table === table && selected.field === field,
          markerStart: MANY_MARKER,
          markerEnd: ONE_MARKER,
          data: { table, field, cards },
        },
      ];
    }),
  );
