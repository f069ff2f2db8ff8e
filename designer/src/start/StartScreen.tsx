// The start screen: projects kept in this browser, new projects from templates or blank, and importing a file.
import { useEffect, useRef, useState } from 'react';
import { blankConfig, parseConfigText, templates, type AppConfig } from '@datastore-designer/schema';
import { createProject, deleteProject, listProjects, type ProjectMeta } from '../model/project-storage.ts';
import { undrawableReason } from '../model/config-shape.ts';
import { fetchApps, fetchLiveConfig, loadConnection } from '../model/runtime-client.ts';
import './start.css';

/** Opens a project by putting its id in the address. */
const open = (meta: ProjectMeta): void => {
  location.hash = `#/project/${meta.id}`;
};

/** A project name not yet used in this browser ("Todo", "Todo 2"…). */
const freeName = (base: string): string => {
  const names = new Set(listProjects().map((p) => p.name));
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) if (!names.has(`${base} ${n}`)) return `${base} ${n}`;
};

// Letters on coloured tiles rather than emoji, which many systems lack fonts for.
const TEMPLATE_ICONS: Record<string, { letter: string; color: string }> = {
  todo: { letter: '✓', color: 'var(--dd-tint-indigo)' },
  chat: { letter: 'C', color: 'var(--dd-tint-teal)' },
  gameMatch: { letter: 'G', color: 'var(--dd-tint-amber)' },
  personalNotes: { letter: 'N', color: 'var(--dd-tint-violet)' },
  tenantCrm: { letter: 'O', color: 'var(--dd-tint-green)' },
};

/** The first screen: pick a project, start a new one, or import a config file. */
export const StartScreen = () => {
  const [projects, setProjects] = useState(listProjects);
  const [importError, setImportError] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);
  const [deployed, setDeployed] = useState<{ app: string; version: number }[]>([]);

  // Apps already on the runtime serving this page (the demo app under npm start) can be opened at once.
  useEffect(() => {
    let live = true;
    fetchApps(loadConnection())
      .then((apps) => live && setDeployed(apps.filter((a) => !a.app.endsWith('-preview'))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const openDeployed = async (app: string): Promise<void> => {
    setImportError(undefined);
    try {
      // The project already made from this app opens again rather than a second copy.
      const existing = listProjects().find((project) => project.app === app && project.fromRuntime);
      if (existing) {
        open(existing);
        return;
      }
      const live = await fetchLiveConfig(loadConnection(), app);
      if (live) open(createProject(freeName(app), live.config, app, { fromRuntime: true }));
    } catch (error) {
      setImportError((error as Error).message);
    }
  };

  const startFrom = (name: string, config: AppConfig): void => open(createProject(freeName(name), config));

  const importFile = async (file: File): Promise<void> => {
    setImportError(undefined);
    const text = await file.text();
    const result = parseConfigText(text);
    if (result.errors.some((problem) => problem.code === 'invalid_json')) {
      setImportError(
        `"${file.name}" is not a config file: ${result.errors[0]?.message ?? 'it is not valid JSON.'}`,
      );
      return;
    }
    // A config with problems still opens: the Problems panel then shows what to fix.
    const config: unknown = JSON.parse(text);
    const reason = undrawableReason(config);
    if (reason) {
      setImportError(`"${file.name}" cannot be opened: ${reason}`);
      return;
    }
    // An exported file is named `<app>.datastore.json`: the project gets that app id back.
    startFrom(file.name.replace(/(\.datastore)?\.json$/i, ''), config as AppConfig);
  };

  return (
    <div className="start">
      <header className="start-header">
        <h1>Datastore Designer</h1>
        <p>
          Design the data of your app — tables, who can see and change what — then try it with several people
          and publish it.
        </p>
      </header>

      <section>
        <h2>Start a new project</h2>
        <div className="template-grid">
          <button
            type="button"
            className="template-card"
            onClick={() => startFrom('Untitled', blankConfig())}
          >
            <span className="template-icon plain">+</span>
            <strong>Blank project</strong>
            <span>Start with an empty datastore and add your own tables.</span>
          </button>
          {templates.map((template) => (
            <button
              type="button"
              key={template.id}
              className="template-card"
              data-template={template.id}
              onClick={() => startFrom(template.title, structuredClone(template.config))}
            >
              <span className="template-icon" style={{ background: TEMPLATE_ICONS[template.id]?.color }}>
                {TEMPLATE_ICONS[template.id]?.letter ?? '▦'}
              </span>
              <strong>{template.title}</strong>
              <span>{template.description}</span>
            </button>
          ))}
          <button
            type="button"
            className="template-card import-card"
            onClick={() => fileInput.current?.click()}
          >
            <span className="template-icon plain">⤒</span>
            <strong>Import a file…</strong>
            <span>Open a config file exported before (.json).</span>
          </button>
        </div>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void importFile(file);
          }}
        />
        {importError && (
          <p className="error-box" role="alert">
            {importError}
          </p>
        )}
      </section>

      {deployed.length > 0 && (
        <section>
          <h2>Deployed on this runtime</h2>
          <ul className="project-list" data-testid="deployed-apps">
            {deployed.map((d) => (
              <li key={d.app}>
                <button type="button" className="project-open" onClick={() => void openDeployed(d.app)}>
                  <strong>{d.app}</strong>
                  <span>Live version {d.version} — open a copy to change it</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section>
        <h2>Your projects</h2>
        {projects.length === 0 ? (
          <p className="empty">
            No projects yet. Pick a template above to start — you can change everything later.
          </p>
        ) : (
          <ul className="project-list">
            {projects.map((project) => (
              <li key={project.id}>
                <button type="button" className="project-open" onClick={() => open(project)}>
                  <strong>{project.name}</strong>
                  <span>Changed {new Date(project.updatedAt).toLocaleString()}</span>
                </button>
                <button
                  type="button"
                  className="ghost danger"
                  aria-label={`Delete project ${project.name}`}
                  onClick={() => {
                    if (
                      confirm(
                        `Delete the project "${project.name}" from this browser? This cannot be undone.`,
                      )
                    ) {
                      deleteProject(project.id);
                      setProjects(listProjects());
                    }
                  }}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="hint">Projects are kept in this browser. Export a project to keep a copy as a file.</p>
      </section>
    </div>
  );
};
