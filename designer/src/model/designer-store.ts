// The designer's state for one open project: the config draft with undo/redo history, the selection and view.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppConfig, ConfigProblem, RuleKind } from '@datastore-designer/schema';

/** What the side panel shows and the canvas highlights. */
export type Selection =
  | { kind: 'datastore'; rule?: RuleKind }
  | { kind: 'table'; table: string; rule?: RuleKind }
  | { kind: 'field'; table: string; field: string; /** Picked by its link on the canvas. */ link?: boolean };

/** The main views of an open project. */
export type View = 'design' | 'json' | 'preview' | 'deploy';

/** State and actions of an open project. */
export interface DesignerState {
  projectId: string;
  /** The app id this project deploys to (and previews as `<app>-preview`). */
  app: string;
  setApp: (app: string) => void;
  config: AppConfig;
  datastore: string;
  selection: Selection;
  view: View;
  past: AppConfig[];
  future: AppConfig[];
  /** Problems the runtime reported on the last deploy, shown in the Problems panel until the next change. */
  serverProblems: ConfigProblem[];
  /**
   * Why the text in the JSON view is not the draft (not JSON, or not drawable), while the person is fixing it; the
   * Problems panel shows it and nothing deploys meanwhile.
   */
  textProblem: string | undefined;
  setTextProblem: (problem: string | undefined) => void;
  /** Whether the draft on screen is written to this browser yet (autosave). */
  saved: boolean;
  setSaved: (saved: boolean) => void;
  /** Bumped when something asks the side panel to scroll to and focus the selection. */
  focusTick: number;
  /** Applies one model change (a copy of the config is passed to `edit`) and records it for undo. */
  change: (edit: (draft: AppConfig) => void, options?: { coalesce?: string; history?: boolean }) => void;
  /** Replaces the whole config (JSON view, import) as one undoable step. */
  replaceConfig: (config: AppConfig, options?: { coalesce?: string }) => void;
  undo: () => void;
  redo: () => void;
  select: (selection: Selection, options?: { focus?: boolean }) => void;
  setDatastore: (datastore: string) => void;
  setView: (view: View) => void;
  setServerProblems: (problems: ConfigProblem[]) => void;
}

const HISTORY_LIMIT = 200;
// Keystrokes in one box within this window become one undo step, as in a text editor.
const COALESCE_MS = 1200;

/** Keeps the current datastore pointing at one that exists after undo, import or a JSON edit. */
const existingDatastore = (config: AppConfig, wanted: string): string =>
  config.datastores[wanted] ? wanted : (Object.keys(config.datastores)[0] ?? '');

/** Drops a selection whose table or field no longer exists. */
const existingSelection = (config: AppConfig, ds: string, selection: Selection): Selection => {
  const tables = config.datastores[ds]?.tables ?? {};
  if (selection.kind === 'datastore') return selection;
  if (!tables[selection.table]) return { kind: 'datastore' };
  if (selection.kind === 'field' && !tables[selection.table]?.fields[selection.field]) {
    return { kind: 'table', table: selection.table };
  }
  return selection;
};

/** Creates the store of one open project (one per project, never a module-level singleton). */
export const createDesignerStore = (
  projectId: string,
  config: AppConfig,
  app: string,
): StoreApi<DesignerState> => {
  let lastCoalesce: { key: string; at: number } | undefined;

  return createStore<DesignerState>()((set, get) => {
    const commit = (next: AppConfig, options: { coalesce?: string; history?: boolean } = {}): void => {
      const { config: before, past, datastore, selection } = get();
      const now = Date.now();
      const merge =
        options.coalesce !== undefined &&
        lastCoalesce?.key === options.coalesce &&
        now - lastCoalesce.at < COALESCE_MS;
      lastCoalesce = options.coalesce !== undefined ? { key: options.coalesce, at: now } : undefined;
      const ds = existingDatastore(next, datastore);
      const history = options.history === false || merge ? past : [...past, before].slice(-HISTORY_LIMIT);
      set({
        config: next,
        past: history,
        future: options.history === false ? get().future : [],
        datastore: ds,
        selection: existingSelection(next, ds, selection),
        serverProblems: [],
      });
    };

    const travel = (from: 'past' | 'future'): void => {
      const state = get();
      const stack = state[from];
      const target = stack[stack.length - 1];
      if (!target) return;
      lastCoalesce = undefined;
      const rest = stack.slice(0, -1);
      const ds = existingDatastore(target, state.datastore);
      set({
        config: target,
        past: from === 'past' ? rest : [...state.past, state.config],
        future: from === 'future' ? rest : [...state.future, state.config],
        datastore: ds,
        selection: existingSelection(target, ds, state.selection),
      });
    };

    return {
      projectId,
      app,
      setApp: (next) => set({ app: next }),
      config,
      datastore: existingDatastore(config, ''),
      selection: { kind: 'datastore' },
      view: 'design',
      past: [],
      future: [],
      serverProblems: [],
      textProblem: undefined,
      setTextProblem: (textProblem) => set({ textProblem }),
      focusTick: 0,
      saved: true,
      setSaved: (saved) => set({ saved }),
      change: (edit, options) => {
        const draft = structuredClone(get().config);
        edit(draft);
        commit(draft, options);
      },
      replaceConfig: (next, options) => commit(next, options),
      undo: () => travel('past'),
      redo: () => travel('future'),
      select: (selection, options) =>
        set((state) => ({ selection, focusTick: options?.focus ? state.focusTick + 1 : state.focusTick })),
      setDatastore: (datastore) => set({ datastore, selection: { kind: 'datastore' } }),
      setView: (view) => set({ view }),
      setServerProblems: (serverProblems) => set({ serverProblems }),
    };
  });
};
