import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/renderer and served as files (Electron's file:// or the daemon's web bridge): relative base.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    // Relative to root: dist/renderer at the repo's top, beside the compiled engine.
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or eval: the pages run under a CSP of script-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
