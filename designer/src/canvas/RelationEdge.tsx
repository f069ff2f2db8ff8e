// A relation's line on the canvas: routed around the cards by graph.ts, with its many and one marks at the ends.
import { useMemo } from 'react';
import { BaseEdge, Position, type Edge, type EdgeProps } from '@xyflow/react';
import { roundedPath, routeRelation, type RelationData, type Side } from './graph.ts';

const sideOf = (position: Position): Side => (position === Position.Left ? 'left' : 'right');

/** The edge type React Flow draws for every relation. */
export const RelationEdge = ({
  sourceX,
  sourceY,
  sourcePosition,
  targetX,
  targetY,
  targetPosition,
  markerStart,
  markerEnd,
  data,
  interactionWidth,
}: EdgeProps<Edge<RelationData>>) => {
  const cards = data?.cards;
  const path = useMemo(
    () =>
      roundedPath(
        routeRelation(
          { x: sourceX, y: sourceY, side: sideOf(sourcePosition) },
          { x: targetX, y: targetY, side: sideOf(targetPosition) },
          cards ?? [],
        ),
      ),
    [sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition, cards],
  );
  return (
    <BaseEdge
      path={path}
      markerStart={markerStart}
      markerEnd={markerEnd}
      interactionWidth={interactionWidth}
    />
  );
};
