// The browser's list of projects and their drafts, kept in localStorage so work survives a reload.
import type { AppConfig } from '@datastore-designer/schema';

/** One project in the list on the start screen. */
export interface ProjectMeta {
  id: string;
  name: string;
  /** The app id the project deploys to. */
  app: string;
  updatedAt: string;
  /** True when the project was opened from an app deployed on the runtime (opening it again reopens this one). */
  fromRuntime?: boolean;
}

const LIST_KEY = 'datastore-designer.projects';
const draftKey = (id: string): string => `datastore-designer.draft.${id}`;

/** Reads the project list, newest first. */
export const listProjects = (): ProjectMeta[] => {
  try {
    const raw = localStorage.getItem(LIST_KEY);
    const list = raw ? (JSON.parse(raw) as ProjectMeta[]) : [];
    return [...list].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  } catch {
    return [];
  }
};

const writeList = (list: ProjectMeta[]): void => localStorage.setItem(LIST_KEY, JSON.stringify(list));

/** Turns a project name into an app id the runtime accepts (`^[a-z][a-z0-9-]{0,62}$`). */
export const appIdFrom = (name: string): string => {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return slug || 'my-app';
};

/** Creates a project with a first draft and returns its description. */
export const createProject = (
  name: string,
  config: AppConfig,
  app?: string,
  options: { fromRuntime?: boolean } = {},
): ProjectMeta => {
  const meta: ProjectMeta = {
    id: `p${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`,
    name,
    app: app ?? appIdFrom(name),
    updatedAt: new Date().toISOString(),
    ...(options.fromRuntime ? { fromRuntime: true } : {}),
  };
  writeList([...listProjects(), meta]);
  saveDraft(meta.id, config);
  return meta;
};

/** Reads a project's draft config, or undefined when it is gone. */
export const loadDraft = (id: string): AppConfig | undefined => {
  const raw = localStorage.getItem(draftKey(id));
  return raw ? (JSON.parse(raw) as AppConfig) : undefined;
};

/** Saves a project's draft config and marks the project as just changed. */
export const saveDraft = (id: string, config: AppConfig): void => {
  localStorage.setItem(draftKey(id), JSON.stringify(config));
  writeList(listProjects().map((p) => (p.id === id ? { ...p, updatedAt: new Date().toISOString() } : p)));
};

/** Changes a project's name or app id. */
export const updateProject = (id: string, patch: Partial<Pick<ProjectMeta, 'name' | 'app'>>): void =>
  writeList(listProjects().map((p) => (p.id === id ? { ...p, ...patch } : p)));

/** Removes a project and its draft from this browser. */
export const deleteProject = (id: string): void => {
  localStorage.removeItem(draftKey(id));
  writeList(listProjects().filter((p) => p.id !== id));
};
