// The Preview tab: the preview pane (several simulated people on a preview app) over the current valid draft.
import { lazy, Suspense, useMemo } from 'react';
import { validateConfig } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { loadConnection } from '../model/runtime-client.ts';
import { appendScenario } from '../tests/test-edits.ts';
import './preview-tab.css';

// The pane brings TinyBase and its sync client: loaded only when someone opens the tab.
const PreviewPane = lazy(() =>
  import('@datastore-designer/preview/pane').then((m) => ({ default: m.PreviewPane })),
);

/** Mounts the preview pane when the draft has no problems; otherwise says what to do first. */
export const PreviewTab = () => {
  const config = useDesigner((s) => s.config);
  const setView = useDesigner((s) => s.setView);
  const app = useDesigner((s) => s.app);
  const change = useDesigner((s) => s.change);
  const result = useMemo(() => validateConfig(config), [config]);
  const runtime = useMemo(loadConnection, []);

  if (!result.ok) {
    return (
      <div className="centered-note">
        <h2>Fix the problems first</h2>
        <p>
          The preview runs this draft on the runtime, so it needs a draft without problems. There{' '}
          {result.errors.length === 1 ? 'is 1 problem' : `are ${result.errors.length} problems`} to fix.
        </p>
        <button type="button" onClick={() => setView('design')}>
          Show the problems
        </button>
      </div>
    );
  }
  return (
    <div className="preview-tab">
      <Suspense fallback={<div className="loading">Opening the preview…</div>}>
        <PreviewPane
          config={result.config}
          app={app}
          runtime={runtime}
          onRecordScenario={(scenario) => change((draft) => appendScenario(draft, scenario))}
        />
      </Suspense>
    </div>
  );
};
