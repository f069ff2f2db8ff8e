// The side panel: settings of whatever is selected (the datastore, a table, a field).
import { useEffect, useRef } from 'react';
import { useDesigner } from '../model/useDesigner.ts';
import { DatastorePanel } from './DatastorePanel.tsx';
import { TablePanel } from './TablePanel.tsx';
import { FieldPanel } from './FieldPanel.tsx';
import './panels.css';

/** Shows the panel for the selection and brings a selected rule or field into view when asked. */
export const SidePanel = () => {
  const selection = useDesigner((s) => s.selection);
  const focusTick = useDesigner((s) => s.focusTick);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    if (focusTick === 0) return;
    // Wait a frame so the panel for the new selection is on screen.
    requestAnimationFrame(() => {
      const root = panel.current;
      if (!root) return;
      const spot = root.querySelector<HTMLElement>('.highlighted') ?? root;
      spot.scrollIntoView({ block: 'center', behavior: 'smooth' });
      const box = spot.querySelector<HTMLElement>('input, select, textarea');
      box?.focus();
      // A new table or field arrives with a made-up name: selected, so typing replaces it.
      if (box instanceof HTMLInputElement) box.select();
    });
  }, [focusTick]);

  return (
    // `nokey`: React Flow's canvas keys (Space pans) must not swallow what is typed here, Monaco included.
    <aside className="side-panel nokey" ref={panel} aria-label="Settings">
      {selection.kind === 'datastore' && <DatastorePanel highlightRule={selection.rule} />}
      {selection.kind === 'table' && <TablePanel table={selection.table} highlightRule={selection.rule} />}
      {selection.kind === 'field' && <FieldPanel table={selection.table} field={selection.field} />}
    </aside>
  );
};
