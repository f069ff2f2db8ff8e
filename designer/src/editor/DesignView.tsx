// The design view: the canvas of the current datastore, the side panel for the selection, and the Problems panel.
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from '../canvas/Canvas.tsx';
import { SidePanel } from '../panels/SidePanel.tsx';
import { ProblemsPanel } from '../panels/ProblemsPanel.tsx';

/** Canvas, side panel and problems, side by side. */
export const DesignView = () => (
  <div className="design">
    <div className="design-main">
      <ReactFlowProvider>
        <Canvas />
      </ReactFlowProvider>
      <ProblemsPanel />
    </div>
    <SidePanel />
  </div>
);
