// The design view: the canvas of the current datastore, the side panel for the selection, and the Problems and Tests panels.
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from '../canvas/Canvas.tsx';
import { SidePanel } from '../panels/SidePanel.tsx';
import { ProblemsPanel } from '../panels/ProblemsPanel.tsx';
import { TestsPanel } from '../tests/TestsPanel.tsx';

/** Canvas, side panel, problems and tests. */
export const DesignView = () => (
  <div className="design">
    <div className="design-main">
      <ReactFlowProvider>
        <Canvas />
      </ReactFlowProvider>
      <div className="bottom-panels">
        <ProblemsPanel />
        <TestsPanel />
      </div>
    </div>
    <SidePanel />
  </div>
);
