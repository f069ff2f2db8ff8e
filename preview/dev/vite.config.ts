// Builds the preview's development pages (dev/dist): the pane alone, and the client library for browser tests.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: { input: { index: `${root}index.html`, client: `${root}client.html` } },
  },
});
