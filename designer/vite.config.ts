// Vite build and dev server for the designer: output to designer/dist, /api and /sync proxied to the local runtime.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const runtime = process.env.RUNTIME_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: runtime, changeOrigin: true },
      '/sync': { target: runtime, changeOrigin: true, ws: true },
    },
  },
});
