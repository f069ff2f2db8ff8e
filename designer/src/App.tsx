// Top of the designer: the start screen, or the open project named in the address (#/project/<id>).
import { useEffect, useState } from 'react';
import { StartScreen } from './start/StartScreen.tsx';
import { EditorScreen } from './editor/EditorScreen.tsx';
import { listProjects, loadDraft } from './model/project-storage.ts';

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
    return <EditorScreen key={meta.id} meta={meta} initialConfig={config} />;
  }
  return <StartScreen />;
};
