import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * Both widget entries build into app/, the folder `zet validate` and `zet pack` read. Zoho hosts the
 * files under an unknown path prefix, so asset URLs are relative; no source maps or manifest (zet
 * drops or rejects them).
 */
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  plugins: [preact()],
  build: {
    outDir: resolve(import.meta.dirname, '../app'),
    emptyOutDir: true,
    sourcemap: false,
    manifest: false,
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        widget: resolve(import.meta.dirname, 'widget.html'),
        settings: resolve(import.meta.dirname, 'settings.html'),
      },
    },
  },
});
