// Hook reading a slice of the open project's store.
import { useContext } from 'react';
import { useStore } from 'zustand';
import type { DesignerState } from './designer-store.ts';
import { DesignerContext } from './designer-context.ts';

/** Selects a slice of the open project's state; re-renders only when that slice changes. */
export const useDesigner = <T>(selector: (state: DesignerState) => T): T => {
  const store = useContext(DesignerContext);
  if (!store) throw new Error('useDesigner needs a DesignerContext provider');
  return useStore(store, selector);
};
