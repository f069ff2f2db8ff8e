// Entry point of the designer: mounts the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installDesignTokens } from '@datastore-designer/preview/design-tokens';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App.tsx';

// The tokens every screen's CSS (and the preview pane's) is written over.
installDesignTokens();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
