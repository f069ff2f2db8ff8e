// The canvas of the current datastore: a node per table, an edge per reference, drag a field to a table to link them.
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Edge,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { useDesigner } from '../model/useDesigner.ts';
import { useProblems } from '../model/useProblems.ts';
import { addTable, layoutOf, setPosition, setReference, type Point } from '../model/config-edits.ts';
import { autoLayout, nodeSize } from '../model/auto-layout.ts';
import { pointerSegments } from '../model/problem-place.ts';
import { RelationEdge } from './RelationEdge.tsx';
import { TableNode, type TableNodeType } from './TableNode.tsx';
import { MANY_MARKER, ONE_MARKER, relationEdges, type Box, type RelationData } from './graph.ts';
import './canvas.css';

const nodeTypes = { table: TableNode };
const edgeTypes = { relation: RelationEdge };

/** Whether a rebuilt node shows the same thing as the one React Flow already has. */
const sameNode = (a: TableNodeType, b: TableNodeType): boolean =>
  a.position.x === b.position.x &&
  a.position.y === b.position.y &&
  a.selected === b.selected &&
  a.style?.visibility === b.style?.visibility &&
  a.data.selectedField === b.data.selectedField &&
  a.data.problemCount === b.data.problemCount &&
  a.data.fieldProblems.join() === b.data.fieldProblems.join() &&
  (a.data.table === b.data.table || JSON.stringify(a.data.table) === JSON.stringify(b.data.table));

/** The marks at the ends of a relation: a crow's foot at the field (many rows), a bar at the table (one row). */
const RelationMarkers = () => (
  <svg className="relation-markers" aria-hidden>
    <defs>
      <marker
        id={MANY_MARKER}
        viewBox="0 0 20 20"
        markerWidth="20"
        markerHeight="20"
        refX="0"
        refY="10"
        orient="auto"
        markerUnits="userSpaceOnUse"
      >
        <path d="M0,3 L13,10 M0,17 L13,10 M0,10 L16,10" />
      </marker>
      <marker
        id={ONE_MARKER}
        viewBox="0 0 20 20"
        markerWidth="20"
        markerHeight="20"
        refX="20"
        refY="10"
        orient="auto"
        markerUnits="userSpaceOnUse"
      >
        <path d="M9,3 L9,17 M4,10 L20,10" />
      </marker>
    </defs>
  </svg>
);

