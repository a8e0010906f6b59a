// Vite build of the web app into apps/web/dist, served by apps/server/src/routes/web.ts.
// Hashed file names under /assets/ are served with immutable caching; no inline scripts are
// emitted, so the server's Content-Security-Policy can forbid them.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev -w @keygrade/web` next to `keygrade serve` on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
