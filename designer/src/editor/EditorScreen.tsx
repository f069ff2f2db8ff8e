// An open project: top bar, the current view (design, JSON, preview, deploy), autosave and keyboard shortcuts.
import { lazy, Suspense, useEffect, useState } from 'react';
import type { AppConfig } from '@datastore-designer/schema';
import { createDesignerStore } from '../model/designer-store.ts';
import { DesignerContext } from '../model/designer-context.ts';
import { useDesigner } from '../model/useDesigner.ts';
import { saveDraft, type ProjectMeta } from '../model/project-storage.ts';
import { deleteField, deleteTable, setReference } from '../model/config-edits.ts';
import { TopBar } from './TopBar.tsx';
import { ViewErrorBoundary } from './ViewErrorBoundary.tsx';
import { DesignView } from './DesignView.tsx';
import { DeployView } from '../deploy/DeployView.tsx';
import { PreviewTab } from '../preview/PreviewTab.tsx';
import './editor.css';

const JsonView = lazy(() => import('../json/JsonView.tsx').then((m) => ({ default: m.JsonView })));

/** True when the keyboard focus is in something that handles its own typing and undo. */
const typingInField = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    target.closest('.monaco-editor') !== null);

/** The editor for one project. */
export const EditorScreen = ({ meta, initialConfig }: { meta: ProjectMeta; initialConfig: AppConfig }) => {
  const [store] = useState(() => createDesignerStore(meta.id, initialConfig, meta.app));

  // Autosave: every change of the draft is written to this browser shortly after it happens.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.config === previous.config) return;
      clearTimeout(timer);
      if (state.saved) state.setSaved(false);
      timer = setTimeout(() => {
        saveDraft(meta.id, store.getState().config);
        store.getState().setSaved(true);
      }, 250);
    });
    return () => {
      clearTimeout(timer);
      saveDraft(meta.id, store.getState().config);
      unsubscribe();
    };
  }, [store, meta.id]);

  // Undo/redo and delete from the keyboard, except while typing in a box that has its own.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingInField(event.target)) return;
      const state = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === 'z') {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (mod && event.key.toLowerCase() === 'y') {
        event.preventDefault();
        state.redo();
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && state.view === 'design') {
        const { selection, datastore } = state;
        if (selection.kind === 'field' && selection.link) {
          // A link picked on the canvas: Delete removes the link and keeps the field.
          event.preventDefault();
          state.change((draft) =>
            setReference(draft, datastore, selection.table, selection.field, undefined),
          );
          state.select({ kind: 'field', table: selection.table, field: selection.field });
        } else if (selection.kind === 'field') {
          event.preventDefault();
          state.change((draft) => deleteField(draft, datastore, selection.table, selection.field));
          state.select({ kind: 'table', table: selection.table });
        } else if (selection.kind === 'table') {
          event.preventDefault();
          state.change((draft) => deleteTable(draft, datastore, selection.table));
          state.select({ kind: 'datastore' });
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  return (
    <DesignerContext.Provider value={store}>
      <div className="editor">
        <TopBar meta={meta} />
        <GuardedView meta={meta} />
      </div>
    </DesignerContext.Provider>
  );
};

/** The current view inside an error boundary that retries after each model change. */
const GuardedView = ({ meta }: { meta: ProjectMeta }) => {
  const config = useDesigner((s) => s.config);
  const undo = useDesigner((s) => s.undo);
  return (
    <ViewErrorBoundary resetKey={config} onUndo={undo}>
      <CurrentView meta={meta} />
    </ViewErrorBoundary>
  );
};

/** Shows the view picked in the top bar. */
const CurrentView = ({ meta }: { meta: ProjectMeta }) => {
  const view = useDesigner((s) => s.view);
  if (view === 'json') {
    return (
      <Suspense fallback={<div className="loading">Opening the JSON editor…</div>}>
        <JsonView />
      </Suspense>
    );
  }
  if (view === 'deploy') return <DeployView meta={meta} />;
  if (view === 'preview') return <PreviewTab />;
  return <DesignView />;
};