/** The canvas; lays out tables without a position once, with elkjs. */
export const Canvas = () => {
  const config = useDesigner((s) => s.config);
  const datastore = useDesigner((s) => s.datastore);
  const selection = useDesigner((s) => s.selection);
  const change = useDesigner((s) => s.change);
  const select = useDesigner((s) => s.select);
  const problems = useProblems();
  const flow = useReactFlow();
  const ds = config.datastores[datastore];
  const positions = layoutOf(config)[datastore];

  // Tables without a position get one: elkjs for a whole unplaced datastore, else to the right of the others.
  const missing = useMemo(
    () => Object.keys(ds?.tables ?? {}).filter((table) => !positions?.[table]),
    [ds, positions],
  );
  useEffect(() => {
    if (!ds || missing.length === 0) return;
    let cancelled = false;
    const placed = Object.values(positions ?? {});
    const apply = (found: Record<string, Point>) => {
      if (cancelled) return;
      change(
        (draft) => {
          for (const [table, point] of Object.entries(found)) {
            if (draft.datastores[datastore]?.tables[table]) setPosition(draft, datastore, table, point);
          }
        },
        // Placing tables is not a change the person made, so it is not an undo step.
        { history: false },
      );
      setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }), 50);
    };
    if (placed.length === 0) {
      void autoLayout(ds).then(apply);
    } else {
      const right = Math.max(...placed.map((p) => p.x)) + 320;
      apply(Object.fromEntries(missing.map((table, index) => [table, { x: right, y: index * 200 }])));
    }
    return () => {
      cancelled = true;
    };
  }, [missing, ds, positions, datastore, change, flow]);

  const built = useMemo<TableNodeType[]>(() => {
    const prefix = `/datastores/${datastore}/tables/`;
    return Object.entries(ds?.tables ?? {}).map(([id, table]) => {
      const own = problems.filter((p) => p.path === `${prefix}${id}` || p.path.startsWith(`${prefix}${id}/`));
      return {
        id,
        type: 'table',
        position: positions?.[id] ?? { x: 0, y: 0 },
        selected: selection.kind !== 'datastore' && selection.table === id,
        data: {
          table,
          selectedField: selection.kind === 'field' && selection.table === id ? selection.field : undefined,
          problemCount: own.length,
          fieldProblems: own.map((p) => pointerSegments(p.path)[5] ?? '').filter(Boolean),
        },
        style: positions?.[id] ? undefined : { visibility: 'hidden' as const },
        width: nodeSize(Object.keys(table.fields).length).width,
      };
    });
  }, [ds, positions, selection, datastore, problems]);

  // React Flow's own node state (sizes it measured, positions while dragging), rebuilt when the model changes.
  const [nodes, setNodes] = useState<TableNodeType[]>(built);
  const [builtFrom, setBuiltFrom] = useState(built);
  if (builtFrom !== built) {
    setBuiltFrom(built);
    const before = new Map(nodes.map((node) => [node.id, node]));
    // Unchanged tables keep their node object, so a click or an edit re-renders only the tables it touches.
    setNodes(
      built.map((node) => {
        const old = before.get(node.id);
        return old && sameNode(old, node) ? old : { ...node, measured: old?.measured };
      }),
    );
  }

  const onNodesChange = useCallback(
    (changes: NodeChange<TableNodeType>[]) => {
      // Selection and removal are the designer's own (click, Delete key), not React Flow's.
      const kept = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
      setNodes((current) => applyNodeChanges(kept, current));
      const dropped = kept.filter((c) => c.type === 'position' && c.dragging === false && c.position);
      if (dropped.length > 0) {
        change((draft) => {
          for (const c of dropped)
            if (c.type === 'position' && c.position) setPosition(draft, datastore, c.id, c.position);
        });
      }
    },
    [change, datastore],
  );

  // Edges follow the cards as React Flow has them (while dragging too), each on the side nearest its target.
  const boxes = useMemo(
    () =>
      Object.fromEntries(
        nodes.map((node): [string, Box] => [
          node.id,
          {
            x: node.position.x,
            y: node.position.y,
            width: node.measured?.width ?? node.width ?? 250,
            height: node.measured?.height ?? nodeSize(Object.keys(node.data.table.fields).length).height,
          },
        ]),
      ),
    [nodes],
  );
  const edges = useMemo(
    () =>
      relationEdges(
        ds,
        boxes,
        selection.kind === 'field' ? { table: selection.table, field: selection.field } : undefined,
      ),
    [ds, boxes, selection],
  );

  // Dropping a field's handle anywhere on a table links the field to that table.
  const onConnectEnd: OnConnectEnd = useCallback(
    (event, state) => {
      const fromTable = state.fromNode?.id;
      const fromField = state.fromHandle?.id;
      if (!fromTable || !fromField) return;
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const target =
        state.toNode?.id ??
        (point
          ? document
              .elementFromPoint(point.clientX, point.clientY)
              ?.closest<HTMLElement>('.react-flow__node')
              ?.getAttribute('data-id')
          : undefined);
      if (!target || target === fromTable) return;
      change((draft) => setReference(draft, datastore, fromTable, fromField, target));
      select({ kind: 'field', table: fromTable, field: fromField });
    },
    [change, select, datastore],
  );

  // A new table goes to the right of the others, level with the top one.
  const addTableHere = () => {
    const placed = Object.values(positions ?? {});
    const at = placed.length
      ? { x: Math.max(...placed.map((p) => p.x)) + 320, y: Math.min(...placed.map((p) => p.y)) }
      : { x: 0, y: 0 };
    let created = '';
    change((draft) => {
      created = addTable(draft, datastore, at);
    });
    select({ kind: 'table', table: created }, { focus: true });
    // A small diagram stays whole on screen; in a big one, the view goes to the new table.
    if (placed.length < 12)
      setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }), 50);
    else void flow.setCenter(at.x + 125, at.y + 100, { zoom: Math.min(flow.getZoom(), 1), duration: 200 });
  };

  if (!ds) {
    return (
      <div className="canvas empty">
        This project has no datastore yet. Add one with the Datastore menu above.
      </div>
    );
  }

  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow<TableNodeType, Edge<RelationData>>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onConnectEnd={onConnectEnd}
        onNodeClick={(_, node) => {
          // Field rows handle their own clicks; a click elsewhere on the card picks the table (kept if already).
          if (selection.kind !== 'table' || selection.table !== node.id)
            select({ kind: 'table', table: node.id });
        }}
        onEdgeClick={(_, edge) =>
          select({ kind: 'field', table: edge.source, field: edge.data?.field ?? '', link: true })
        }
        onPaneClick={() => select({ kind: 'datastore' })}
        deleteKeyCode={null}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <RelationMarkers />
        <Background gap={24} />
        <Controls showInteractive={false} fitViewOptions={{ padding: 0.2, maxZoom: 1 }} />
        <MiniMap pannable zoomable />
        {Object.keys(ds.tables).length === 0 && (
          <Panel position="top-center" className="canvas-empty">
            <strong>No tables yet</strong>
            <span>
              A table holds rows of the same kind: tasks, messages, customers… Start with + Add table.
            </span>
          </Panel>
        )}
        <Panel position="top-left">
          <div className="canvas-toolbar">
            <button type="button" onClick={addTableHere}>
              + Add table
            </button>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                if (!ds) return;
                void autoLayout(ds).then((found) => {
                  change((draft) => {
                    for (const [table, point] of Object.entries(found))
                      setPosition(draft, datastore, table, point);
                  });
                  setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }), 50);
                });
              }}
            >
              Tidy up
            </button>
            <span className="canvas-hint">Drag a field's dot onto a table to link them.</span>
          </div>
        </Panel>
      </ReactFlow>
    </div>
  );
};
