// The web pages (src/web) built by Vite into dist/web: hashed assets under /web/assets, no
// third-party script, nothing loaded from a CDN.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { WEB_PAGES } from './src/protocol/web-pages.js';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/web'),
  base: '/web/',
  publicDir: false,
  resolve: { conditions: ['agent-sync-source'] },
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: { input: Object.fromEntries(WEB_PAGES.map((page) => [page, resolve(import.meta.dirname, `src/web/${page}.html`)])) },
  },
  logLevel: 'warn',
});
