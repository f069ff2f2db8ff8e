// Automatic canvas layout with elkjs for tables that have no position yet (templates, imported configs).
import type { DatastoreConfig } from '@datastore-designer/schema';
import type { Point } from './config-edits.ts';

/** The size a table node takes on the canvas, estimated from its field count. */
export const nodeSize = (fieldCount: number): { width: number; height: number } => ({
  width: 250,
  height: 52 + 30 * Math.max(1, fieldCount),
});

/** Lays out a datastore's tables left to right along their references; elkjs is loaded on first use. */
export const autoLayout = async (datastore: DatastoreConfig): Promise<Record<string, Point>> => {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const tables = Object.entries(datastore.tables);
  const edges = tables.flatMap(([id, table]) =>
    Object.entries(table.fields)
      .filter(
        ([, field]) => field.references !== undefined && datastore.tables[field.references] !== undefined,
      )
      .map(([fieldId, field]) => ({
        id: `${id}.${fieldId}`,
        sources: [id],
        targets: [field.references as string],
      })),
  );
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '48',
      'elk.layered.spacing.nodeNodeBetweenLayers': '96',
      'elk.separateConnectedComponents': 'true',
      'elk.spacing.componentComponent': '64',
    },
    children: tables.map(([id, table]) => ({ id, ...nodeSize(Object.keys(table.fields).length) })),
    edges,
  });
  const positions: Record<string, Point> = {};
  for (const child of graph.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return positions;
};
