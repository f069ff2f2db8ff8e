// The bar above every view: back to projects, project name, datastore switcher, views, undo/redo, export.
import { useState } from 'react';
import { useDesigner } from '../model/useDesigner.ts';
import { useProblems } from '../model/useProblems.ts';
import { updateProject, type ProjectMeta } from '../model/project-storage.ts';
import { addDatastore } from '../model/config-edits.ts';
import { downloadConfig } from '../model/config-file.ts';
import type { View } from '../model/designer-store.ts';

const VIEWS: { id: View; label: string; title: string }[] = [
  { id: 'design', label: 'Design', title: 'Tables, fields, relations and rules' },
  { id: 'json', label: 'JSON', title: 'The whole config as text' },
  { id: 'preview', label: 'Preview', title: 'Try it with several simulated people' },
  { id: 'deploy', label: 'Deploy', title: 'Publish to a runtime, versions and instances' },
];

/** The top bar of an open project. */
export const TopBar = ({ meta }: { meta: ProjectMeta }) => {
  const [name, setName] = useState(meta.name);
  const config = useDesigner((s) => s.config);
  const datastore = useDesigner((s) => s.datastore);
  const view = useDesigner((s) => s.view);
  const canUndo = useDesigner((s) => s.past.length > 0);
  const canRedo = useDesigner((s) => s.future.length > 0);
  const { undo, redo, setView, setDatastore, change } = useDesigner((s) => s);
  const problems = useProblems();
  const saved = useDesigner((s) => s.saved);
  const app = useDesigner((s) => s.app);
  const isMac = navigator.platform.toLowerCase().includes('mac');
  const mod = isMac ? '⌘' : 'Ctrl+';

  return (
    <header className="topbar">
      <a className="back" href="#/" title="Back to all projects">
        ← Projects
      </a>
      <input
        className="project-name"
        aria-label="Project name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        onBlur={() => updateProject(meta.id, { name: name.trim() || meta.name })}
      />
      <label className="switcher">
        <span>Datastore</span>
        <select
          aria-label="Datastore"
          value={datastore}
          onChange={(event) => {
            if (event.target.value === '__add') {
              let created = '';
              change((draft) => {
                created = addDatastore(draft);
              });
              setDatastore(created);
            } else setDatastore(event.target.value);
          }}
        >
          {datastore === '' && (
            <option value="" disabled>
              No datastore yet
            </option>
          )}
          {Object.entries(config.datastores).map(([id, ds]) => (
            <option key={id} value={id}>
              {ds.title ? `${ds.title} (${id})` : id}
            </option>
          ))}
          <option value="__add">+ Add a datastore…</option>
        </select>
      </label>
      <nav className="views" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            type="button"
            key={v.id}
            title={v.title}
            className={view === v.id ? 'active' : ''}
            aria-pressed={view === v.id}
            onClick={() => setView(v.id)}
          >
            {v.label}
            {v.id === 'design' && problems.length > 0 && (
              <span className="badge" title={`${problems.length} problems to fix`}>
                {problems.length}
              </span>
            )}
          </button>
        ))}
      </nav>
      <div className="topbar-actions">
        <span className="save-state muted" title="Your draft is kept in this browser as you work">
          {saved ? 'Saved' : 'Saving…'}
        </span>
        <button type="button" className="ghost" disabled={!canUndo} onClick={undo} title={`Undo (${mod}Z)`}>
          ↶ Undo
        </button>
        <button
          type="button"
          className="ghost"
          disabled={!canRedo}
          onClick={redo}
          title={`Redo (${mod}Shift+Z)`}
        >
          ↷ Redo
        </button>
        <button
          type="button"
          onClick={() => downloadConfig(config, `${app}.datastore.json`)}
          title="Download the config as a file"
        >
          Export
        </button>
      </div>
    </header>
  );
};
