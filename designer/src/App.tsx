// Top of the designer: the start screen, or the open project named in the address (#/project/<id>).
import { lazy, Suspense, useEffect, useState } from 'react';
import { StartScreen } from './start/StartScreen.tsx';
import { listProjects, loadDraft } from './model/project-storage.ts';

// The editor (canvas, panels) is its own chunk: the start screen shows without it.
const EditorScreen = lazy(() =>
  import('./editor/EditorScreen.tsx').then((m) => ({ default: m.EditorScreen })),
);

const projectInHash = (): string | undefined => /^#\/project\/(.+)$/.exec(location.hash)?.[1];

/** The designer app: routes between the project list and an open project. */
export const App = () => {
  const [projectId, setProjectId] = useState(projectInHash);

  useEffect(() => {
    const onHash = () => setProjectId(projectInHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const meta = projectId ? listProjects().find((p) => p.id === projectId) : undefined;
  const config = meta ? loadDraft(meta.id) : undefined;
  if (meta && config) {
    return (
      <Suspense fallback={<div className="loading">Opening the project…</div>}>
        <EditorScreen key={meta.id} meta={meta} initialConfig={config} />
      </Suspense>
    );
  }
  return <StartScreen />;
};
