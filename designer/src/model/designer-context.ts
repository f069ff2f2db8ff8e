// React context carrying the store of the project that is open.
import { createContext } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { DesignerState } from './designer-store.ts';

/** The open project's store; provided by the editor screen. */
export const DesignerContext = createContext<StoreApi<DesignerState> | null>(null);
