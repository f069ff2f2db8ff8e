// The Preview tab: mounts the preview engineer's PreviewPane with the current valid draft, lazily.
import type { ProjectMeta } from '../model/project-storage.ts';

/** Placeholder until the multi-user preview pane lands. */
export const PreviewTab = ({ meta }: { meta: ProjectMeta }) => (
  <div className="centered-note" data-app={meta.app}>
    <h2>Preview is coming</h2>
    <p>
      Soon you will try this datastore here with several simulated people side by side, each with their own
      device, before you deploy it.
    </p>
  </div>
);
