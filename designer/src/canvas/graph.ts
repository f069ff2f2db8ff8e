// The canvas graph as plain functions: which side a relation leaves and enters by, and the edges of a datastore.
import type { Edge } from '@xyflow/react';
import type { DatastoreConfig } from '@datastore-designer/schema';

/** Where a table's card is on the canvas and how wide it is. */
export interface Box {
  x: number;
  y: number;
  width: number;
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

/** What a relation edge carries besides its ends: the field it belongs to. */
export interface RelationData extends Record<string, unknown> {
  table: string;
  field: string;
}

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
          type: 'smoothstep',
          selected: selected?.table === table && selected.field === field,
          markerStart: MANY_MARKER,
          markerEnd: ONE_MARKER,
          data: { table, field },
        },
      ];
    }),
  );
